// Follows a host's job (build, rebuild, cancel) step by step with a progress bar, by polling it;
// a finished build ends on the host page.
import { useCallback, useEffect } from 'react';
import { get, seg } from '../api-client.ts';
import type { Job } from '../api-types.ts';
import { Loading, ProblemBanner } from '../forms.tsx';
import { PageTitle } from '../layout.tsx';
import { Link, navigate } from '../router.tsx';
import { useApi, useInterval } from '../use-api.ts';

const jobTitles: Record<Job['kind'], string> = {
  build: 'Building', rebuild: 'Rebuilding', cancel: 'Cancelling', export: 'Exporting', import: 'Importing',
  backup: 'Backing up', restore: 'Restoring', upgrade: 'Upgrading Synapse',
};

export function BuildPage({ hostId, jobId }: { hostId: string; jobId: string }) {
  const job = useApi(() => get<Job>(`/jobs/${seg(jobId)}`), [jobId]);
  const finished = job.data?.status === 'succeeded' || job.data?.status === 'failed';
  const poll = useCallback(() => void job.reload(), [job]);
  useInterval(poll, 1000, !finished && !job.problem);
  useEffect(() => {
    if (job.data?.status !== 'succeeded') return;
    const timer = setTimeout(() => navigate(job.data?.kind === 'cancel' ? '/' : `/hosts/${hostId}?built=${job.data?.kind}`, { replace: true }), 1200);
    return () => clearTimeout(timer);
  }, [job.data?.status, job.data?.kind, hostId]);
  if (job.problem) return <><PageTitle back={{ to: '/', label: 'Hosts' }}>Job</PageTitle><ProblemBanner problem={job.problem} /></>;
  if (!job.data) return <Loading />;
  return (
    <section>
      <PageTitle back={{ to: `/hosts/${hostId}`, label: hostId }}>{jobTitles[job.data.kind]} {hostId}</PageTitle>
      <JobProgress job={job.data} />
      {job.data.status === 'succeeded' && <p className="success-text" role="status">Done. {job.data.kind === 'cancel' ? 'The host is gone.' : <Link to={`/hosts/${hostId}`}>Manage host</Link>}</p>}
      {job.data.status === 'failed' && (
        <div className="problem" role="alert"><strong>The job failed</strong><p>{job.data.error ?? 'See the log below.'} You can try a rebuild from the <Link to={`/hosts/${hostId}`}>host page</Link>.</p></div>
      )}
      {job.data.status !== 'succeeded' && job.data.status !== 'failed' && <p className="muted">Sit tight for a few minutes while your server is being built. You can leave this page; the job goes on.</p>}
    </section>
  );
}

export function JobProgress({ job, withLog = false }: { job: Job; withLog?: boolean }) {
  return (
    <div className="job">
      <div className="progress" role="progressbar" aria-label="Progress" aria-valuemin={0} aria-valuemax={100} aria-valuenow={job.progress}>
        <div className={`progress-bar progress-${job.status}`} style={{ width: `${job.progress}%` }} />
      </div>
      <p className="muted">{job.progress}% · {job.status}</p>
      <ol className="job-steps">
        {job.steps.map((step) => <li key={step.name} className={`step step-${step.status}`} data-status={step.status}>{step.name}</li>)}
      </ol>
      {withLog && (
        <pre className="log">{job.logs.map((line) => `${line.at}  ${line.level.padEnd(5)}  ${line.message}`).join('\n') || 'No log lines.'}</pre>
      )}
    </div>
  );
}
