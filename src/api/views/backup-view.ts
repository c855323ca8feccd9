// How backup and restore rows become the API's resources.
import type { Static } from 'typebox';
import type { Backup, Restore } from '../../contract/backups.ts';
import type { BackupRow, RestoreRow } from '../../store/schema.ts';

const triggerWords: Record<BackupRow['trigger'], string> = {
  scheduled: 'scheduled backup', manual: 'backup on request', 'before-restore': 'backup before a restore', 'before-upgrade': 'before an upgrade of Synapse',
};

export function restorePointDescription(row: Pick<BackupRow, 'kind' | 'trigger' | 'upgrade_release'>): string {
  if (row.kind === 'snapshot') return row.upgrade_release ? `before upgrade to Synapse ${row.upgrade_release}` : 'before an upgrade of Synapse';
  return triggerWords[row.trigger];
}

export function backupView(row: BackupRow): Static<typeof Backup> {
  return {
    id: row.id,
    hostId: row.host_id,
    jobId: row.job_id,
    kind: row.kind,
    trigger: row.trigger,
    description: restorePointDescription(row),
    synapseRelease: row.synapse_release,
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
