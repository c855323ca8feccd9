// Backups of a host and restores from them: taking one now, listing the restore points, and
// restoring one into the host or into a new host (a staging clone). A customer reaches only their own hosts (any other is "not
// found"); an operator reaches every host. Scheduled backups come from queueDueBackups.
import { backupPolicyFor, isBackupDue } from '../../domain/backup-policy.ts';
import { HomeportError, notFound } from '../../domain/errors.ts';
import { recordAudit } from '../../store/audit-log.ts';
import { findBackup, hostsForScheduledBackup, insertBackup, insertRestore, listHostBackups } from '../../store/backups.ts';
import { explainLabelProblem, labelProblem } from '../../domain/hostname.ts';
import { loadHostSecrets, storeHostSecrets } from '../../store/host-secrets.ts';
import { findAccountHost, insertHost, isLabelTaken, setHostFederation } from '../../store/hosts.ts';
import { databaseNameFor } from './create-host.ts';
import { assertRoomForHost } from './machine-capacity.ts';
import { createJob } from '../../store/jobs.ts';
import type { BackupRow, BackupTrigger, HostRow, JobRow, RestoreRow } from '../../store/schema.ts';
import { releaseProblem, restorableStatuses } from '../backups/restore-steps.ts';
import { hostJobs } from '../host-jobs.ts';
import type { HomeportContext } from '../../homeport-context.ts';

/** Who asks: a customer for their own hosts, or an operator for any. */
export type BackupActor = { kind: 'customer'; accountId: string } | { kind: 'operator'; accountId: string };

const backupableStatuses = new Set(['running', 'degraded', 'sleeping']);

export async function hostForActor(context: HomeportContext, actor: BackupActor, hostIdOrLabel: string): Promise<HostRow> {
  if (actor.kind === 'customer') return findAccountHost(context.db, actor.accountId, hostIdOrLabel);
  const isUuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(hostIdOrLabel);
  const host = await context.db.selectFrom('hosts').selectAll()
    .where((eb) => (isUuid ? eb('id', '=', hostIdOrLabel) : eb.and([eb('label', '=', hostIdOrLabel), eb('status', '<>', 'cancelled')])))
    .executeTakeFirst();
  if (!host) throw notFound(`Host ${hostIdOrLabel}`);
  return host;
}

/** A host takes one backup or restore at a time: a second would copy or overwrite what the first is changing. */
async function assertNoBackupWork(context: HomeportContext, host: HostRow): Promise<void> {
  const busy = await context.db.selectFrom('jobs').select(['id', 'kind']).where('host_id', '=', host.id).where('kind', 'in', ['backup', 'restore'])
    .where('status', 'in', ['queued', 'running']).executeTakeFirst();
  if (busy) throw new HomeportError('host-busy', `A ${busy.kind} is already running`, `Host ${host.label} has a ${busy.kind} in progress (job ${busy.id}); wait for it to finish.`);
}

async function queueBackup(context: HomeportContext, host: HostRow, trigger: BackupTrigger, actor: BackupActor | undefined): Promise<{ backup: BackupRow; job: JobRow }> {
  return context.db.transaction().execute(async (trx) => {
    // The row lock makes two simultaneous requests queue here, so the check below sees the first's job.
    await trx.selectFrom('hosts').select('id').where('id', '=', host.id).forUpdate().executeTakeFirst();
    await assertNoBackupWork({ ...context, db: trx }, host);
    const job = await createJob(trx, host.id, 'backup', hostJobs.backup.steps.map((step) => step.name));
    const backup = await insertBackup(trx, { hostId: host.id, jobId: job.id, trigger, label: host.label, serverName: host.server_name, synapseRelease: host.synapse_release });
    if (actor) await recordAudit(trx, { actorAccountId: actor.accountId, actor: actor.kind, action: 'host.backup', hostId: host.id, details: { backupId: backup.id } });
    return { backup, job };
  });
}

export async function startBackup(context: HomeportContext, actor: BackupActor, hostIdOrLabel: string): Promise<{ backup: BackupRow; job: JobRow }> {
  const host = await hostForActor(context, actor, hostIdOrLabel);
  if (!backupableStatuses.has(host.status)) {
    throw new HomeportError('host-busy', 'Host cannot be backed up now', `Host ${host.label} is ${host.status}; only a running host can be backed up.`);
  }
  return queueBackup(context, host, 'manual', actor);
}

export async function listBackups(context: HomeportContext, actor: BackupActor, hostIdOrLabel: string): Promise<BackupRow[]> {
  const host = await hostForActor(context, actor, hostIdOrLabel);
  return listHostBackups(context.db, host.id);
}

