// Rollouts of a Synapse release across the hosts, and each host's progress in one, driven by the
// `synapse-rollout` task (src/jobs/synapse-rollout.ts), which re-queues itself until it is done.
import { sql } from 'kysely';
import type { Db } from './database.ts';
import type { RolloutHostStatus, SynapseRolloutHostRow, SynapseRolloutRow } from './schema.ts';

export const rolloutTask = 'synapse-rollout';

/** Queues the rollout's next pass at `runAt`; a rollout has one pending pass at most. */
export async function queueRolloutPass(db: Db, rolloutId: string, runAt: Date): Promise<void> {
  await sql`SELECT graphile_worker.add_job(${rolloutTask}, json_build_object('rolloutId', ${rolloutId}::text), run_at => ${runAt.toISOString()}::timestamptz, max_attempts => 25, job_key => ${'synapse-rollout:' + rolloutId}, job_key_mode => 'replace')`.execute(db);
}

export async function createRollout(
  db: Db,
  rollout: { targetRelease: string; canaryHostId: string | null; batchSize: number; urgent: boolean; createdBy: string | null },
  hosts: Array<{ id: string; release: string }>,
): Promise<SynapseRolloutRow> {
  const row = await db.insertInto('synapse_rollouts').values({
    target_release: rollout.targetRelease, canary_host_id: rollout.canaryHostId, batch_size: rollout.batchSize, urgent: rollout.urgent,
    created_by: rollout.createdBy, error: null, finished_at: null,
  }).returningAll().executeTakeFirstOrThrow();
  if (hosts.length > 0) {
    await db.insertInto('synapse_rollout_hosts').values(hosts.map((host, position) => ({
      rollout_id: row.id, host_id: host.id, position, batch: null, from_release: host.release, job_id: null, downtime_ms: null, error: null, started_at: null, finished_at: null,
    }))).execute();
  }
  return row;
}

export async function findRollout(db: Db, rolloutId: string): Promise<SynapseRolloutRow | undefined> {
  return db.selectFrom('synapse_rollouts').selectAll().where('id', '=', rolloutId).executeTakeFirst();
}

export async function runningRollout(db: Db): Promise<SynapseRolloutRow | undefined> {
  return db.selectFrom('synapse_rollouts').selectAll().where('status', '=', 'running').executeTakeFirst();
}

export async function listRollouts(db: Db, limit: number): Promise<SynapseRolloutRow[]> {
  return db.selectFrom('synapse_rollouts').selectAll().orderBy('created_at', 'desc').limit(limit).execute();
}

export type RolloutHostWithLabel = SynapseRolloutHostRow & { label: string; maintenance_hour: number | null; host_status: string };

export async function rolloutHosts(db: Db, rolloutId: string): Promise<RolloutHostWithLabel[]> {
  return db.selectFrom('synapse_rollout_hosts').innerJoin('hosts', 'hosts.id', 'synapse_rollout_hosts.host_id')
    .selectAll('synapse_rollout_hosts').select(['hosts.label', 'hosts.maintenance_hour', 'hosts.status as host_status'])
    .where('rollout_id', '=', rolloutId).orderBy('position').execute();
}

/** The host's row in the rollout whose upgrade job this is. */
export async function rolloutHostOfJob(db: Db, jobId: string): Promise<SynapseRolloutHostRow & { target_release: string }> {
  return db.selectFrom('synapse_rollout_hosts').innerJoin('synapse_rollouts', 'synapse_rollouts.id', 'synapse_rollout_hosts.rollout_id')
    .selectAll('synapse_rollout_hosts').select('synapse_rollouts.target_release')
    .where('job_id', '=', jobId).executeTakeFirstOrThrow();
}

export async function updateRolloutHost(
  db: Db, rolloutId: string, hostId: string,
  changes: Partial<{ status: RolloutHostStatus; batch: number; job_id: string; downtime_ms: number | null; error: string | null; started_at: Date; finished_at: Date }>,
): Promise<void> {
  await db.updateTable('synapse_rollout_hosts').set(changes).where('rollout_id', '=', rolloutId).where('host_id', '=', hostId).execute();
}

/** Marks when the host stopped for its upgrade, once: a resumed job keeps the first time, so its downtime is whole. */
export async function markRolloutHostStopped(db: Db, rolloutId: string, hostId: string): Promise<void> {
  await db.updateTable('synapse_rollout_hosts').set({ started_at: sql<Date>`coalesce(started_at, now())` })
    .where('rollout_id', '=', rolloutId).where('host_id', '=', hostId).execute();
}

export async function finishRollout(db: Db, rolloutId: string, outcome: { status: 'completed' } | { status: 'halted'; error: string }): Promise<void> {
  await db.updateTable('synapse_rollouts')
    .set({ status: outcome.status, error: outcome.status === 'halted' ? outcome.error : null, finished_at: sql<Date>`now()` })
    .where('id', '=', rolloutId).where('status', '=', 'running').execute();
}

/** Hosts per installed release, for `homeport synapse list`. */
export async function hostsPerRelease(db: Db): Promise<Map<string, number>> {
  const rows = await db.selectFrom('hosts').select(['synapse_release', sql<string>`count(*)::text`.as('count')])
    .where('status', '<>', 'cancelled').groupBy('synapse_release').execute();
  return new Map(rows.map((row) => [row.synapse_release ?? 'unknown', Number(row.count)]));
}
