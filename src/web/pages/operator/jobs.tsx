// Operator: recent jobs of every host, and one job with its steps and log.
import { useCallback } from 'react';
import { get, seg } from '../../api-client.ts';
import type { Job, JobSummary } from '../../api-types.ts';
import { EmptyState, Loading, ProblemBanner } from '../../forms.tsx';
import { formatDate } from '../../format.tsx';
import { PageTitle } from '../../layout.tsx';
import { Link, useLocation } from '../../router.tsx';
import { useApi, useInterval } from '../../use-api.ts';
import { JobProgress } from '../build-progress.tsx';
import { OperatorTabs } from './operator-nav.tsx';

export function OperatorJobsPage() {
  const { query } = useLocation();
  const hostId = query.get('host');
  const jobs = useApi(() => get<{ jobs: JobSummary[] }>(`/operator/jobs${hostId ? `?hostId=${encodeURIComponent(hostId)}` : ''}`), [hostId]);
  return (
    <section>
      <PageTitle>Operator console</PageTitle>
      <OperatorTabs />
      <h2>Jobs{hostId && ' of one host'}</h2>
      <ProblemBanner problem={jobs.problem} />
      {!jobs.data ? <Loading /> : jobs.data.jobs.length === 0 ? <EmptyState title="No jobs yet" /> : (
        <table>
          <thead><tr><th>Job</th><th>Status</th><th>Host</th><th>Created</th><th>Finished</th></tr></thead>
          <tbody>
            {jobs.data.jobs.map((job) => (
              <tr key={job.id}>
                <td data-label="Job"><Link to={`/operator/jobs/${job.id}`}>{job.kind}</Link></td>
                <td data-label="Status">{job.status}{job.error && <span className="muted"> — {job.error}</span>}</td>
                <td data-label="Host"><code>{job.hostId.slice(0, 8)}</code></td>
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
  const job = useApi(() => get<Job>(`/operator/jobs/${seg(jobId)}`), [jobId]);
  const running = job.data?.status === 'queued' || job.data?.status === 'running';
  const poll = useCallback(() => void job.reload(), [job]);
  useInterval(poll, 2000, running);
  return (
    <section>
      <PageTitle back={{ to: '/operator/jobs', label: 'Jobs' }}>Job {jobId.slice(0, 8)}</PageTitle>
      <ProblemBanner problem={job.problem} />
      {!job.data ? (job.problem ? null : <Loading />) : (
        <>
          <p>{job.data.kind} of host <code>{job.data.hostId}</code>, {job.data.attempts} attempts, created {formatDate(job.data.createdAt)}</p>
          {job.data.error && <p className="field-error">{job.data.error}</p>}
          <JobProgress job={job.data} withLog />
        </>
      )}
    </section>
  );
}
