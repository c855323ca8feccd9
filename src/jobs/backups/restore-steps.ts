// The restore job, step by step. The backup is fetched and every byte of it authenticated while
// the host still serves (a tampered or foreign backup fails here, the host untouched); only then
// is the host stopped and taken off the edge (status `restoring`), its database emptied and
// restored, its media replaced, and Synapse started and checked; the host is routed again last.
// Each step finds its own finished work (a marker or a recorded time) and skips it, so a restore
// killed anywhere resumes after a restart and never serves a half-restored host.
import { createWriteStream } from 'node:fs';
import { access, mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import * as tar from 'tar';
import { findBackup, findRestoreOfJob, markRestoreDatabase } from '../../store/backups.ts';
import { findHost, moveHostStatus, updateHost } from '../../store/hosts.ts';
import { deleteHostSecrets } from '../../store/host-secrets.ts';
import { recordAudit } from '../../store/audit-log.ts';
import { openStream, SealBroken } from '../../store/sealed-stream.ts';
import type { BackupRow, RestoreRow } from '../../store/schema.ts';
import { adminAccessStep, allocateStep, configStep, databaseStep, healthyStep, startStep } from '../build-host-steps.ts';
import { applyHostEdgeFromDatabase } from '../edge-hosts.ts';
import { databaseRoleFor, loadHostSpec } from '../host-spec.ts';
import type { HomeportContext } from '../../homeport-context.ts';
import { PermanentJobError, type JobStep, type StepInput } from '../job-step.ts';
import { sequencesStep } from '../portability/import-steps.ts';
import { releaseAfterRestore } from '../../domain/synapse-release.ts';
import { backupFileName, backupWorkDir, sealName } from './backup-files.ts';

const exists = (path: string) => access(path).then(() => true, () => false);

/** The statuses a host may be restored from (a host whose earlier restore failed included). */
export const restorableStatuses = ['running', 'degraded', 'sleeping', 'failed'] as const;

async function restoreFor(input: Pick<StepInput, 'context' | 'jobId'>): Promise<{ row: RestoreRow; backup: BackupRow; work: string }> {
  const row = await findRestoreOfJob(input.context.db, input.jobId);
  const backup = row ? await findBackup(input.context.db, row.backup_id) : undefined;
  if (!row || !backup) throw new PermanentJobError('the restore of this job is not recorded');
  return { row, backup, work: backupWorkDir(input.context, 'restore', row.id) };
}

/** A restore point's Synapse release must be installed before the host is touched; otherwise the reason, and what to do. */
export async function releaseProblem(context: HomeportContext, backup: BackupRow, hostRelease: string | null): Promise<string | undefined> {
  const release = releaseAfterRestore({ kind: backup.kind, synapseRelease: backup.synapse_release }, hostRelease);
  if (release === null || (await context.synapseReleases.installedReleases()).includes(release)) return undefined;
  const why = backup.kind === 'snapshot'
    ? `the snapshot holds the database of Synapse ${release} from before the upgrade to ${backup.upgrade_release ?? 'a newer release'}, and a host restored to it runs ${release} again`
    : `the backup holds the database of Synapse ${release}, newer than the host's ${hostRelease ?? 'release'}`;
  return `${why}, which is no longer installed: install it with \`homeport synapse install ${release}\`, then restore again`;
}

/**
 * A snapshot lives in the runtime (nothing to fetch): it must still exist and its release be
 * installed. A clone also takes the original's media store as it is now (a snapshot holds the
 * database and configuration only; media files are never changed, only added).
 */
async function checkSnapshot(input: StepInput, row: RestoreRow, backup: BackupRow, work: string): Promise<void> {
  const { context } = input;
  const original = await loadHostSpec(context, backup.host_id);
  if (backup.snapshot_name === null || !(await context.snapshots.hasSnapshot(original, backup.snapshot_name))) {
    throw new PermanentJobError(`the snapshot ${backup.id} no longer exists; the host was not changed`);
  }
  const host = await findHost(context.db, row.host_id);
  const problem = await releaseProblem(context, backup, host?.synapse_release ?? null);
  if (problem) throw new PermanentJobError(`${problem}; the host was not changed`);
  if (row.host_id !== backup.host_id) await context.portability.archiveMedia(backup.host_id, join(work, 'media.tar.gz'), input.signal);
  await writeFile(join(work, 'fetched'), '');
  await input.log(`snapshot ${backup.id} (taken before the upgrade to Synapse ${backup.upgrade_release ?? '?'}) found${row.host_id === backup.host_id ? '' : `; ${backup.label}'s media store archived for the clone`}`);
}

export const fetchBackupStep: JobStep = {
  name: 'fetch and verify',
  timeoutMs: 12 * 3_600_000,
  async run(input) {
    const { row, backup, work } = await restoreFor(input);
    if (await exists(join(work, 'fetched'))) return;
    if (backup.status !== 'ready') throw new PermanentJobError(`backup ${backup.id} is ${backup.status}; only a finished backup can be restored`);
    await rm(work, { recursive: true, force: true });
    await mkdir(work, { recursive: true, mode: 0o700 });
    if (backup.kind === 'snapshot') return checkSnapshot(input, row, backup, work);
    const { box, backups } = input.context;
    try {
      // Records are authenticated before they are unpacked, and the end is checked before the marker: a
      // file cut short or changed anywhere fails this step with nothing of the host touched.
      await pipeline(await backups.read(backupFileName(backup, 'database')), openStream(box, sealName(backup.id, 'database')), tar.x({ cwd: work, strict: true }), { signal: input.signal });
      await pipeline(await backups.read(backupFileName(backup, 'media')), openStream(box, sealName(backup.id, 'media')), createWriteStream(join(work, 'media.tar.gz'), { mode: 0o600 }), { signal: input.signal });
    } catch (error) {
      await rm(work, { recursive: true, force: true });
      if (error instanceof SealBroken) throw new PermanentJobError(`backup ${backup.id} is refused: ${error.message}; the host was not changed`, { cause: error });
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new PermanentJobError(`backup ${backup.id} is missing from ${backups.description}; the host was not changed`, { cause: error });
      throw error;
    }
    await writeFile(join(work, 'fetched'), '');
    await input.log(`backup ${backup.id} of ${new Date(backup.created_at).toISOString()} fetched from ${backups.description}; every record authenticated`);
  },
};

export const unrouteStep: JobStep = {
  name: 'stop and unroute',
  timeoutMs: 120_000,
  async run({ context, hostId, log }) {
    await moveHostStatus(context.db, hostId, [...restorableStatuses], 'restoring');
    const host = await findHost(context.db, hostId);
    if (host?.status !== 'restoring') throw new PermanentJobError(`the host is ${host?.status ?? 'gone'} and cannot be restored now`);
    await context.runtime.stop(hostId);
    // `restoring` is not a routed status: this removes the host's routes, and every later whole update leaves them out.
    await applyHostEdgeFromDatabase(context, hostId);
    await log('Synapse stopped and the host taken off the edge until the restore is verified');
  },
};

export const restoreDatabaseStep: JobStep = {
  name: 'database restore',
  timeoutMs: 12 * 3_600_000,
  async run(input) {
    const { row, work } = await restoreFor(input);
    if (row.database_restored_at) return;
    const { backup } = await restoreFor(input);
    const { context } = input;
    const spec = await loadHostSpec(context, input.hostId);
    await markRestoreDatabase(context.db, row.id, 'reset');
    if (backup.kind === 'snapshot' && backup.snapshot_name !== null) {
      // A copy of the snapshot's database made by PostgreSQL, from nothing on every try.
      if (backup.host_id === input.hostId) await context.snapshots.restoreSnapshot(spec, backup.snapshot_name);
      else await context.snapshots.cloneSnapshot(spec, backup.snapshot_name, { databaseUser: (await loadHostSpec(context, backup.host_id)).database.user });
    } else {
      // From nothing on every try: a restore killed half-way leaves a database that cannot be trusted.
      await context.portability.resetDatabase(spec.database);
      await context.portability.restoreDatabase(spec.database, { format: 'directory', path: join(work, 'database') }, input.signal);
    }
    // The release that can run the restored data (see releaseAfterRestore), set before Synapse starts.
    const host = await findHost(context.db, input.hostId);
    const release = releaseAfterRestore({ kind: backup.kind, synapseRelease: backup.synapse_release }, host?.synapse_release ?? null);
    if (release !== null && release !== host?.synapse_release) {
      await context.db.updateTable('hosts').set({ synapse_release: release }).where('id', '=', input.hostId).execute();
      await context.runtime.writeConfig(await loadHostSpec(context, input.hostId));
      await input.log(`the host runs Synapse ${release} from now on, the release of the restored data`);
    } else if (backup.kind === 'snapshot') {
      // restoreSnapshot put the snapshot's configuration files back; the host's settings are today's.
      await context.runtime.writeConfig(await loadHostSpec(context, input.hostId));
    }
    await markRestoreDatabase(context.db, row.id, 'restored');
    await input.log(backup.kind === 'snapshot' ? `database ${spec.database.name} made a copy of the snapshot's` : `database ${spec.database.name} restored from nothing (pg_restore)`);
  },
};

export const restoreMediaStep: JobStep = {
  name: 'media',
  timeoutMs: 12 * 3_600_000,
  async run(input) {
    const { backup, work } = await restoreFor(input);
    if (await exists(join(work, 'media-restored'))) return;
    if (backup.kind === 'snapshot' && backup.host_id === input.hostId) {
      await input.log('media store kept as it is: a snapshot holds the database and configuration (media files are only ever added)');
      return 'skipped';
    }
    await input.context.portability.restoreMedia(input.hostId, join(work, 'media.tar.gz'), input.signal);
    await writeFile(join(work, 'media-restored'), '');
    await input.log('media store replaced by the backup\'s');
  },
};

export const serveAgainStep: JobStep = {
  name: 'serve again',
  timeoutMs: 60_000,
  async run(input) {
    const { row, work } = await restoreFor(input);
    await moveHostStatus(input.context.db, input.hostId, ['restoring'], 'running');
    const problem = await applyHostEdgeFromDatabase(input.context, input.hostId);
    if (problem) throw new Error(problem);
    await rm(work, { recursive: true, force: true });
    await input.log(`restore ${row.id} verified; the host serves again`);
  },
};

export const restoreSteps: JobStep[] = [
  fetchBackupStep, unrouteStep, restoreDatabaseStep, sequencesStep, restoreMediaStep, startStep, healthyStep, adminAccessStep, serveAgainStep,
];

/**
 * A restore into a new host (a staging clone): the backup is fetched and authenticated before
 * anything of the new host exists; the host is `restoring` (never routed) until Synapse answers
 * on the restored data, and routed last. Its secrets are its own (a new signing key) but for the
 * password pepper, which the users' password hashes in the data need.
 */
export const cloneSteps: JobStep[] = [
  fetchBackupStep, allocateStep, databaseStep, configStep, restoreDatabaseStep, sequencesStep, restoreMediaStep, startStep, healthyStep, adminAccessStep, serveAgainStep,
];

/** A clone that failed for good leaves nothing: its process, database, media and secrets go, and its label is free again. */
export async function afterFailedClone(context: HomeportContext, hostId: string, jobId: string): Promise<void> {
  const found = await restoreFor({ context, jobId }).catch(() => undefined);
  if (found) await rm(found.work, { recursive: true, force: true });
  const host = await findHost(context.db, hostId);
  if (!host) return;
  await context.runtime.stop(hostId);
  await moveHostStatus(context.db, hostId, ['restoring', 'running'], 'cancelled');
  await applyHostEdgeFromDatabase(context, hostId);
  await context.runtime.remove(host.id, { name: host.database_name, user: databaseRoleFor(host) });
  await deleteHostSecrets(context.db, host.id);
  await updateHost(context.db, host.id, { cancelled_at: new Date() });
  await recordAudit(context.db, { actorAccountId: null, actor: 'homeport', action: 'host.clone-failed', hostId, details: { label: host.label } });
}

/**
 * After a restore failed for good: a host whose database was never emptied serves again as it
 * was; one whose database was emptied stays stopped and unrouted (`failed`) until a restore succeeds.
 */
export async function afterFailedRestore(context: HomeportContext, hostId: string, jobId: string): Promise<void> {
  const found = await restoreFor({ context, jobId }).catch(() => undefined);
  if (found) await rm(found.work, { recursive: true, force: true });
  const host = await findHost(context.db, hostId);
  // Failed before the host was stopped: it never stopped serving.
  if (host?.status !== 'restoring') return;
  if (found?.row.database_reset_at) {
    await context.runtime.stop(hostId);
    return;
  }
  await context.runtime.start(await loadHostSpec(context, hostId));
  await moveHostStatus(context.db, hostId, ['restoring'], 'running');
  await applyHostEdgeFromDatabase(context, hostId);
}
