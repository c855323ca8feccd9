// One host's Synapse upgrade, a host job: stop, snapshot (database and configuration), switch to
// the target release, start (Synapse migrates the schema itself), check /health and a client's
// /versions, and roll back to the snapshot and the old release when it does not come back.
// Resumable: a snapshot that exists is never taken again (the database may be half-migrated by
// then), and a rollback begun is finished rather than the upgrade tried again.
import { synapseRequest } from '../synapse/synapse-http.ts';
import { moveHostStatus, updateHost } from '../store/hosts.ts';
import { markRolloutHostStopped, rolloutHostOfJob, updateRolloutHost } from '../store/synapse-rollouts.ts';
import { listHostSnapshots, markBackupDeleted, recordUpgradeSnapshot } from '../store/backups.ts';
import { restoreAdminAccess } from './admin-access-repair.ts';
import { loadHostSpec } from './host-spec.ts';
import type { HomeportContext } from '../homeport-context.ts';
import { PermanentJobError, type JobStep, type StepInput } from './job-step.ts';

/** Synapse may run long schema migrations on its first start of a new release. */
export const upgradeHealthTimeoutMs = 300_000;

/** The snapshot of an upgrade is named after its job: one restore point per upgrade. */
export function snapshotNameOf(jobId: string): string {
  return jobId.replaceAll('-', '');
}

async function setRelease(context: HomeportContext, hostId: string, release: string): Promise<void> {
  await context.db.updateTable('hosts').set({ synapse_release: release }).where('id', '=', hostId).execute();
}

/** A client's first request: the host must answer it, not only Synapse's own /health. */
async function checkServing(context: HomeportContext, hostId: string): Promise<string[]> {
  const spec = await loadHostSpec(context, hostId);
  await context.runtime.waitHealthy(spec, upgradeHealthTimeoutMs);
  const answer = await synapseRequest<{ versions?: unknown }>((await context.runtime.hostEndpoint(spec.id)).href, 'GET', '/_matrix/client/versions');
  if (!Array.isArray(answer.versions) || answer.versions.length === 0) throw new Error('/_matrix/client/versions answered no versions');
  return answer.versions as string[];
}

async function startOn(context: HomeportContext, hostId: string, release: string): Promise<void> {
  await setRelease(context, hostId, release);
  const spec = await loadHostSpec(context, hostId);
  await context.runtime.writeConfig(spec);
  await context.runtime.start(spec);
  await checkServing(context, hostId);
}

/** A host keeps the snapshots of its newest two upgrades as restore points; older ones are dropped when a new one is taken. */
export const upgradeSnapshotsKept = 2;

/** Snapshots past upgradeSnapshotsKept go, unless a restore from one is queued or running. */
async function dropOldSnapshots(input: StepInput): Promise<number> {
  const { context, hostId } = input;
  let dropped = 0;
  for (const old of (await listHostSnapshots(context.db, hostId)).slice(upgradeSnapshotsKept)) {
    const inUse = await context.db.selectFrom('restores').innerJoin('jobs', 'jobs.id', 'restores.job_id').select('jobs.id')
      .where('restores.backup_id', '=', old.id).where('jobs.status', 'in', ['queued', 'running']).executeTakeFirst();
    if (inUse || old.snapshot_name === null) continue;
    await context.snapshots.dropSnapshot(await loadHostSpec(context, hostId), old.snapshot_name);
    await markBackupDeleted(context.db, old.id);
    dropped += 1;
  }
  return dropped;
}

const snapshotStep: JobStep = {
  name: 'stop and snapshot',
  timeoutMs: 600_000,
  async run(input) {
    const { context, hostId, jobId, log } = input;
    const row = await rolloutHostOfJob(context.db, jobId);
    const spec = await loadHostSpec(context, hostId);
    const name = snapshotNameOf(jobId);
    const record = (bytes: number | null) => recordUpgradeSnapshot(context.db, {
      hostId, jobId, label: spec.label, serverName: spec.serverName, snapshotName: name, fromRelease: row.from_release, toRelease: row.target_release, bytes,
    });
    if (await context.snapshots.hasSnapshot(spec, name)) {
      await record(null);
      await log('the snapshot taken before this upgrade exists already');
      return;
    }
    await updateRolloutHost(context.db, row.rollout_id, hostId, { status: 'upgrading' });
    await markRolloutHostStopped(context.db, row.rollout_id, hostId);
    await context.runtime.stop(hostId);
    const { databaseBytes } = await context.snapshots.takeSnapshot(spec, name);
    // A restore point from here on, listed beside the host's backups.
    await record(databaseBytes);
    const dropped = await dropOldSnapshots(input);
    await log(`Synapse ${row.from_release} stopped; snapshot ${name} taken (database ${Math.round(databaseBytes / 1024)} KiB and configuration)${dropped ? `; ${dropped} older snapshot${dropped === 1 ? '' : 's'} dropped (the newest ${upgradeSnapshotsKept} are kept)` : ''}`);
  },
};

