// Prometheus metrics of the platform: process defaults, plus hosts by status and jobs by state,
// read from the database when scraped so they are never stale.
import { Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import type { Db } from '../store/database.ts';

export function createMetrics(db: Db): Registry {
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
  return registry;
}
