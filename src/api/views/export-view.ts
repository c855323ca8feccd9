// How an export row, its download links and a downtime estimate become the API's resources.
import type { Static } from 'typebox';
import type { Estimate, Export } from '../../contract/exports.ts';
import type { DowntimeEstimate } from '../../domain/export-estimate.ts';
import type { DownloadLink } from '../../jobs/commands/export-host.ts';
import type { ExportRow } from '../../store/schema.ts';

export function estimateView(estimate: DowntimeEstimate): Static<typeof Estimate> {
  const { seconds, ...rest } = estimate;
  return { ...rest, downtimeSeconds: seconds };
}

const iso = (value: Date | string | null) => (value === null ? null : new Date(value).toISOString());

export function exportView(row: ExportRow, links: DownloadLink[]): Static<typeof Export> {
  return {
    id: row.id,
    hostId: row.host_id,
    jobId: row.job_id,
    status: row.status,
    encrypted: row.encrypted,
    estimatedDowntimeSeconds: row.estimated_downtime_seconds,
    createdAt: new Date(row.created_at).toISOString(),
    readyAt: iso(row.ready_at),
    expiresAt: iso(row.expires_at),
    files: links,
  };
}
