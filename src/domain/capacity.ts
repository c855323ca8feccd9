// When is the machine full: the operator's limits against what the machine has left. A full
// machine takes no new host, so a purchase never pays for a host that cannot run.

/** The operator's limits (HOMEPORT_MAX_HOSTS, HOMEPORT_MIN_FREE_MEMORY_MB, HOMEPORT_MIN_FREE_DB_CONNECTIONS). */
export interface CapacityLimits {
  /** Hosts that may exist at once (every status but cancelled); 0: no limit by count. */
  maxHosts: number;
  /** Memory that must stay available (the kernel's MemAvailable) after a new host is admitted. */
  minFreeMemoryBytes: number;
  /** PostgreSQL connections that must stay free beyond what a new host's pool may open. */
  minFreeDatabaseConnections: number;
}

export interface CapacityHeadroom {
  hosts: number;
  memoryAvailableBytes: number;
  /** max_connections minus the reserved ones and those in use. */
  databaseConnectionsFree: number;
  /** Hosts the runtime can still place by a limit of its own, and the setting that sets it (when it has one). */
  runtimeSlots?: { free: number; setting: string };
}

/** Why one more host (whose pool opens up to `newHostConnections`) does not fit; empty when it does. */
export function capacityShortfalls(headroom: CapacityHeadroom, limits: CapacityLimits, newHostConnections: number): string[] {
  const shortfalls: string[] = [];
  if (limits.maxHosts > 0 && headroom.hosts >= limits.maxHosts) {
    shortfalls.push(`the installation has ${headroom.hosts} hosts, its limit is ${limits.maxHosts}`);
  }
  if (headroom.memoryAvailableBytes < limits.minFreeMemoryBytes) {
    shortfalls.push(`${mebibytes(headroom.memoryAvailableBytes)} MiB of memory available, at least ${mebibytes(limits.minFreeMemoryBytes)} MiB must stay free`);
  }
  const needed = newHostConnections + limits.minFreeDatabaseConnections;
  if (headroom.databaseConnectionsFree < needed) {
    shortfalls.push(`${headroom.databaseConnectionsFree} database connections free, a new host needs ${newHostConnections} and ${limits.minFreeDatabaseConnections} must stay free`);
  }
  if (headroom.runtimeSlots && headroom.runtimeSlots.free < 1) {
    shortfalls.push(`no room for another host is left in ${headroom.runtimeSlots.setting}`);
  }
  return shortfalls;
}

function mebibytes(bytes: number): number {
  return Math.floor(bytes / (1024 * 1024));
}
