// How the panel writes dates, money and statuses.

export function formatDate(iso: string | null): string {
  if (!iso) return '–';
  return new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

export function formatDay(iso: string | null): string {
  if (!iso) return '–';
  return new Date(iso).toLocaleDateString(undefined, { dateStyle: 'medium' });
}

export function formatMoney(minor: number, currency: string): string {
  return new Intl.NumberFormat(undefined, { style: 'currency', currency }).format(minor / 100);
}

export const statusText: Record<string, string> = {
  provisioning: 'Being built',
  running: 'Running',
  degraded: 'Degraded',
  rebuilding: 'Rebuilding',
  failed: 'Failed',
  cancelling: 'Being cancelled',
  cancelled: 'Cancelled',
  exporting: 'Exporting',
  sleeping: 'Sleeping',
  upgrading: 'Upgrading Synapse',
};

export function StatusBadge({ status }: { status: string }) {
  return <span className={`badge badge-${status}`}>{statusText[status] ?? status}</span>;
}
