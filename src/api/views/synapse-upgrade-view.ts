// Rollouts and their hosts as the API shows them.
import type { Static } from 'typebox';
import type { Rollout, RolloutHostProgress, RolloutWithHosts } from '../../contract/synapse-upgrades.ts';
import type { RolloutProgress } from '../../jobs/commands/synapse-upgrades.ts';
import type { SynapseRolloutRow } from '../../store/schema.ts';
import type { RolloutHostWithLabel } from '../../store/synapse-rollouts.ts';

export function rolloutView(row: SynapseRolloutRow): Static<typeof Rollout> {
  return {
    id: row.id, release: row.target_release, status: row.status, error: row.error, batchSize: row.batch_size, urgent: row.urgent,
    createdAt: row.created_at.toISOString(), finishedAt: row.finished_at?.toISOString() ?? null,
  };
}

function rolloutHostView(row: RolloutHostWithLabel, canaryHostId: string | null): Static<typeof RolloutHostProgress> {
  return {
    hostId: row.host_id, label: row.label, canary: row.host_id === canaryHostId, fromRelease: row.from_release, status: row.status,
    batch: row.batch, jobId: row.job_id, downtimeMs: row.downtime_ms, error: row.error, maintenanceWindowStartHour: row.maintenance_hour,
  };
}

export function rolloutProgressView(progress: RolloutProgress): Static<typeof RolloutWithHosts> {
  return { rollout: rolloutView(progress.rollout), hosts: progress.hosts.map((host) => rolloutHostView(host, progress.rollout.canary_host_id)) };
}
