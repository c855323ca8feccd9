// How the panel writes dates, money and statuses.
import { hostStatusWords, wordsOr } from '../contract/status-words.ts';

export function formatDate(iso: string | null): string {
  if (!iso) return '–';
  return new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

export function formatDay(iso: string | null): string {
  if (!iso) return '–';
  return new Date(iso).toLocaleDateString(undefined, { dateStyle: 'medium' });
}

/** A size people read at a glance: "12 MB", "1.4 GB". */
export function formatBytes(bytes: number): string {
  const units = ['bytes', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit += 1;
  }
  return `${unit === 0 ? value : value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

/** Synapse's size notation ("50M", "1G") as people write it ("50 MB", "1 GB"). */
export function formatUploadSize(size: string): string {
  const match = /^(\d+)\s*([KMGT]?)B?$/i.exec(size.trim());
  if (!match) return size;
  const unit = match[2]!.toUpperCase();
  return `${match[1]} ${unit === '' ? 'bytes' : `${unit}B`}`;
}

/** The server's own version answer ("1.163.2", or with build details) as "Synapse 1.163.2". */
export function formatSynapseVersion(version: string | null): string {
  if (!version) return 'Not known yet';
  const release = /\d+\.\d+\.\d+(rc\d+)?/.exec(version)?.[0];
  return `Synapse ${release ?? version}`;
}

export function formatMoney(minor: number, currency: string): string {
  return new Intl.NumberFormat(undefined, { style: 'currency', currency }).format(minor / 100);
}

/** A host's state in the shared words (src/contract/status-words.ts), the CLI's too. */
export const statusText: Readonly<Record<string, string>> = hostStatusWords;

export function StatusBadge({ status }: { status: string }) {
  return <span className={`badge badge-${status}`}>{wordsOr(hostStatusWords, status)}</span>;
}
