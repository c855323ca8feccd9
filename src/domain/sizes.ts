// Sizes (plans) on offer: a price per seat per month, a minimum of seats and resource limits.
import { backupPolicyProblems, type BackupPolicy } from './backup-policy.ts';
import { rateLimitsFor, type RateLimits } from './rate-limits.ts';

export interface Size {
  name: string;
  title: string;
  /** Price per seat per month, in the currency's minor unit (cents). */
  pricePerSeatMinor: number;
  currency: string;
  minSeats: number;
  maxSeats: number;
  /** Synapse's max_upload_size, e.g. "50M". */
  maxUploadSize: string;
  /** Synapse's rc_* limits of the size's hosts; absent in sizes rebuilt from an old subscription: the size's name decides. */
  rateLimits?: RateLimits;
  /**
   * Whether the size's hosts share a Synapse process (at most `hostsPerProcess` hosts of the size
   * in one), or each runs its own; absent: their own.
   */
  process?: { shared: boolean; hostsPerProcess: number };
  /** Synapse's database pool (cp_min/cp_max) per host; absent in sizes rebuilt from an old subscription: the size's name decides. */
  databasePool?: DatabasePool;
  /** How often the size's hosts are backed up and how many backups are kept; absent: by the size's name (backup-policy.ts). */
  backups?: BackupPolicy;
}

/** Where a size's hosts run: sharing with others of the same size, or alone. */
export type SizePlacement = { kind: 'own' } | { kind: 'shared'; group: string; hostsTogether: number };

export function placementOf(size: Pick<Size, 'name' | 'process'> | undefined): SizePlacement {
  if (!size?.process?.shared) return { kind: 'own' };
  return { kind: 'shared', group: size.name, hostsTogether: size.process.hostsPerProcess };
}

/**
 * PostgreSQL connections one host's Synapse keeps (cp_min) and may open (cp_max). Synapse's pool
 * keeps every connection it opened until it stops, so an idle host that was once busy holds cp_max:
 * small hosts get few, which is what lets hundreds of hosts share one PostgreSQL.
 */
export interface DatabasePool {
  min: number;
  max: number;
}

/** The most connections a size may give one host: a handful of such hosts would fill PostgreSQL's default 100. */
export const maxPoolConnections = 20;

const builtInPools: Record<string, DatabasePool> = {
  starter: { min: 1, max: 2 },
  business: { min: 1, max: 5 },
  enterprise: { min: 2, max: 10 },
};

/** A size's pool: the built-in size's of that name, or Starter's for a size of the operator's own. */
export function databasePoolFor(sizeName: string, chosen?: Partial<DatabasePool>): DatabasePool {
  const base = builtInPools[sizeName] ?? builtInPools.starter!;
  return { min: chosen?.min ?? base.min, max: chosen?.max ?? base.max };
}

export const builtInSizes: Size[] = [
  { name: 'starter', title: 'Starter', pricePerSeatMinor: 500, currency: 'EUR', minSeats: 5, maxSeats: 50, maxUploadSize: '50M', rateLimits: rateLimitsFor('starter'), databasePool: databasePoolFor('starter') },
  { name: 'business', title: 'Business', pricePerSeatMinor: 1000, currency: 'EUR', minSeats: 10, maxSeats: 1000, maxUploadSize: '100M', rateLimits: rateLimitsFor('business'), databasePool: databasePoolFor('business') },
  { name: 'enterprise', title: 'Enterprise', pricePerSeatMinor: 1500, currency: 'EUR', minSeats: 50, maxSeats: 100000, maxUploadSize: '500M', rateLimits: rateLimitsFor('enterprise'), databasePool: databasePoolFor('enterprise') },
];

/** Read from YAML: anything may stand there. */
function validProcessSetting(setting: unknown): boolean {
  if (setting === null || typeof setting !== 'object') return false;
  const { shared, hostsPerProcess } = setting as Record<string, unknown>;
  return typeof shared === 'boolean' && Number.isInteger(hostsPerProcess) && Number(hostsPerProcess) >= 1 && Number(hostsPerProcess) <= 200;
}

/** Checks sizes read from operator configuration; returns the problems found, empty when valid. */
export function sizeProblems(sizes: Size[]): string[] {
  const problems: string[] = [];
  const names = new Set<string>();
  for (const size of sizes) {
    if (!/^[a-z][a-z0-9-]{1,30}$/.test(size.name)) problems.push(`size name "${size.name}" must be lowercase letters, digits and hyphens`);
    if (names.has(size.name)) problems.push(`size "${size.name}" is listed twice`);
    names.add(size.name);
    if (!Number.isInteger(size.pricePerSeatMinor) || size.pricePerSeatMinor < 0) problems.push(`size "${size.name}": price must be a whole non-negative number of minor units`);
    if (!Number.isInteger(size.minSeats) || size.minSeats < 1) problems.push(`size "${size.name}": minSeats must be at least 1`);
    if (!Number.isInteger(size.maxSeats) || size.maxSeats < size.minSeats) problems.push(`size "${size.name}": maxSeats must be at least minSeats`);
    if (size.process !== undefined && !validProcessSetting(size.process)) {
      problems.push(`size "${size.name}": process must be { shared: true or false, hostsPerProcess: 1 to 200 }`);
    }
    if (!/^\d+[KMG]$/.test(size.maxUploadSize)) problems.push(`size "${size.name}": maxUploadSize must look like 50M`);
    if (size.databasePool) problems.push(...poolProblems(size.name, size.databasePool));
    if (size.backups !== undefined) problems.push(...backupPolicyProblems(size.name, size.backups));
  }
  if (sizes.length === 0) problems.push('at least one size is needed');
  return problems;
}

function poolProblems(sizeName: string, pool: DatabasePool): string[] {
  const whole = (value: unknown) => Number.isInteger(value) && (value as number) >= 1 && (value as number) <= maxPoolConnections;
  if (!whole(pool.min) || !whole(pool.max)) return [`size "${sizeName}": databasePool min and max must be whole numbers from 1 to ${maxPoolConnections}`];
  return pool.min > pool.max ? [`size "${sizeName}": databasePool min must not exceed max`] : [];
}
