// The backups of hosts (restore points), the restores from them, and each host's last backup outcome.
import { sql } from 'kysely';
import type { Db } from './database.ts';
import type { BackupKind, BackupRow, BackupTrigger, RestoreRow } from './schema.ts';

export async function insertBackup(
  db: Db, values: { hostId: string; jobId: string; trigger: BackupTrigger; label: string; serverName: string; synapseRelease: string | null },
): Promise<BackupRow> {
  return db.insertInto('backups')
    .values({ host_id: values.hostId, job_id: values.jobId, trigger: values.trigger, label: values.label, server_name: values.serverName, synapse_release: values.synapseRelease })
    .returningAll().executeTakeFirstOrThrow();
}

/** Records the snapshot an upgrade job took as a restore point of its host; once per job. */
export async function recordUpgradeSnapshot(
  db: Db, values: { hostId: string; jobId: string; label: string; serverName: string; snapshotName: string; fromRelease: string; toRelease: string; bytes: number | null },
): Promise<void> {
  const now = new Date();
  await db.insertInto('backups').values({
    host_id: values.hostId, job_id: values.jobId, trigger: 'before-upgrade', status: 'ready', kind: 'snapshot', label: values.label, server_name: values.serverName,
    snapshot_name: values.snapshotName, synapse_release: values.fromRelease, upgrade_release: values.toRelease, bytes: values.bytes, created_at: now, completed_at: now,
  }).onConflict((conflict) => conflict.column('job_id').doNothing()).execute();
}

/** A host's upgrade snapshots that still exist, newest first. */
export async function listHostSnapshots(db: Db, hostId: string): Promise<BackupRow[]> {
  return db.selectFrom('backups').selectAll().where('host_id', '=', hostId).where('kind', '=', 'snapshot').where('status', '<>', 'deleted')
    .orderBy('created_at', 'desc').orderBy('id', 'desc').execute();
}

export async function findBackupOfJob(db: Db, jobId: string): Promise<BackupRow | undefined> {
  return db.selectFrom('backups').selectAll().where('job_id', '=', jobId).executeTakeFirst();
}

export async function findBackup(db: Db, backupId: string): Promise<BackupRow | undefined> {
  if (!/^[0-9a-f-]{36}$/i.test(backupId)) return undefined;
  return db.selectFrom('backups').selectAll().where('id', '=', backupId).executeTakeFirst();
}

/** Newest first; deleted ones are left out. Both kinds, or only backups (the store's archives) or only snapshots. */
export async function listHostBackups(db: Db, hostId: string, limit = 200, kind?: BackupKind): Promise<BackupRow[]> {
  let query = db.selectFrom('backups').selectAll().where('host_id', '=', hostId).where('status', '<>', 'deleted');
  if (kind) query = query.where('kind', '=', kind);
  return query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
}

/** Records a backup's outcome on it and on its host (where monitoring reads it). */
export async function finishBackup(db: Db, backup: Pick<BackupRow, 'id' | 'host_id'>, outcome: { bytes: number } | { error: string }): Promise<void> {
  const now = new Date();
  const failed = 'error' in outcome;
  await db.transaction().execute(async (trx) => {
    await trx.updateTable('backups')
      .set(failed ? { status: 'failed', error: outcome.error, completed_at: now } : { status: 'ready', bytes: outcome.bytes, completed_at: now })
      .where('id', '=', backup.id).where('status', '=', 'running').execute();
    await trx.updateTable('hosts')
      .set({ last_backup_status: failed ? 'failed' : 'succeeded', last_backup_at: now, last_backup_error: failed ? outcome.error : null })
      .where('id', '=', backup.host_id).execute();
  });
}

export async function markBackupDeleted(db: Db, backupId: string): Promise<void> {
  await db.updateTable('backups').set({ status: 'deleted', deleted_at: new Date() }).where('id', '=', backupId).execute();
}

/** Hosts that may be backed up, with when their newest scheduled or manual backup started (null: never). */
export async function hostsForScheduledBackup(db: Db): Promise<{ id: string; size: string; lastStartedAt: Date | null; busy: boolean }[]> {
  const rows = await db.selectFrom('hosts')
    .select(['hosts.id', 'hosts.size'])
    .select(sql<Date | null>`(SELECT max(b.created_at) FROM backups b WHERE b.host_id = hosts.id AND b.kind = 'backup' AND b.status <> 'failed')`.as('last_started_at'))
    .select(sql<boolean>`EXISTS (SELECT 1 FROM jobs j WHERE j.host_id = hosts.id AND j.kind IN ('backup', 'restore') AND j.status IN ('queued', 'running'))`.as('busy'))
    .where('hosts.status', 'in', ['running', 'degraded', 'sleeping'])
    // A staging clone is part of its original's subscription: only its original is backed up on schedule.
    .where('hosts.cloned_from_host_id', 'is', null)
    .execute();
  return rows.map((row) => ({ id: row.id, size: row.size, lastStartedAt: row.last_started_at ? new Date(row.last_started_at) : null, busy: row.busy }));
}

export async function insertRestore(db: Db, values: { hostId: string; backupId: string; jobId: string }): Promise<RestoreRow> {
  return db.insertInto('restores').values({ host_id: values.hostId, backup_id: values.backupId, job_id: values.jobId }).returningAll().executeTakeFirstOrThrow();
}

export async function findRestoreOfJob(db: Db, jobId: string): Promise<RestoreRow | undefined> {
  return db.selectFrom('restores').selectAll().where('job_id', '=', jobId).executeTakeFirst();
}

export async function markRestoreDatabase(db: Db, restoreId: string, stage: 'reset' | 'restored'): Promise<void> {
  await db.updateTable('restores').set(stage === 'reset' ? { database_reset_at: new Date() } : { database_restored_at: new Date() }).where('id', '=', restoreId).execute();
}
