// Monitoring's rules: when a host counts as down for good, when a certificate, the disk or a
// host's seats are worth an alert, and what the operator is told about each.

/** Down since `downSince` (its first failed check in a row), and for longer than the grace period. */
export function downTooLong(downSince: Date | undefined, now: Date, graceSeconds: number): boolean {
  return downSince !== undefined && now.getTime() - downSince.getTime() >= graceSeconds * 1000;
}

/**
 * A certificate is expiring when less than `days` are left and the edge is past the point where
 * it should have renewed it (a quarter of its lifetime left; ACME clients renew at a third): a
 * short-lived certificate (Caddy's internal CA issues 12-hour ones) is not an alert every day.
 */
export function certificateExpiring(certificate: { validFrom: Date; validTo: Date }, now: Date, days: number): boolean {
  const left = certificate.validTo.getTime() - now.getTime();
  const lifetime = certificate.validTo.getTime() - certificate.validFrom.getTime();
  return left < days * 86_400_000 && left < lifetime / 4;
}

/** The share of the disk in use, in percent, as df counts it. */
export function diskUsedPercent(disk: { totalBytes: number; availableBytes: number }): number {
  return disk.totalBytes === 0 ? 0 : ((disk.totalBytes - disk.availableBytes) / disk.totalBytes) * 100;
}

export function seatsNearLimit(used: number, seats: number, percent: number): boolean {
  return used >= Math.ceil((seats * percent) / 100);
}

/** How long a sleeping host's seat count is kept before it is counted again. */
export const sleepingSeatRecountMs = 3_600_000;

/**
 * Whether a host's seats (Synapse's monthly active users, counted in the host's database over a
 * connection of its own) must be counted again on this pass. An awake host's are counted every
 * pass. A sleeping host has had no request since it fell asleep, so no user of it became active:
 * a count taken while it slept holds until the 30-day window drops someone, which an hourly
 * recount sees. Counting every sleeping host every minute opened a database connection per host
 * per minute, the largest part of what a thousand sleeping hosts cost PostgreSQL.
 */
export function seatRecountDue(last: { countedAt: Date; whileSleeping: boolean } | undefined, sleeping: boolean, now: Date): boolean {
  if (!sleeping || !last || !last.whileSleeping) return true;
  return now.getTime() - last.countedAt.getTime() >= sleepingSeatRecountMs;
}

/** The share of checks in which the host answered or slept on purpose; null without checks. */
export function uptimeShare(counts: { total: number; down: number }): number | null {
  return counts.total === 0 ? null : (counts.total - counts.down) / counts.total;
}

const gib = 1024 ** 3;

export const alertSummaries = {
  hostDown: (label: string, since: Date) => `Host ${label} has been down since ${since.toISOString()}: its Synapse does not answer /health.`,
  certificateExpiring: (name: string, validTo: Date) => `The certificate the edge serves for ${name} expires at ${validTo.toISOString()} and has not been renewed.`,
  diskFilling: (disk: { totalBytes: number; availableBytes: number }) =>
    `The data directory's filesystem is ${diskUsedPercent(disk).toFixed(1)}% full (${(disk.availableBytes / gib).toFixed(1)} GiB of ${(disk.totalBytes / gib).toFixed(1)} GiB left).`,
  seatsNearLimit: (label: string, used: number, seats: number) => `Host ${label} uses ${used} of its ${seats} seats.`,
  backupFailed: (label: string, at: Date | null, error: string | null) =>
    `The last backup of host ${label}${at ? ` (${at.toISOString()})` : ''} failed${error ? `: ${error}` : ''}; no newer backup has succeeded.`,
};
