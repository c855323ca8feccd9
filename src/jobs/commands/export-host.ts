// Exports of a customer's host: the downtime estimate, starting an export (a job), the list with
// signed expiring download links, and resolving such a link to a file.
import { join } from 'node:path';
import { HomeportError, notFound } from '../../domain/errors.ts';
import { estimateDowntime, type DowntimeEstimate } from '../../domain/export-estimate.ts';
import { recordAudit } from '../../store/audit-log.ts';
import { findExport, insertExport, listHostExports, recentTransferRates } from '../../store/exports.ts';
import { findAccountHost } from '../../store/hosts.ts';
import { createJob } from '../../store/jobs.ts';
import type { ExportFile, ExportRow, HostRow, JobRow } from '../../store/schema.ts';
import { hostJobs } from '../host-jobs.ts';
import type { HomeportContext } from '../../homeport-context.ts';
import { exportDir } from '../portability/export-steps.ts';

const exportableStatuses = new Set(['running', 'degraded', 'sleeping']);
export const minimumPassphraseLength = 8;
const linkPurpose = 'export-download';

async function estimateFor(context: HomeportContext, host: HostRow): Promise<DowntimeEstimate> {
  const sizes = await context.portability.measure(host.id, { name: host.database_name });
  return estimateDowntime({
    ...sizes,
    dumpSamples: await recentTransferRates(context.db, 'dump'),
    archiveSamples: await recentTransferRates(context.db, 'archive'),
  });
}

export async function estimateExport(context: HomeportContext, accountId: string, hostId: string): Promise<DowntimeEstimate> {
  return estimateFor(context, await findAccountHost(context.db, accountId, hostId));
}

export async function startExport(context: HomeportContext, accountId: string, hostId: string, input: { passphrase?: string }): Promise<{ export: ExportRow; job: JobRow; estimate: DowntimeEstimate }> {
  if (input.passphrase !== undefined && [...input.passphrase].length < minimumPassphraseLength) {
    const message = `A passphrase must have at least ${minimumPassphraseLength} characters.`;
    throw new HomeportError('passphrase-invalid', 'Passphrase too short', message, { errors: [{ field: 'passphrase', message }] });
  }
  const host = await findAccountHost(context.db, accountId, hostId);
  if (!exportableStatuses.has(host.status)) {
    throw new HomeportError('host-busy', 'Host cannot be exported now', `Host ${host.label} is ${host.status}; only a running host can be exported.`);
  }
  const estimate = await estimateFor(context, host);
  return context.db.transaction().execute(async (trx) => {
    // One export at a time per host; the row lock makes two simultaneous requests queue here.
    await trx.selectFrom('hosts').select('id').where('id', '=', host.id).forUpdate().executeTakeFirst();
    const running = await trx.selectFrom('exports').select('id').where('host_id', '=', host.id).where('status', '=', 'running').executeTakeFirst();
    if (running) throw new HomeportError('host-busy', 'An export is already running', `Host ${host.label} is being exported already (export ${running.id}).`);
    const job = await createJob(trx, host.id, 'export', hostJobs.export.steps.map((step) => step.name));
    const exportId = crypto.randomUUID();
    const row = await insertExport(trx, {
      id: exportId,
      hostId: host.id,
      jobId: job.id,
      encrypted: input.passphrase !== undefined,
      passphraseSealed: input.passphrase === undefined ? null : context.box.seal(`export:${exportId}:passphrase`, input.passphrase),
      databaseBytes: estimate.databaseBytes,
      mediaBytes: estimate.mediaBytes,
      estimatedSeconds: estimate.seconds,
    });
    await recordAudit(trx, { actorAccountId: accountId, actor: 'customer', action: 'host.export', hostId: host.id, details: { exportId: row.id, encrypted: row.encrypted } });
    return { export: row, job, estimate };
  });
}

export interface DownloadLink extends ExportFile {
  url: string;
}

function linkMessage(exportId: string, name: string, expires: number): string {
  return `${exportId}/${name}/${expires}`;
}

/** Signed links to an export's files, valid for HOMEPORT_DOWNLOAD_LINK_MINUTES (never past the export's own expiry). */
export function downloadLinks(context: HomeportContext, row: ExportRow, now = Date.now()): DownloadLink[] {
  if (row.status !== 'ready') return [];
  const linkEnd = now + context.config.downloadLinkMinutes * 60_000;
  const expires = Math.floor(Math.min(linkEnd, row.expires_at ? new Date(row.expires_at).getTime() : linkEnd) / 1000);
  return row.files.map((file) => {
    const signature = context.box.sign(linkPurpose, linkMessage(row.id, file.name, expires));
    return { ...file, url: `/api/v1/exports/${row.id}/files/${encodeURIComponent(file.name)}?expires=${expires}&signature=${signature}` };
  });
}

export async function listExports(context: HomeportContext, accountId: string, hostId: string): Promise<ExportRow[]> {
  const host = await findAccountHost(context.db, accountId, hostId);
  return listHostExports(context.db, host.id);
}

export async function showExport(context: HomeportContext, accountId: string, hostId: string, exportId: string): Promise<ExportRow> {
  const host = await findAccountHost(context.db, accountId, hostId);
  const row = /^[0-9a-f-]{36}$/i.test(exportId) ? await findExport(context.db, exportId) : undefined;
  if (!row || row.host_id !== host.id) throw notFound(`Export ${exportId}`);
  return row;
}

/**
 * The file a signed link points at. A link whose signature does not match is "not found" (it
 * proves nothing); a genuine link past its time, or to an export already deleted, is "gone".
 */
export async function resolveDownload(context: HomeportContext, link: { exportId: string; name: string; expires: number; signature: string }, now = Date.now()): Promise<{ path: string; file: ExportFile }> {
  const missing = notFound(`Export file ${link.name}`);
  if (!context.box.verify(linkPurpose, linkMessage(link.exportId, link.name, link.expires), link.signature)) throw missing;
  if (link.expires * 1000 < now) throw new HomeportError('link-expired', 'Download link expired', 'This download link has expired; list the exports again for a fresh link.');
  const row = await findExport(context.db, link.exportId);
  if (!row) throw missing;
  if (row.status === 'deleted') throw new HomeportError('link-expired', 'Export deleted', 'This export has been deleted after its retention period.');
  const file = row.status === 'ready' ? row.files.find((candidate) => candidate.name === link.name) : undefined;
  if (!file) throw missing;
  return { path: join(exportDir(context, row.id), file.name), file };
}
