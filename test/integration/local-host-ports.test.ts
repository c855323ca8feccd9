// The local runtime's own table of its hosts' loopback ports (local_host_ports) against a real
// PostgreSQL: the migration moves every live host's ports there out of `hosts` (a cancelled host's
// were free already), a restarted runtime finds the same ports, a host keeps its ports when asked
// again, a port something else listens on is skipped, and a removed (cancelled) host's ports are
// free for the next host.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { Migrator, type MigrationProvider } from 'kysely/migration';
import { createAccount } from '../../src/store/accounts.ts';
import { migrate, openDatabase, type OpenedDatabase } from '../../src/store/database.ts';
import { migrations } from '../../src/store/migrations/index.ts';
import { LocalHostPorts } from '../../src/runtime/local/local-host-ports.ts';
import { claimPortBlock } from '../support/port-blocks.ts';
import { startThrowawayPostgres, type ThrowawayPostgres } from '../support/throwaway-postgres.ts';

function listenOn(port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen({ host: '127.0.0.1', port, exclusive: true }, () => resolve(server));
  });
}

describe("the local runtime's host ports", () => {
  let postgres: ThrowawayPostgres;
  let opened: OpenedDatabase;
  const first = claimPortBlock();
  const range = { first, last: first + 9 };
  const ids: Record<string, string> = {};

  before(async () => {
    postgres = await startThrowawayPostgres();
    opened = openDatabase(`postgres://${postgres.superuser}@127.0.0.1:${postgres.port}/postgres`, 3);
  });
  after(async () => {
    await opened?.close();
    await postgres?.stop();
  });

  test("the migration moves live hosts' ports into the runtime's table and drops them from hosts", async () => {
    const provider: MigrationProvider = { getMigrations: async () => migrations };
    const { error } = await new Migrator({ db: opened.db, provider }).migrateTo('2026_12_10_031_host_sign_on');
    assert.equal(error, undefined);
    const account = await createAccount(opened.db, { email: 'ports@example.test', name: 'Ports', emailVerified: true });
    // As the store left them: a running and a sleeping host with ports, a cancelled one whose
    // ports a live host took again, and one whose build never got its ports.
    const legacy: Array<[string, string, number | null]> = [
      ['running', 'running', first], ['sleeping', 'sleeping', first + 4], ['gone', 'cancelled', first], ['fresh', 'provisioning', null],
    ];
    for (const [label, status, port] of legacy) {
      const { rows } = await sql<{ id: string }>`
        INSERT INTO hosts (account_id, label, server_name, size, seats, status, database_name, http_port, metrics_port)
        VALUES (${account.id}, ${label}, ${`${label}.test`}, 'starter', 5, ${status}, ${`host_${label}`}, ${port}, ${port === null ? null : port + 1})
        RETURNING id
      `.execute(opened.db);
      ids[label] = rows[0]!.id;
    }

    await migrate(opened.db);

    const moved = await sql<{ host_id: string; http_port: number; metrics_port: number }>`
      SELECT host_id, http_port, metrics_port FROM local_host_ports ORDER BY http_port
    `.execute(opened.db);
    assert.deepEqual(moved.rows, [
      { host_id: ids.running, http_port: first, metrics_port: first + 1 },
      { host_id: ids.sleeping, http_port: first + 4, metrics_port: first + 5 },
    ]);
    const columns = await sql<{ column_name: string }>`
      SELECT column_name FROM information_schema.columns WHERE table_name = 'hosts' AND column_name IN ('http_port', 'metrics_port')
    `.execute(opened.db);
    assert.deepEqual(columns.rows, [], 'hosts holds no port any more');
  });

  test('a restarted runtime finds the same ports, and a host asking again keeps its own', async () => {
    const ports = new LocalHostPorts(opened.pool, range);
    assert.deepEqual(await ports.find(ids.running!), { httpPort: first, metricsPort: first + 1 });
    assert.deepEqual(await ports.allocate(ids.sleeping!), { httpPort: first + 4, metricsPort: first + 5 });
    assert.equal(await ports.find(ids.fresh!), undefined);
    const many = await new LocalHostPorts(opened.pool, range).findMany([ids.running!, ids.fresh!, ids.sleeping!]);
    assert.deepEqual([...many.keys()], [ids.running, ids.sleeping], 'the edge finds every allocated host in one go');
    await assert.rejects(ports.get(ids.fresh!), /no ports allocated/);
  });

  test('a new host gets the first free pair, skipping pairs in use and ports something else listens on', async () => {
    const busy = await listenOn(first + 2);
    try {
      const ports = new LocalHostPorts(opened.pool, range);
      const fresh = await ports.allocate(ids.fresh!);
      assert.deepEqual(fresh, { httpPort: first + 6, metricsPort: first + 7 });
      assert.deepEqual(await new LocalHostPorts(opened.pool, range).allocate(ids.fresh!), fresh, 'allocating again changes nothing');
    } finally {
      await new Promise((resolve) => busy.close(resolve));
    }
  });

  test("a removed host's ports are free for the next host; releasing again is harmless", async () => {
    const ports = new LocalHostPorts(opened.pool, range);
    await ports.release(ids.running!);
    await ports.release(ids.running!);
    assert.equal(await ports.find(ids.running!), undefined);
    const { rows } = await sql<{ id: string }>`
      INSERT INTO hosts (account_id, label, server_name, size, seats, status, database_name)
      SELECT account_id, 'next', 'next.test', 'starter', 5, 'provisioning', 'host_next' FROM hosts WHERE id = ${ids.fresh!}
      RETURNING id
    `.execute(opened.db);
    assert.deepEqual(await ports.allocate(rows[0]!.id), { httpPort: first, metricsPort: first + 1 });
  });

  test('a full range is refused with the setting to change', async () => {
    // Both pairs of this range belong to hosts (sleeping, fresh).
    const ports = new LocalHostPorts(opened.pool, { first: first + 4, last: first + 7 });
    await assert.rejects(ports.allocate('00000000-0000-4000-8000-000000000001'), /no free port pair is left .*HOMEPORT_HOST_PORTS/);
    assert.equal(await ports.freePairs(), 0, 'capacity sees the range full before a build would fail on it');
    // The whole range: 5 pairs, three of them hosts' (running's pair went to "next", sleeping, fresh).
    assert.equal(await new LocalHostPorts(opened.pool, range).freePairs(), 2);
  });
});