async function rollBack(input: StepInput, row: Awaited<ReturnType<typeof rolloutHostOfJob>>, reason: string): Promise<never> {
  const { context, hostId, jobId, log } = input;
  // Recorded first: a Homeport killed during the rollback finishes it when the job resumes.
  await updateRolloutHost(context.db, row.rollout_id, hostId, { error: reason });
  await log(`rolling back to Synapse ${row.from_release} and the snapshot: ${reason}`);
  try {
    await context.runtime.stop(hostId);
    await context.snapshots.restoreSnapshot(await loadHostSpec(context, hostId), snapshotNameOf(jobId));
    await startOn(context, hostId, row.from_release);
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    await updateRolloutHost(context.db, row.rollout_id, hostId, { status: 'failed', error: `${reason}; the rollback failed too: ${why}`, finished_at: new Date() });
    await moveHostStatus(context.db, hostId, ['upgrading'], 'degraded');
    throw new PermanentJobError(`the upgrade failed (${reason}) and so did the rollback: ${why}`);
  }
  await updateRolloutHost(context.db, row.rollout_id, hostId, { status: 'rolled_back', finished_at: new Date() });
  await log(`rolled back: Synapse ${row.from_release} serves the host's data as it was before the upgrade`);
  throw new PermanentJobError(`Synapse ${row.target_release} did not come back (${reason}); rolled back to ${row.from_release}`);
}

const switchStep: JobStep = {
  name: 'switch release and check',
  timeoutMs: upgradeHealthTimeoutMs * 2 + 120_000,
  async run(input) {
    const { context, hostId, jobId, log } = input;
    const row = await rolloutHostOfJob(context.db, jobId);
    if (row.error !== null) return rollBack(input, row, row.error);
    try {
      await context.runtime.stop(hostId);
      await startOn(context, hostId, row.target_release);
    } catch (error) {
      return rollBack(input, row, error instanceof Error ? error.message : String(error));
    }
    const stoppedAt = (await rolloutHostOfJob(context.db, jobId)).started_at;
    const downtimeMs = stoppedAt ? Date.now() - stoppedAt.getTime() : null;
    await updateRolloutHost(context.db, row.rollout_id, hostId, { downtime_ms: downtimeMs });
    await log(`Synapse ${row.target_release} answers /health and /_matrix/client/versions${downtimeMs === null ? '' : ` (${(downtimeMs / 1000).toFixed(1)} s without service)`}`);
  },
};

const recordStep: JobStep = {
  name: 'record version',
  timeoutMs: 60_000,
  async run({ context, hostId, jobId, log }) {
    const row = await rolloutHostOfJob(context.db, jobId);
    const version = await (await restoreAdminAccess(context, hostId)).serverVersion();
    await updateHost(context.db, hostId, { synapse_version: version });
    await updateRolloutHost(context.db, row.rollout_id, hostId, { status: 'upgraded', finished_at: new Date() });
    await log(`the host runs Synapse ${version}; its snapshot stays as a restore point`);
  },
};

export const upgradeSteps: JobStep[] = [snapshotStep, switchStep, recordStep];

/** A job that failed for good outside a rollback (e.g. its snapshot could never be taken) leaves its host's row failed. */
export async function markUpgradeFailed(context: HomeportContext, hostId: string, jobId: string): Promise<void> {
  const row = await rolloutHostOfJob(context.db, jobId);
  if (row.status !== 'upgrading' && row.status !== 'pending') return;
  const job = await context.db.selectFrom('jobs').select('error').where('id', '=', jobId).executeTakeFirst();
  await updateRolloutHost(context.db, row.rollout_id, hostId, { status: 'failed', error: job?.error ?? 'the upgrade job failed', finished_at: new Date() });
}
