// Exports of hosts as stored (status, files, expiry) and the measured transfer rates.
import { sql } from 'kysely';
import type { Db } from './database.ts';
import type { ExportFile, ExportRow, TransferKind } from './schema.ts';

export const exportExpiryTask = 'export-expiry';

export async function insertExport(db: Db, values: { id: string; hostId: string; jobId: string; encrypted: boolean; passphraseSealed: string | null; databaseBytes: number; mediaBytes: number; estimatedSeconds: number }): Promise<ExportRow> {
  return db.insertInto('exports').values({
    id: values.id,
    host_id: values.hostId,
    job_id: values.jobId,
    encrypted: values.encrypted,
    passphrase_sealed: values.passphraseSealed,
    database_bytes: values.databaseBytes,
    media_bytes: values.mediaBytes,
    estimated_downtime_seconds: values.estimatedSeconds,
    ready_at: null,
    expires_at: null,
    deleted_at: null,
  }).returningAll().executeTakeFirstOrThrow();
}

export async function findExportOfJob(db: Db, jobId: string): Promise<ExportRow | undefined> {
  return db.selectFrom('exports').selectAll().where('job_id', '=', jobId).executeTakeFirst();
}

export async function findExport(db: Db, exportId: string): Promise<ExportRow | undefined> {
  return db.selectFrom('exports').selectAll().where('id', '=', exportId).executeTakeFirst();
}

export async function listHostExports(db: Db, hostId: string, limit = 50): Promise<ExportRow[]> {
  return db.selectFrom('exports').selectAll().where('host_id', '=', hostId).orderBy('created_at', 'desc').limit(limit).execute();
}

/** Records the finished files, forgets the passphrase, and queues the deletion at `expiresAt`. */
export async function markExportReady(db: Db, exportId: string, files: ExportFile[], expiresAt: Date): Promise<void> {
  await db.updateTable('exports').set({
    status: 'ready', files: JSON.stringify(files), passphrase_sealed: null, ready_at: sql`coalesce(ready_at, now())`, expires_at: expiresAt,
  }).where('id', '=', exportId).execute();
  await sql`SELECT graphile_worker.add_job(${exportExpiryTask}, json_build_object('exportId', ${exportId}::text), run_at => ${expiresAt.toISOString()}::timestamptz, max_attempts => 10, job_key => ${'export-expiry:' + exportId})`.execute(db);
}

export async function setExportStatus(db: Db, exportId: string, status: 'failed' | 'deleted'): Promise<void> {
  await db.updateTable('exports').set({
    status, passphrase_sealed: null, ...(status === 'deleted' ? { deleted_at: sql<Date>`now()` } : {}),
  }).where('id', '=', exportId).execute();
}

export async function expiredExports(db: Db, now: Date): Promise<ExportRow[]> {
  return db.selectFrom('exports').selectAll().where('status', 'in', ['ready', 'failed']).where('expires_at', '<=', now).execute();
}

export async function recordTransferRate(db: Db, kind: TransferKind, bytes: number, seconds: number): Promise<void> {
  await db.insertInto('transfer_rates').values({ kind, bytes, seconds }).execute();
}

/** The most recent measurements of a kind, for the estimate. */
export async function recentTransferRates(db: Db, kind: TransferKind, limit = 10): Promise<{ bytes: number; seconds: number }[]> {
  const rows = await db.selectFrom('transfer_rates').select(['bytes', 'seconds']).where('kind', '=', kind).orderBy('id', 'desc').limit(limit).execute();
  return rows.map((row) => ({ bytes: Number(row.bytes), seconds: row.seconds }));
}
