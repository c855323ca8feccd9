// Uploads for import: an operator on another machine sends an import's files into a staging
// folder on this one (one request per file, streamed, resumable at the size already written),
// then starts the import from that folder. The folder goes when its import ends, or after the
// export retention period if no import uses it.
import { createWriteStream } from 'node:fs';
import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { HomeportError } from '../../domain/errors.ts';
import { recordAudit } from '../../store/audit-log.ts';
import { expiredImportUploads, findImportUpload, findUploadOfImport, insertImportUpload, markImportUploadDeleted, releaseImportUpload } from '../../store/import-uploads.ts';
import type { ImportUploadRow } from '../../store/schema.ts';
import type { HomeportContext } from '../../homeport-context.ts';
import { assertDiskRoom } from './import-source.ts';

export interface ImportUploadView {
  id: string;
  createdAt: Date;
  expiresAt: Date;
  /** The import that used the folder; no more files can be written once set. */
  importId: string | null;
  files: { name: string; size: number }[];
}

/** A file name an upload accepts: letters, digits, dot, dash, underscore; no path, no leading dot. */
export const uploadFileNamePattern = '^[A-Za-z0-9][A-Za-z0-9._-]{0,254}$';
const safeName = new RegExp(uploadFileNamePattern);

export function importUploadDir(context: Pick<HomeportContext, 'config'>, uploadId: string): string {
  return join(context.config.workDir, 'import-uploads', uploadId);
}

async function liveUpload(context: HomeportContext, uploadId: string): Promise<ImportUploadRow> {
  const row = await findImportUpload(context.db, uploadId);
  if (!row || row.deleted_at) throw new HomeportError('not-found', 'No such upload', `There is no import upload ${uploadId} (uploads are deleted when their import ends or after ${context.config.exportRetentionMinutes} minutes).`);
  return row;
}

async function view(context: HomeportContext, row: ImportUploadRow): Promise<ImportUploadView> {
  const dir = importUploadDir(context, row.id);
  const files: ImportUploadView['files'] = [];
  for (const entry of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
    if (entry.isFile()) files.push({ name: entry.name, size: (await stat(join(dir, entry.name))).size });
  }
  files.sort((a, b) => a.name.localeCompare(b.name));
  return { id: row.id, createdAt: new Date(row.created_at), expiresAt: new Date(row.expires_at), importId: row.import_id, files };
}

export async function createImportUpload(context: HomeportContext, operatorId: string): Promise<ImportUploadView> {
  const id = crypto.randomUUID();
  await mkdir(importUploadDir(context, id), { recursive: true, mode: 0o700 });
  const row = await context.db.transaction().execute(async (trx) => {
    const inserted = await insertImportUpload(trx, { id, operatorId, expiresAt: new Date(Date.now() + context.config.exportRetentionMinutes * 60_000) });
    await recordAudit(trx, { actorAccountId: operatorId, actor: 'operator', action: 'import-upload.create', details: { uploadId: id } });
    return inserted;
  });
  return view(context, row);
}

export async function describeImportUpload(context: HomeportContext, uploadId: string): Promise<ImportUploadView> {
  return view(context, await liveUpload(context, uploadId));
}

/**
 * Writes one file of an upload from a stream: from the start (offset 0, replacing what was
 * there) or appended at `offset`, which must be the size already written (to resume).
 */
export async function writeImportUploadFile(context: HomeportContext, input: { uploadId: string; name: string; offset: number; length: number | undefined; body: Readable }): Promise<{ name: string; size: number }> {
  if (!safeName.test(input.name)) {
    throw new HomeportError('invalid-input', 'Unsafe file name', `"${input.name}" is not a file name an upload accepts: letters, digits, ".", "-" and "_" only, starting with a letter or digit (no folders).`);
  }
  const row = await liveUpload(context, input.uploadId);
  if (row.import_id) throw new HomeportError('upload-closed', 'Upload already imported', `Upload ${row.id} is used by import ${row.import_id}; start a new upload.`);
  const dir = importUploadDir(context, row.id);
  const path = join(dir, input.name);
  const written = await stat(path).then((info) => info.size, () => 0);
  if (input.offset !== 0 && input.offset !== written) {
    throw new HomeportError('upload-offset-mismatch', 'Wrong offset', `${input.name} holds ${written} bytes: resume at offset ${written}, or send the whole file at offset 0.`, { size: written });
  }
  await assertDiskRoom(context.config.workDir, input.length ?? 0, context.config.importDiskReserveMb);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await pipeline(input.body, createWriteStream(path, { flags: input.offset === 0 ? 'w' : 'a', mode: 0o600 }));
  const size = (await stat(path)).size;
  if (input.length !== undefined && size !== input.offset + input.length) {
    throw new HomeportError('invalid-input', 'Incomplete file', `${input.name} got ${size - input.offset} of ${input.length} bytes; resume at offset ${size}.`, { size });
  }
  return { name: input.name, size };
}

/** The folder an import reads from an upload, or a refusal; the import marks it used in its own transaction. */
export async function importUploadSource(context: HomeportContext, uploadId: string): Promise<string> {
  const row = await liveUpload(context, uploadId);
  if (row.import_id) throw new HomeportError('upload-closed', 'Upload already imported', `Upload ${row.id} is used by import ${row.import_id}; start a new upload.`);
  return importUploadDir(context, row.id);
}

async function deleteUpload(context: HomeportContext, uploadId: string): Promise<void> {
  await rm(importUploadDir(context, uploadId), { recursive: true, force: true });
  await markImportUploadDeleted(context.db, uploadId);
}

/** Deletes the upload an import read from, once that import has succeeded. */
export async function deleteUploadOfImport(context: HomeportContext, importId: string): Promise<void> {
  const row = await findUploadOfImport(context.db, importId);
  if (row && !row.deleted_at) await deleteUpload(context, row.id);
}

/** After a failed import its upload is free again (until it expires), so the operator need not send it twice. */
export async function releaseUploadOfImport(context: HomeportContext, importId: string): Promise<void> {
  await releaseImportUpload(context.db, importId);
}

/** The scheduled deletion of uploads past their retention (graphile-worker task). */
export function importUploadExpiryTask(context: HomeportContext): () => Promise<void> {
  return async () => deleteExpiredImportUploads(context);
}

/** Deletes uploads past their retention that no running import reads. */
export async function deleteExpiredImportUploads(context: HomeportContext, now = new Date()): Promise<void> {
  for (const row of await expiredImportUploads(context.db, now)) {
    await deleteUpload(context, row.id);
    context.logger.info({ uploadId: row.id }, 'import upload deleted after its retention period');
  }
}
