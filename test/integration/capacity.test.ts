// Capacity is visible and enforced: the operator API and /metrics show hosts per status, each
// host's memory and database connections, each shared Synapse process's (with the hosts in it),
// and the machine's headroom as the machine itself reports them; a full machine (here:
// HOMEPORT_MAX_HOSTS reached, and the local runtime's port range used up) refuses new hosts and
// imports with 503 and Retry-After before anything is created or charged.
import assert from 'node:assert/strict';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createOperatorToken } from '../support/billing-tests.ts';
import { HomeportProcess } from '../support/homeport-process.ts';
import { openHomeportDatabase } from '../support/host-admin.ts';

interface CapacityAnswer {
  hostsByStatus: Record<string, number>;
  hosts: { id: string; label: string; status: string; memoryBytes: number; databaseConnections: number; process: string | null }[];
  processes: { name: string; memoryBytes: number; databaseConnections: number; hosts: string[] }[];
  memory: { totalBytes: number; availableBytes: number };
  databaseConnections: { max: number; reserved: number; used: number; free: number };
  full: boolean;
  fullBecause: string[];
}

async function residentBytes(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/^VmRSS:\s+(\d+) kB$/m.exec(status)?.[1]) * 1024;
}

// Starter as built in (a process per host), and a size whose hosts share Synapse processes.
const sizes = `
sizes:
  - { name: starter, title: Starter, pricePerSeatMinor: 500, minSeats: 5, maxSeats: 50, maxUploadSize: 50M }
  - { name: small, title: Small, pricePerSeatMinor: 300, minSeats: 1, maxSeats: 50, maxUploadSize: 50M, process: { shared: true, hostsPerProcess: 25 } }
`;

/** The pid of this Homeport's one shared Synapse process. */
async function sharedProcessPid(dataDir: string): Promise<number> {
  const found: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const cmdline = (await readFile(join('/proc', entry, 'cmdline'), 'utf8').catch(() => '')).replaceAll('\0', ' ');
    if (cmdline.includes(dataDir) && cmdline.includes('synapse-tenants.py')) found.push(Number(entry));
  }
  assert.equal(found.length, 1, `one shared process, found ${found.join(', ')}`);
  return found[0]!;
}

