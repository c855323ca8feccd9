// The job resource as the API shows it: status, steps with progress, and log lines.
import { Type, type Static } from 'typebox';
import type { JobDetail } from '../../store/jobs.ts';
import type { JobRow } from '../../store/schema.ts';

const Timestamp = Type.Union([Type.String({ format: 'date-time' }), Type.Null()]);

export const JobSummary = Type.Object({
  id: Type.String({ format: 'uuid' }),
  hostId: Type.String({ format: 'uuid' }),
  kind: Type.Union([Type.Literal('build'), Type.Literal('rebuild'), Type.Literal('cancel'), Type.Literal('export'), Type.Literal('import')]),
  status: Type.Union([Type.Literal('queued'), Type.Literal('running'), Type.Literal('succeeded'), Type.Literal('failed')]),
  error: Type.Union([Type.String(), Type.Null()]),
  attempts: Type.Integer(),
  createdAt: Type.String({ format: 'date-time' }),
  startedAt: Timestamp,
  finishedAt: Timestamp,
});

export const Job = Type.Object({
  ...JobSummary.properties,
  progress: Type.Integer({ minimum: 0, maximum: 100, description: 'Percentage of steps done' }),
  steps: Type.Array(Type.Object({
    name: Type.String(),
    status: Type.Union([Type.Literal('pending'), Type.Literal('running'), Type.Literal('done'), Type.Literal('failed')]),
    startedAt: Timestamp,
    finishedAt: Timestamp,
  })),
  logs: Type.Array(Type.Object({ id: Type.Integer(), at: Type.String({ format: 'date-time' }), level: Type.String(), message: Type.String() })),
});

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
  const done = job.steps.filter((step) => step.status === 'done').length;
  return {
    ...jobSummary(job),
    progress: job.steps.length === 0 ? 0 : Math.round((done / job.steps.length) * 100),
    steps: job.steps.map((step) => ({ name: step.name, status: step.status, startedAt: iso(step.started_at), finishedAt: iso(step.finished_at) })),
    logs: job.logs.map((line) => ({ id: Number(line.id), at: new Date(line.at).toISOString(), level: line.level, message: line.message })),
  };
}
