// Import uploads as stored: who made the folder, until when it is kept, and the import using it.
import { sql } from 'kysely';
import type { Db } from './database.ts';
import type { ImportUploadRow } from './schema.ts';

export const importUploadExpiryTask = 'import-upload-expiry';

/** Records the upload and queues its deletion at `expiresAt`, in the caller's transaction. */
export async function insertImportUpload(db: Db, values: { id: string; operatorId: string; expiresAt: Date }): Promise<ImportUploadRow> {
  const row = await db.insertInto('import_uploads').values({
    id: values.id, operator_account_id: values.operatorId, import_id: null, expires_at: values.expiresAt, deleted_at: null,
  }).returningAll().executeTakeFirstOrThrow();
  await sql`SELECT graphile_worker.add_job(${importUploadExpiryTask}, json_build_object('uploadId', ${values.id}::text), run_at => ${values.expiresAt.toISOString()}::timestamptz, max_attempts => 10, job_key => ${'import-upload-expiry:' + values.id})`.execute(db);
  return row;
}

export async function findImportUpload(db: Db, uploadId: string): Promise<ImportUploadRow | undefined> {
  return db.selectFrom('import_uploads').selectAll().where('id', '=', uploadId).executeTakeFirst();
}

export async function findUploadOfImport(db: Db, importId: string): Promise<ImportUploadRow | undefined> {
  return db.selectFrom('import_uploads').selectAll().where('import_id', '=', importId).executeTakeFirst();
}

/** Hands the upload to an import; false when another import took it first. */
export async function useImportUpload(db: Db, uploadId: string, importId: string): Promise<boolean> {
  const result = await db.updateTable('import_uploads').set({ import_id: importId })
    .where('id', '=', uploadId).where('import_id', 'is', null).where('deleted_at', 'is', null).executeTakeFirst();
  return result.numUpdatedRows === 1n;
}

/** Gives the upload back after its import failed, so a corrected import can use it until it expires. */
export async function releaseImportUpload(db: Db, importId: string): Promise<void> {
  await db.updateTable('import_uploads').set({ import_id: null }).where('import_id', '=', importId).execute();
}

export async function markImportUploadDeleted(db: Db, uploadId: string): Promise<void> {
  await db.updateTable('import_uploads').set({ deleted_at: new Date() }).where('id', '=', uploadId).where('deleted_at', 'is', null).execute();
}

/** Uploads past their retention that no running import holds. */
export async function expiredImportUploads(db: Db, now: Date): Promise<ImportUploadRow[]> {
  return db.selectFrom('import_uploads').selectAll().where('deleted_at', 'is', null).where('expires_at', '<=', now)
    .where((eb) => eb.or([
      eb('import_id', 'is', null),
      eb.not(eb.exists(eb.selectFrom('imports').innerJoin('jobs', 'jobs.id', 'imports.job_id').select('imports.id')
        .whereRef('imports.id', '=', 'import_uploads.import_id').where('jobs.status', 'in', ['queued', 'running']))),
    ])).execute();
}
