// Follows a host's job (build, rebuild, cancel, export) step by step with a progress bar, by
// polling it; a job seen finishing ends where its result is, and a toast says so with a link.
import { Circle, CircleCheck, CircleMinus, CircleX, LoaderCircle, type LucideIcon } from 'lucide-react';
import { useCallback, useEffect, useRef } from 'react';
import { get, seg } from '../api-client.ts';
import type { Job } from '../api-types.ts';
import { jobStatusWords, jobStepWords, stepStatusWords } from '../../contract/job-step-words.ts';
import { jobKindWords } from '../../contract/status-words.ts';
import { Loading, ProblemBanner } from '../forms.tsx';
import { PageTitle } from '../layout.tsx';
import { Link, navigate } from '../router.tsx';
import { showToast } from '../toasts.tsx';
import { useApi, useInterval } from '../use-api.ts';

const whileRunning: Record<Job['kind'], string> = {
  build: 'Sit tight for a few minutes while your server is being built.',
  rebuild: 'Your server restarts with its new configuration; users are disconnected for about a minute.',
  cancel: 'Your server, its database and media are being removed.',
  export: 'Your server is stopped while its database and media are copied, then started again.',
  import: 'Your data is being restored into the server.',
  backup: 'A backup of your server is being made; it keeps serving meanwhile.',
  restore: 'Your server is stopped while it is restored from a backup, then started again.',
  clone: 'A new server is being made from a backup (a staging clone); the original keeps serving.',
  upgrade: 'Your server is being upgraded to a newer Synapse; users are disconnected for a minute or so.',
};

const jobTitles: Record<Job['kind'], string> = {
  build: 'Building', rebuild: 'Rebuilding', cancel: 'Cancelling', export: 'Exporting', import: 'Importing',
  backup: 'Backing up', restore: 'Restoring', clone: 'Restoring into a new server', upgrade: 'Upgrading Synapse',
};

export function BuildPage({ hostId, jobId }: { hostId: string; jobId: string }) {
  const job = useApi(() => get<Job>(`/jobs/${seg(jobId)}`), [jobId]);
  const finished = job.data?.status === 'succeeded' || job.data?.status === 'failed';
  const poll = useCallback(() => void job.reload(), [job]);
  useInterval(poll, 1000, !finished && !job.problem);
  // Only a job seen running here announces its end and moves on to its result: reopening an old
  // job page says nothing new and stays, to be read (which steps ran, which were skipped).
  const seenRunning = useRef(false);
  if (job.data && !finished) seenRunning.current = true;
  useEffect(() => {
    if (job.data?.status !== 'succeeded' || !seenRunning.current) return;
    const result = resultOf(job.data.kind, hostId);
    if (result.toast) showToast(result.toast, result.link);
    const timer = setTimeout(() => navigate(result.page, { replace: true }), 1200);
    return () => clearTimeout(timer);
  }, [job.data?.status, job.data?.kind, hostId]);
  if (job.problem) return <><PageTitle back={{ to: '/', label: 'Hosts' }}>Job</PageTitle><ProblemBanner problem={job.problem} /></>;
  if (!job.data) return <Loading />;
  return (
    <section>
      <PageTitle back={{ to: `/hosts/${hostId}`, label: hostId }}>{finished ? `${jobKindWords[job.data.kind]} of ${hostId}` : `${jobTitles[job.data.kind]} ${hostId}`}</PageTitle>
      <JobProgress job={job.data} />
      {job.data.status === 'succeeded' && <p className="success-text" role="status">Done. {job.data.kind === 'cancel' ? 'The host is gone.' : <Link to={`/hosts/${hostId}`}>Manage host</Link>}</p>}
      {job.data.status === 'failed' && (
        <div className="problem" role="alert"><strong>The job failed</strong><p>{job.data.error ?? 'See the log below.'} You can try a rebuild from the <Link to={`/hosts/${hostId}`}>host page</Link>.</p></div>
      )}
      {job.data.status !== 'succeeded' && job.data.status !== 'failed' && <p className="muted">{whileRunning[job.data.kind]} You can leave this page; the job goes on.</p>}
    </section>
  );
}

/** Where a finished job's result is, and what to say about it. */
function resultOf(kind: Job['kind'], hostId: string): { page: string; toast?: string; link?: { to: string; label: string } } {
  switch (kind) {
    case 'export':
      return { page: `/hosts/${hostId}/exports`, toast: `The export of ${hostId} is ready to download.`, link: { to: `/hosts/${hostId}/exports`, label: 'Go to the download links' } };
    case 'rebuild':
      return { page: `/hosts/${hostId}?built=rebuild`, toast: `${hostId} was rebuilt and is running again.` };
    case 'cancel':
      return { page: '/', toast: `${hostId} is cancelled and its data removed.` };
    case 'import':
      return { page: `/hosts/${hostId}?built=import`, toast: `The import into ${hostId} is finished.` };
    case 'build':
      return { page: `/hosts/${hostId}?built=build` };
    case 'backup':
      return { page: `/hosts/${hostId}/exports`, toast: `The backup of ${hostId} is made.`, link: { to: `/hosts/${hostId}/exports`, label: 'Go to the backups' } };
    case 'restore':
      return { page: `/hosts/${hostId}?built=restore`, toast: `${hostId} was restored from its backup and is running again.` };
    case 'clone':
      return { page: `/hosts/${hostId}?built=restore`, toast: `${hostId} was made from the backup and is running (a staging clone, federation off).` };
    case 'upgrade':
      return { page: `/hosts/${hostId}?built=upgrade`, toast: `${hostId} now runs a newer Synapse.` };
  }
}

const stepIcons: Record<Job['steps'][number]['status'], LucideIcon> = { pending: Circle, running: LoaderCircle, done: CircleCheck, skipped: CircleMinus, failed: CircleX };

export function JobProgress({ job, withLog = false }: { job: Job; withLog?: boolean }) {
  return (
    <div className="job">
      <div className="progress" role="progressbar" aria-label="Progress" aria-valuemin={0} aria-valuemax={100} aria-valuenow={job.progress}>
        <div className={`progress-bar progress-${job.status}`} style={{ width: `${job.progress}%` }} />
      </div>
      <p className="muted">{job.progress}% · {jobStatusWords[job.status]}</p>
      <ol className="job-steps">
        {job.steps.map((step) => {
          const Icon = stepIcons[step.status];
          return (
            <li key={step.name} className={`step step-${step.status}`} data-status={step.status} data-step={step.name}>
              <Icon className="icon" /><span>{jobStepWords(job.kind, step.name)}</span>
              {/* A skipped step says so for everyone; the other states are read out only (their icon shows them). */}
              {step.status === 'skipped'
                ? <span className="step-note" data-testid="step-skipped">{stepStatusWords.skipped}</span>
                : <span className="sr-only">: {stepStatusWords[step.status].toLowerCase()}</span>}
            </li>
          );
        })}
      </ol>
      {withLog && (
        <pre className="log" tabIndex={0} aria-label="Job log">{job.logs.map((line) => `${line.at}  ${line.level.padEnd(5)}  ${line.message}`).join('\n') || 'No log lines.'}</pre>
      )}
    </div>
  );
}
