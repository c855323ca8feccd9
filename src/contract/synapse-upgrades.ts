// Synapse upgrades in the API: installed releases, rollouts with each host's progress, and a host's maintenance window.
import { Type } from 'typebox';

export const SynapseReleaseUsage = Type.Object({
  release: Type.String(),
  /** False for a release hosts still run whose venv is gone from this machine. */
  installed: Type.Boolean(),
  hosts: Type.Integer(),
});

export const StartRolloutBody = Type.Object({
  release: Type.String({ maxLength: 20, pattern: '^[0-9]{1,3}\\.[0-9]{1,4}\\.[0-9]{1,4}$', description: 'An installed Synapse release, e.g. 1.163.2' }),
  canary: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: "The host upgraded first, alone (label or id); the first host in line when not given" })),
  batchSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 5, description: 'Hosts upgraded at once after the canary' })),
  urgent: Type.Optional(Type.Boolean({ default: false, description: "A security release: customers' maintenance windows are not waited for" })),
}, { additionalProperties: false });

export const RolloutHostProgress = Type.Object({
  hostId: Type.String({ format: 'uuid' }),
  label: Type.String(),
  canary: Type.Boolean(),
  fromRelease: Type.String(),
  status: Type.Union([
    Type.Literal('pending'), Type.Literal('upgrading'), Type.Literal('upgraded'), Type.Literal('rolled_back'), Type.Literal('failed'), Type.Literal('skipped'),
  ]),
  /** The batch the host went in (0: the canary); null while it waits. */
  batch: Type.Union([Type.Integer(), Type.Null()]),
  jobId: Type.Union([Type.String({ format: 'uuid' }), Type.Null()]),
  /** From the moment Synapse stopped until the new release answered a client. */
  downtimeMs: Type.Union([Type.Integer(), Type.Null()]),
  error: Type.Union([Type.String(), Type.Null()]),
  /** The first hour (UTC) of the customer's maintenance window; null: any time. */
  maintenanceWindowStartHour: Type.Union([Type.Integer(), Type.Null()]),
});

export const Rollout = Type.Object({
  id: Type.String({ format: 'uuid' }),
  release: Type.String(),
  status: Type.Union([Type.Literal('running'), Type.Literal('completed'), Type.Literal('halted')]),
  error: Type.Union([Type.String(), Type.Null()]),
  batchSize: Type.Integer(),
  urgent: Type.Boolean(),
  createdAt: Type.String({ format: 'date-time' }),
  finishedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
});

export const RolloutWithHosts = Type.Object({ rollout: Rollout, hosts: Type.Array(RolloutHostProgress) });

export const MaintenanceWindow = Type.Object({
  startHour: Type.Union([Type.Integer({ minimum: 0, maximum: 23 }), Type.Null()], { description: 'First hour (UTC) of the window in which Synapse upgrades may restart the host; null: any time' }),
}, { additionalProperties: false });

export const MaintenanceWindowAnswer = Type.Object({
  startHour: Type.Union([Type.Integer(), Type.Null()]),
  hours: Type.Integer({ description: 'How long the window lasts' }),
});
