// The job resource as the API shows it: status, steps with progress, and log lines.
import { Type } from 'typebox';

const Timestamp = Type.Union([Type.String({ format: 'date-time' }), Type.Null()]);

export const JobSummary = Type.Object({
  id: Type.String({ format: 'uuid' }),
  hostId: Type.String({ format: 'uuid' }),
  kind: Type.Union([Type.Literal('build'), Type.Literal('rebuild'), Type.Literal('cancel'), Type.Literal('export'), Type.Literal('import'), Type.Literal('backup'), Type.Literal('restore'), Type.Literal('clone'), Type.Literal('upgrade')]),
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
    status: Type.Union([Type.Literal('pending'), Type.Literal('running'), Type.Literal('done'), Type.Literal('skipped'), Type.Literal('failed')], { description: 'skipped: the step does not apply to this job (an export without a passphrase is not encrypted)' }),
    startedAt: Timestamp,
    finishedAt: Timestamp,
  })),
  logs: Type.Array(Type.Object({ id: Type.Integer(), at: Type.String({ format: 'date-time' }), level: Type.String(), message: Type.String() })),
});
