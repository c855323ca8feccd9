// What is left behind by exports and imports, removed: a failed export's files, a failed
// import's whole host (so no partial host remains), an import's work folder, and exports whose
// retention has passed (a scheduled job at each export's expiry).
import { rm } from 'node:fs/promises';
import type { Task } from 'graphile-worker';
import { startImportedHostBilling } from '../../billing/imported-host-billing.ts';
import { recordAudit } from '../../store/audit-log.ts';
import { expiredExports, findExport, findExportOfJob, setExportStatus } from '../../store/exports.ts';
import { findImportOfJob, updateImport } from '../../store/imports.ts';
import { deleteHostSecrets } from '../../store/host-secrets.ts';
import { findHost, updateHost } from '../../store/hosts.ts';
import { databaseRoleFor } from '../host-spec.ts';
import type { HomeportContext } from '../../homeport-context.ts';
import { deleteUploadOfImport, releaseUploadOfImport } from './import-uploads.ts';
import { exportDir } from './export-steps.ts';
import { importWorkDir } from './import-steps.ts';

export async function forgetFailedExport(context: HomeportContext, _hostId: string, jobId: string): Promise<void> {
  const row = await findExportOfJob(context.db, jobId);
  if (!row) return;
  await setExportStatus(context.db, row.id, 'failed');
  await rm(exportDir(context, row.id), { recursive: true, force: true });
}

export async function finishImport(context: HomeportContext, hostId: string, jobId: string): Promise<void> {
  const row = await findImportOfJob(context.db, jobId);
  if (row) {
    await rm(importWorkDir(context, row.id), { recursive: true, force: true });
    await deleteUploadOfImport(context, row.id);
  }
  await recordAudit(context.db, { actorAccountId: null, actor: 'homeport', action: 'host.imported', hostId });
  await startImportedHostBilling(context, hostId, row?.billing ?? 'subscription');
}

export async function forgetFailedImport(context: HomeportContext, hostId: string, jobId: string): Promise<void> {
  const row = await findImportOfJob(context.db, jobId);
  const host = await findHost(context.db, hostId);
  if (row) {
    await updateImport(context.db, row.id, { forgetSecrets: true });
    await rm(importWorkDir(context, row.id), { recursive: true, force: true });
    await releaseUploadOfImport(context, row.id);
  }
  if (!host) return;
  await context.runtime.remove(host.id, { name: host.database_name, user: databaseRoleFor(host) });
  await deleteHostSecrets(context.db, host.id);
  await updateHost(context.db, host.id, { cancelled_at: new Date() });
  await recordAudit(context.db, { actorAccountId: null, actor: 'homeport', action: 'host.import-failed', hostId, details: { label: host.label } });
}

async function deleteExport(context: HomeportContext, exportId: string): Promise<void> {
  await rm(exportDir(context, exportId), { recursive: true, force: true });
  await setExportStatus(context.db, exportId, 'deleted');
  context.logger.info({ exportId }, 'export deleted after its retention period');
}

/** The scheduled deletion of one export; also sweeps any other export already past its expiry. */
export function exportExpiryTask(context: HomeportContext): Task {
  return async (payload) => {
    const { exportId } = payload as { exportId?: string };
    const now = new Date();
    const row = exportId ? await findExport(context.db, exportId) : undefined;
    if (row && row.status === 'ready' && row.expires_at && new Date(row.expires_at) <= now) await deleteExport(context, row.id);
    for (const expired of await expiredExports(context.db, now)) await deleteExport(context, expired.id);
  };
}
