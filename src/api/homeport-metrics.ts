// Prometheus metrics of the platform: process defaults, hosts by status, jobs by state, and the
// machine's capacity (each host's memory and database connections, what is left, whether new
// hosts are refused), read when scraped so they are never stale.
import { Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import { machineCapacity, type MachineCapacity } from '../jobs/commands/machine-capacity.ts';
import type { HomeportContext } from '../homeport-context.ts';

/** One measurement per scrape, shared by every capacity gauge (they are collected together). */
function sharedMeasurement(context: HomeportContext): () => Promise<MachineCapacity> {
  let inFlight: Promise<MachineCapacity> | undefined;
  return () => {
    inFlight ??= machineCapacity(context).finally(() => {
      inFlight = undefined;
    });
    return inFlight;
  };
}

function capacityGauges(registry: Registry, context: HomeportContext): void {
  const measure = sharedMeasurement(context);
  const gauge = (name: string, help: string, labelNames: string[], fill: (gauge: Gauge, capacity: MachineCapacity) => void) => new Gauge({
    name, help, labelNames, registers: [registry],
    async collect() {
      this.reset();
      fill(this, await measure());
    },
  });
  gauge('homeport_host_memory_bytes', 'Resident memory of the process serving each host (0: not running)', ['host'], (metric, capacity) => {
    for (const host of capacity.hosts) metric.set({ host: host.label }, host.memoryBytes);
  });
  gauge('homeport_host_database_connections', "Connections to each host's database", ['host'], (metric, capacity) => {
    for (const host of capacity.hosts) metric.set({ host: host.label }, host.databaseConnections);
  });
  gauge('homeport_process_memory_bytes', 'Resident memory of each shared Synapse process (0: not running)', ['process'], (metric, capacity) => {
    for (const shared of capacity.processes) metric.set({ process: shared.name }, shared.memoryBytes);
  });
  gauge('homeport_process_database_connections', "Connections to the databases of each shared process's hosts", ['process'], (metric, capacity) => {
    for (const shared of capacity.processes) metric.set({ process: shared.name }, shared.databaseConnections);
  });
  gauge('homeport_process_hosts', 'Hosts placed in each shared Synapse process', ['process'], (metric, capacity) => {
    for (const shared of capacity.processes) metric.set({ process: shared.name }, shared.hosts.length);
  });
  gauge('homeport_machine_memory_bytes', "The machine's memory: total and available", ['kind'], (metric, capacity) => {
    metric.set({ kind: 'total' }, capacity.memory.totalBytes);
    metric.set({ kind: 'available' }, capacity.memory.availableBytes);
  });
  gauge('homeport_postgres_connections', "PostgreSQL's connections: max_connections, reserved for superusers, used, free", ['kind'], (metric, capacity) => {
    for (const [kind, value] of Object.entries(capacity.databaseConnections)) metric.set({ kind }, value);
  });
  gauge('homeport_capacity_full', '1 while new hosts and imports are refused because the machine is full', [], (metric, capacity) => {
    metric.set(capacity.fullBecause.length > 0 ? 1 : 0);
  });
}

export function createMetrics(context: HomeportContext): Registry {
  const { db } = context;
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'homeport_' });
  new Gauge({
    name: 'homeport_hosts',
    help: 'Hosts by status',
    labelNames: ['status'],
    registers: [registry],
    async collect() {
      this.reset();
      const rows = await db.selectFrom('hosts').select(['status', (eb) => eb.fn.countAll<string>().as('n')]).groupBy('status').execute();
      for (const row of rows) this.set({ status: row.status }, Number(row.n));
    },
  });
  new Gauge({
    name: 'homeport_jobs',
    help: 'Jobs by kind and status',
    labelNames: ['kind', 'status'],
    registers: [registry],
    async collect() {
      this.reset();
      const rows = await db.selectFrom('jobs').select(['kind', 'status', (eb) => eb.fn.countAll<string>().as('n')]).groupBy(['kind', 'status']).execute();
      for (const row of rows) this.set({ kind: row.kind, status: row.status }, Number(row.n));
    },
  });
  capacityGauges(registry, context);
  return registry;
}
