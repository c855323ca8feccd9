// Imports of hosts as stored: the plan, the sealed passphrase and check password, and progress.
import type { Db } from './database.ts';
import type { ImportBilling, ImportRow } from './schema.ts';

export async function insertImport(db: Db, values: { id: string; hostId: string; jobId: string; sourceDir: string; sourceKind: string; plan: Record<string, unknown>; passphraseSealed: string | null; verifyUser: string; verifyPasswordSealed: string; billing?: ImportBilling }): Promise<ImportRow> {
  return db.insertInto('imports').values({
    id: values.id,
    host_id: values.hostId,
    job_id: values.jobId,
    source_dir: values.sourceDir,
    source_kind: values.sourceKind,
    plan: JSON.stringify(values.plan),
    passphrase_sealed: values.passphraseSealed,
    verify_user: values.verifyUser,
    verify_password_sealed: values.verifyPasswordSealed,
    database_restored_at: null,
    billing: values.billing ?? 'subscription',
  }).returningAll().executeTakeFirstOrThrow();
}

export async function findImportOfJob(db: Db, jobId: string): Promise<ImportRow | undefined> {
  return db.selectFrom('imports').selectAll().where('job_id', '=', jobId).executeTakeFirst();
}

export async function updateImport(db: Db, importId: string, changes: { databaseRestoredAt?: Date | null; forgetSecrets?: boolean }): Promise<void> {
  await db.updateTable('imports').set({
    ...(changes.databaseRestoredAt !== undefined ? { database_restored_at: changes.databaseRestoredAt } : {}),
    ...(changes.forgetSecrets ? { passphrase_sealed: null, verify_password_sealed: null } : {}),
  }).where('id', '=', importId).execute();
}