describe('capacity', () => {
  let homeport: HomeportProcess;
  let operator: string;
  let customer: string;
  let hostId: string;
  let sharedHostId: string;

  async function connectionsOf(database: string): Promise<number> {
    const admin = await openHomeportDatabase(homeport, 'postgres');
    try {
      const { rows } = await admin.pool.query<{ n: string }>("SELECT count(*) AS n FROM pg_stat_activity WHERE datname = $1 AND backend_type = 'client backend'", [database]);
      return Number(rows[0]?.n);
    } finally {
      await admin.close();
    }
  }

  async function countRows(): Promise<Record<string, number>> {
    const opened = await openHomeportDatabase(homeport);
    try {
      const counts: Record<string, number> = {};
      for (const table of ['hosts', 'invoices', 'jobs', 'subscriptions'] as const) {
        counts[table] = Number((await opened.db.selectFrom(table).select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()).n);
      }
      return counts;
    } finally {
      await opened.close();
    }
  }

  before(async () => {
    homeport = await HomeportProcess.create('capacity', { HOMEPORT_MAX_HOSTS: '2' });
    // Room for exactly the two hosts in the runtime's port range too: the machine is full by both.
    const firstPort = Number(homeport.env.HOMEPORT_HOST_PORTS?.split('-')[0]);
    homeport.env.HOMEPORT_HOST_PORTS = `${firstPort}-${firstPort + 3}`;
    await writeFile(join(homeport.dataDir, 'sizes.yaml'), sizes);
    homeport.env.HOMEPORT_SIZES_FILE = join(homeport.dataDir, 'sizes.yaml');
    await homeport.start();
    operator = await createOperatorToken(homeport);
    customer = await homeport.createAccount('capacity@example.org');
    const created = await homeport.api<{ host: { id: string }; job: { id: string } }>('POST', '/api/v1/hosts', { token: customer, body: { label: 'alpha', size: 'starter', seats: 5 } });
    assert.equal(created.status, 202, JSON.stringify(created.body));
    hostId = created.body.host.id;
    assert.equal((await homeport.waitForJob(customer, created.body.job.id)).status, 'succeeded');
    const shared = await homeport.api<{ host: { id: string }; job: { id: string } }>('POST', '/api/v1/hosts', { token: customer, body: { label: 'beta', size: 'small', seats: 5 } });
    assert.equal(shared.status, 202, JSON.stringify(shared.body));
    sharedHostId = shared.body.host.id;
    assert.equal((await homeport.waitForJob(customer, shared.body.job.id)).status, 'succeeded');
  });
  after(async () => {
    await homeport?.cleanup();
  });

  test("the operator API and /metrics show hosts per status, each host's memory and connections, and the headroom, as the machine has them", async () => {
    const opened = await openHomeportDatabase(homeport);
    const row = await opened.db.selectFrom('hosts').select('database_name').where('id', '=', hostId).executeTakeFirstOrThrow();
    const sharedRow = await opened.db.selectFrom('hosts').select('database_name').where('id', '=', sharedHostId).executeTakeFirstOrThrow();
    const maxConnections = Number((await opened.pool.query<{ max_connections: string }>('SHOW max_connections')).rows[0]?.max_connections);
    await opened.close();
    const pid = Number((await readFile(join(homeport.dataDir, 'hosts', hostId, 'supervisor.pid'), 'utf8')).split('\n')[0]);

    const sharedPid = await sharedProcessPid(homeport.dataDir);
    const connectionsBefore = await connectionsOf(row.database_name);
    const sharedConnectionsBefore = await connectionsOf(sharedRow.database_name);
    const sharedRssBefore = await residentBytes(sharedPid);
    const rssBefore = await residentBytes(pid);
    const answer = await homeport.api<CapacityAnswer>('GET', '/api/v1/operator/capacity', { token: operator });
    const rssAfter = await residentBytes(pid);
    const sharedRssAfter = await residentBytes(sharedPid);
    const connectionsAfter = await connectionsOf(row.database_name);
    const sharedConnectionsAfter = await connectionsOf(sharedRow.database_name);
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    const capacity = answer.body;
    assert.deepEqual(capacity.hostsByStatus, { running: 2 });
    const [alpha, beta] = capacity.hosts;
    assert.equal(alpha?.label, 'alpha');
    assert.equal(alpha.process, null, 'a process of its own');
    // Memory moves a little between two readings; the answer lies within what the kernel said around it.
    assert.ok(alpha.memoryBytes >= Math.min(rssBefore, rssAfter) * 0.9 && alpha.memoryBytes <= Math.max(rssBefore, rssAfter) * 1.1, `${alpha.memoryBytes} vs ${rssBefore}..${rssAfter}`);
    assert.ok(alpha.databaseConnections >= Math.min(connectionsBefore, connectionsAfter) && alpha.databaseConnections <= Math.max(connectionsBefore, connectionsAfter));
    assert.ok(alpha.databaseConnections >= 1 && alpha.databaseConnections <= 2, "within Starter's pool");
    // The shared process: its own resident memory and its host's connections; the host in it shows its share (all of it, alone there).
    assert.equal(capacity.processes.length, 1, JSON.stringify(capacity.processes));
    const [sharedProcess] = capacity.processes;
    assert.ok(sharedProcess);
    assert.deepEqual(sharedProcess.hosts, ['beta']);
    const within = (value: number, a: number, b: number, slack = 0.1) => value >= Math.min(a, b) * (1 - slack) && value <= Math.max(a, b) * (1 + slack);
    assert.ok(within(sharedProcess.memoryBytes, sharedRssBefore, sharedRssAfter), `${sharedProcess.memoryBytes} vs ${sharedRssBefore}..${sharedRssAfter}`);
    // A tenant closes connections idle for 2 s and opens one for each burst of background work,
    // so the count may change between the readings: it lies within the pool (0 most of the time).
    assert.ok(sharedProcess.databaseConnections >= 0 && sharedProcess.databaseConnections <= Math.max(2, sharedConnectionsBefore, sharedConnectionsAfter), `${sharedProcess.databaseConnections} vs ${sharedConnectionsBefore}..${sharedConnectionsAfter}`);
    assert.equal(beta?.label, 'beta');
    assert.equal(beta.process, sharedProcess.name);
    assert.equal(beta.memoryBytes, sharedProcess.memoryBytes);
    assert.equal(beta.databaseConnections, sharedProcess.databaseConnections);
    const memTotal = Number(/^MemTotal:\s+(\d+) kB$/m.exec(await readFile('/proc/meminfo', 'utf8'))?.[1]) * 1024;
    assert.equal(capacity.memory.totalBytes, memTotal);
    assert.ok(capacity.memory.availableBytes > 0 && capacity.memory.availableBytes <= memTotal);
    assert.equal(capacity.databaseConnections.max, maxConnections);
    assert.equal(capacity.databaseConnections.free, capacity.databaseConnections.max - capacity.databaseConnections.reserved - capacity.databaseConnections.used);
    assert.ok(capacity.databaseConnections.used >= alpha.databaseConnections);
    assert.equal(capacity.full, true);
    assert.match(capacity.fullBecause.join(' '), /2 hosts, its limit is 2/);

    const metrics = await (await fetch(`${homeport.apiUrl}/metrics`)).text();
    const value = (pattern: RegExp) => Number(pattern.exec(metrics)?.[1]);
    assert.equal(value(/^homeport_hosts\{status="running"\} (\d+)$/m), 2);
    assert.ok(value(/^homeport_host_memory_bytes\{host="alpha"\} (\d+)$/m) > 0);
    assert.ok(value(/^homeport_host_database_connections\{host="alpha"\} (\d+)$/m) >= 1);
    assert.equal(value(/^homeport_postgres_connections\{kind="max"\} (\d+)$/m), maxConnections);
    assert.equal(value(/^homeport_machine_memory_bytes\{kind="total"\} (\d+)$/m), memTotal);
    assert.equal(value(/^homeport_capacity_full (\d+)$/m), 1);
    assert.ok(value(new RegExp(`^homeport_process_memory_bytes\\{process="${sharedProcess.name}"\\} (\\d+)$`, 'm')) > 0);
    assert.ok(value(new RegExp(`^homeport_process_database_connections\\{process="${sharedProcess.name}"\\} (\\d+)$`, 'm')) >= 0);
    assert.equal(value(new RegExp(`^homeport_process_hosts\\{process="${sharedProcess.name}"\\} (\\d+)$`, 'm')), 1);
  });

  test('a full machine refuses a new host and an import with 503 and Retry-After, and creates or charges nothing', async () => {
    const before = await countRows();
    const refused = await homeport.api<{ detail: string }>('POST', '/api/v1/hosts', { token: customer, body: { label: 'delta', size: 'starter', seats: 5 } });
    assert.equal(refused.status, 503, JSON.stringify(refused.body));
    assert.equal(refused.headers.get('retry-after'), '300');
    assert.match(refused.body.detail, /full for now .*limit is 2/);
    assert.match(refused.body.detail, /no room for another host is left in HOMEPORT_HOST_PORTS/);
    const imported = await homeport.api<{ detail: string }>('POST', '/api/v1/operator/imports', {
      token: operator,
      body: { label: 'gamma', accountEmail: 'capacity@example.org', size: 'starter', seats: 5, verifyUser: 'alice', verifyPassword: 'alice password 2026', from: '/nonexistent' },
    });
    assert.equal(imported.status, 503, JSON.stringify(imported.body));
    assert.equal(imported.headers.get('retry-after'), '300');
    assert.deepEqual(await countRows(), before, 'no host, invoice, job or subscription was made');
  });
});
