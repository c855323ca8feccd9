// How a job row, its steps and log lines become the API's job resource.
import type { Static } from 'typebox';
import type { Job, JobSummary } from '../../contract/jobs.ts';
import type { JobDetail } from '../../store/jobs.ts';
import type { JobRow } from '../../store/schema.ts';

const iso = (value: Date | string | null) => (value === null ? null : new Date(value).toISOString());

export function jobSummary(job: JobRow): Static<typeof JobSummary> {
  return {
    id: job.id,
    hostId: job.host_id,
    kind: job.kind,
    status: job.status,
    error: job.error,
    attempts: job.attempts,
    createdAt: new Date(job.created_at).toISOString(),
    startedAt: iso(job.started_at),
    finishedAt: iso(job.finished_at),
  };
}

export function jobView(job: JobDetail): Static<typeof Job> {
  // A skipped step is behind the job as much as a done one.
  const done = job.steps.filter((step) => step.status === 'done' || step.status === 'skipped').length;
  return {
    ...jobSummary(job),
    progress: job.steps.length === 0 ? 0 : Math.round((done / job.steps.length) * 100),
    steps: job.steps.map((step) => ({ name: step.name, status: step.status, startedAt: iso(step.started_at), finishedAt: iso(step.finished_at) })),
    logs: job.logs.map((line) => ({ id: Number(line.id), at: new Date(line.at).toISOString(), level: line.level, message: line.message })),
  };
}