export async function startRestore(
  context: HomeportContext, actor: BackupActor, hostIdOrLabel: string, backupId: string, input: { confirm: string; into?: string },
): Promise<{ restore: RestoreRow; backup: BackupRow; job: JobRow; host: HostRow }> {
  const host = await hostForActor(context, actor, hostIdOrLabel);
  const backup = await findBackup(context.db, backupId);
  if (!backup || backup.host_id !== host.id || backup.status === 'deleted') throw notFound(`Backup ${backupId}`);
  if (input.confirm !== host.label) {
    const lost = input.into === undefined ? 'everything written since the backup is lost' : `a new host ${input.into} is made from this backup`;
    throw new HomeportError('confirmation-mismatch', 'Confirmation does not match', `Type the host's label "${host.label}" to confirm: ${lost}.`);
  }
  if (backup.status !== 'ready') throw new HomeportError('host-busy', 'Backup not restorable', `Backup ${backup.id} is ${backup.status}; only a finished backup can be restored.`);
  // A clone runs the original's release, the host itself its own, unless the restore point needs another (releaseAfterRestore).
  const problem = await releaseProblem(context, backup, host.synapse_release);
  if (problem) throw new HomeportError('release-not-installed', 'Release not installed', `Restore point ${backup.id} cannot be restored now: ${problem}.`);
  if (input.into !== undefined) return startClone(context, actor, host, backup, input.into);
  if (!(restorableStatuses as readonly string[]).includes(host.status)) {
    throw new HomeportError('host-busy', 'Host cannot be restored now', `Host ${host.label} is ${host.status}; wait for its current job to finish.`);
  }
  return context.db.transaction().execute(async (trx) => {
    await trx.selectFrom('hosts').select('id').where('id', '=', host.id).forUpdate().executeTakeFirst();
    await assertNoBackupWork({ ...context, db: trx }, host);
    const job = await createJob(trx, host.id, 'restore', hostJobs.restore.steps.map((step) => step.name));
    const restore = await insertRestore(trx, { hostId: host.id, backupId: backup.id, jobId: job.id });
    await recordAudit(trx, { actorAccountId: actor.accountId, actor: actor.kind, action: 'host.restore', hostId: host.id, details: { backupId: backup.id, restoreId: restore.id } });
    return { restore, backup, job, host };
  });
}

/**
 * A restore into a new host of the same customer (a staging clone): same size and seats, the
 * original's server name inside its data, served only at its new label's address, federation off
 * (it would impersonate the original), its own secrets and signing key. The original is not
 * touched. Nothing is charged for it: a clone is a copy to look at or test on, not a second service.
 */
async function startClone(
  context: HomeportContext, actor: BackupActor, original: HostRow, backup: BackupRow, label: string,
): Promise<{ restore: RestoreRow; backup: BackupRow; job: JobRow; host: HostRow }> {
  const problem = labelProblem(label);
  if (problem) throw new HomeportError('hostname-invalid', 'Invalid hostname', explainLabelProblem(label, problem), { reason: problem });
  if (original.status === 'cancelled' || original.status === 'cancelling') {
    throw new HomeportError('host-busy', 'Host is cancelled', `Host ${original.label} is cancelled; its backups cannot be restored.`);
  }
  if (await isLabelTaken(context.db, label)) throw new HomeportError('hostname-taken', 'Hostname taken', `The hostname "${label}" is already in use.`);
  const size = context.sizes.find((candidate) => candidate.name === original.size);
  if (size) await assertRoomForHost(context, size);
  // The users' password hashes in the data were made with the original's pepper.
  const { pepper } = await loadHostSecrets(context.db, context.box, original.id);
  return context.db.transaction().execute(async (trx) => {
    const inserted = await insertHost(trx, {
      accountId: original.account_id, label, serverName: backup.server_name, size: original.size, seats: original.seats,
      // A clone of a clone belongs to the same original (and its subscription).
      databaseName: databaseNameFor(label), clonedFromHostId: original.cloned_from_host_id ?? original.id, clonedFromLabel: original.cloned_from_label ?? original.label,
    });
    await setHostFederation(trx, inserted.id, { mode: 'off', allowedServers: [] });
    // The release the original runs (the backup's schema): a clone on an older Synapse than its data would not start.
    await trx.updateTable('hosts').set({ status: 'restoring', synapse_release: original.synapse_release }).where('id', '=', inserted.id).execute();
    if (pepper !== undefined) await storeHostSecrets(trx, context.box, inserted.id, { pepper });
    const job = await createJob(trx, inserted.id, 'clone', hostJobs.clone.steps.map((step) => step.name));
    const restore = await insertRestore(trx, { hostId: inserted.id, backupId: backup.id, jobId: job.id });
    await recordAudit(trx, {
      actorAccountId: actor.accountId, actor: actor.kind, action: 'host.clone', hostId: inserted.id,
      details: { label, from: original.label, fromHostId: original.id, backupId: backup.id, restoreId: restore.id, serverName: backup.server_name },
    });
    const host = await trx.selectFrom('hosts').selectAll().where('id', '=', inserted.id).executeTakeFirstOrThrow();
    return { restore, backup, job, host };
  });
}

/** Queues a backup for every host whose size's schedule says one is due; answers how many. */
export async function queueDueBackups(context: HomeportContext, now = new Date()): Promise<number> {
  let queued = 0;
  for (const candidate of await hostsForScheduledBackup(context.db)) {
    const size = context.sizes.find((entry) => entry.name === candidate.size) ?? { name: candidate.size };
    if (candidate.busy || !isBackupDue(candidate.lastStartedAt, backupPolicyFor(size), now)) continue;
    const host = await context.db.selectFrom('hosts').selectAll().where('id', '=', candidate.id).executeTakeFirst();
    if (!host) continue;
    try {
      await queueBackup(context, host, 'scheduled', undefined);
      queued += 1;
    } catch (error) {
      if (!(error instanceof HomeportError)) throw error;
    }
  }
  return queued;
}
