// The files of one backup in the backup store, and the local work folder a backup or a restore
// prepares them in. A backup is two sealed files: the database (a pg_dump directory, as a tar)
// and the media store (the runtime's gzip tar).
import { join } from 'node:path';
import type { HomeportContext } from '../../homeport-context.ts';

export const backupFileNames = { database: 'database.tar.sealed', media: 'media.tar.gz.sealed' } as const;

export type BackupFile = keyof typeof backupFileNames;

export function backupFileName(backup: { id: string; host_id: string }, file: BackupFile): string {
  return `${backup.host_id}/${backup.id}/${backupFileNames[file]}`;
}

export function backupFolder(backup: { id: string; host_id: string }): string {
  return `${backup.host_id}/${backup.id}`;
}

/** What the seal binds a file to: its backup and its role, so no file can stand in for another. */
export function sealName(backupId: string, file: BackupFile): string {
  return `${backupId}/${file}`;
}

export function backupWorkDir(context: Pick<HomeportContext, 'config'>, kind: 'backup' | 'restore', id: string): string {
  return join(context.config.workDir, `${kind}-work`, id);
}
