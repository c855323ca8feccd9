// How backup and restore rows become the API's resources.
import type { Static } from 'typebox';
import type { Backup, Restore } from '../../contract/backups.ts';
import type { BackupRow, RestoreRow } from '../../store/schema.ts';

export function backupView(row: BackupRow): Static<typeof Backup> {
  return {
    id: row.id,
    hostId: row.host_id,
    jobId: row.job_id,
    trigger: row.trigger,
    // Deleted backups are never listed.
    status: row.status === 'deleted' ? 'failed' : row.status,
    bytes: row.bytes === null ? null : Number(row.bytes),
    error: row.error,
    createdAt: new Date(row.created_at).toISOString(),
    completedAt: row.completed_at ? new Date(row.completed_at).toISOString() : null,
  };
}

export function restoreView(row: RestoreRow): Static<typeof Restore> {
  return { id: row.id, hostId: row.host_id, backupId: row.backup_id, jobId: row.job_id, createdAt: new Date(row.created_at).toISOString() };
}
