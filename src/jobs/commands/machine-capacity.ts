// The machine's capacity as the operator sees it (console, CLI, /metrics): hosts per status, what
// each live host uses, what is left; and the check that refuses a new host on a full machine
// before anything is charged or built.
import type { CapacityHeadroom } from '../../domain/capacity.ts';
import { capacityShortfalls } from '../../domain/capacity.ts';
import { HomeportError } from '../../domain/errors.ts';
import type { Size } from '../../domain/sizes.ts';
import { databasePoolFor } from '../../domain/sizes.ts';
import type { HostRow } from '../../store/schema.ts';
import type { HomeportContext } from '../../homeport-context.ts';

/** How long a refused buyer should wait: capacity comes back when hosts are cancelled or the operator adds room. */
export const capacityRetryAfterSeconds = 300;

export interface HostUsage {
  id: string;
  label: string;
  status: HostRow['status'];
  memoryBytes: number;
  databaseConnections: number;
  /** The shared process serving the host, if one does (its memoryBytes: an equal share of the process's). */
  process: string | null;
}

/** A process serving several hosts (a shared Synapse). */
export interface ProcessUsage {
  name: string;
  memoryBytes: number;
  databaseConnections: number;
  /** Labels of the hosts placed in it. */
  hosts: string[];
}

export interface MachineCapacity {
  hostsByStatus: Record<string, number>;
  hosts: HostUsage[];
  processes: ProcessUsage[];
  memory: { totalBytes: number; availableBytes: number };
  databaseConnections: { max: number; reserved: number; used: number; free: number };
  headroom: CapacityHeadroom;
  /** Why one more Starter-sized host would be refused now; empty when the machine has room. */
  fullBecause: string[];
}

/** Hosts that hold the machine's resources: every status but cancelled. */
async function liveHosts(context: Pick<HomeportContext, 'db'>) {
  return context.db.selectFrom('hosts').select(['id', 'label', 'status', 'database_name']).where('status', '<>', 'cancelled').orderBy('created_at').execute();
}

export async function machineCapacity(context: HomeportContext, newHostSize?: Size): Promise<MachineCapacity> {
  const counted = await context.db.selectFrom('hosts').select(['status', (eb) => eb.fn.countAll<string>().as('n')]).groupBy('status').execute();
  const hosts = await liveHosts(context);
  const measured = await context.runtime.capacity(hosts.map((host) => ({ id: host.id, databaseName: host.database_name })));
  const { max, reserved, used } = measured.databaseConnections;
  const free = Math.max(0, max - reserved - used);
  const headroom: CapacityHeadroom = {
    hosts: hosts.length, memoryAvailableBytes: measured.memory.availableBytes, databaseConnectionsFree: free, runtimeSlots: measured.hostSlots,
  };
  const labelOf = new Map(hosts.map((host) => [host.id, host.label]));
  const pool = newHostSize?.databasePool ?? databasePoolFor(newHostSize?.name ?? 'starter');
  return {
    hostsByStatus: Object.fromEntries(counted.map((row) => [row.status, Number(row.n)])),
    hosts: hosts.map((host) => ({
      id: host.id,
      label: host.label,
      status: host.status,
      memoryBytes: measured.hosts.get(host.id)?.memoryBytes ?? 0,
      databaseConnections: measured.hosts.get(host.id)?.databaseConnections ?? 0,
      process: measured.hosts.get(host.id)?.process ?? null,
    })),
    processes: (measured.processes ?? []).map((shared) => ({
      name: shared.name,
      memoryBytes: shared.memoryBytes,
      databaseConnections: shared.databaseConnections,
      hosts: shared.hostIds.map((hostId) => labelOf.get(hostId) ?? hostId),
    })),
    memory: measured.memory,
    databaseConnections: { max, reserved, used, free },
    headroom,
    fullBecause: capacityShortfalls(headroom, context.config.capacity, pool.max),
  };
}

/** Refuses (503, Retry-After) a new host of this size when the machine is full. */
export async function assertRoomForHost(context: HomeportContext, size: Size): Promise<void> {
  const { fullBecause } = await machineCapacity(context, size);
  if (fullBecause.length === 0) return;
  throw new HomeportError('capacity-full', 'No room for new hosts', `This installation is full for now (${fullBecause.join('; ')}). Please try again later.`, {
    retryAfterSeconds: capacityRetryAfterSeconds,
  });
}
