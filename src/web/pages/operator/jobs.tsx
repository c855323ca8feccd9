// Operator: recent jobs of every host, and one job with its steps and log.
import { useCallback } from 'react';
import { get, seg } from '../../api-client.ts';
import type { OperatorJob, OperatorJobSummary } from '../../api-types.ts';
import { EmptyState, Loading, ProblemBanner } from '../../forms.tsx';
import { formatDate } from '../../format.tsx';
import { PageTitle } from '../../layout.tsx';
import { Link, useLocation } from '../../router.tsx';
import { useApi, useInterval } from '../../use-api.ts';
import { JobProgress } from '../build-progress.tsx';
import { OperatorTabs } from './operator-nav.tsx';
import { jobStatusWords } from '../../../contract/job-step-words.ts';
import { jobKindWords, wordsOr } from '../../../contract/status-words.ts';


export function OperatorJobsPage() {
  const { query } = useLocation();
  const hostId = query.get('host');
  const jobs = useApi(() => get<{ jobs: OperatorJobSummary[] }>(`/operator/jobs${hostId ? `?hostId=${encodeURIComponent(hostId)}` : ''}`), [hostId]);
  return (
    <section>
      <PageTitle>Operator console</PageTitle>
      <OperatorTabs />
      <h2>Jobs{hostId && ` of ${jobs.data?.jobs[0]?.hostName ?? 'one host'}`}</h2>
      {hostId && <p><Link to="/operator/jobs">Jobs of every host</Link></p>}
      <ProblemBanner problem={jobs.problem} />
      {!jobs.data ? <Loading /> : jobs.data.jobs.length === 0 ? <EmptyState title="No jobs yet" /> : (
        <table>
          <thead><tr><th>Job</th><th>Status</th><th>Host</th><th>Customer</th><th>Created</th><th>Finished</th></tr></thead>
          <tbody>
            {jobs.data.jobs.map((job) => (
              <tr key={job.id}>
                <td data-label="Job"><Link to={`/operator/jobs/${job.id}`}>{wordsOr(jobKindWords, job.kind)}</Link></td>
                <td data-label="Status">{wordsOr(jobStatusWords, job.status)}{job.error && <span className="muted"> — {job.error}</span>}</td>
                <td data-label="Host">{job.hostName ?? <span className="muted">Removed host</span>}</td>
                <td data-label="Customer">{job.accountEmail ?? '–'}</td>
                <td data-label="Created">{formatDate(job.createdAt)}</td>
                <td data-label="Finished">{formatDate(job.finishedAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

export function OperatorJobPage({ jobId }: { jobId: string }) {
  const job = useApi(() => get<OperatorJob>(`/operator/jobs/${seg(jobId)}`), [jobId]);
  const running = job.data?.status === 'queued' || job.data?.status === 'running';
  const poll = useCallback(() => void job.reload(), [job]);
  useInterval(poll, 2000, running);
  return (
    <section>
      <PageTitle back={{ to: '/operator/jobs', label: 'Jobs' }}>{job.data ? `${wordsOr(jobKindWords, job.data.kind)} of ${job.data.hostName ?? 'a removed host'}` : 'Job'}</PageTitle>
      <ProblemBanner problem={job.problem} />
      {!job.data ? (job.problem ? null : <Loading />) : (
        <>
          <p>{wordsOr(jobStatusWords, job.data.status)}; {job.data.accountEmail ? <>customer {job.data.accountEmail}, </> : null}{job.data.attempts === 1 ? '1 attempt' : `${job.data.attempts} attempts`}, created {formatDate(job.data.createdAt)}{' · '}<Link to={`/operator/jobs?host=${job.data.hostId}`}>Other jobs of this host</Link></p>
          {job.data.error && <p className="field-error">{job.data.error}</p>}
          <JobProgress job={job.data} withLog />
        </>
      )}
    </section>
  );
}
