// A tenant of a shared Synapse process lets go of its database connections while idle
// (synapse-tenants.py closes a connection no work has used for a few seconds) and opens one again
// the moment a request needs it: an idle host reaches no connection at all in pg_stat_activity
// and then still answers a client login and a federation request through the edge. A request
// whose transaction waits in PostgreSQL far longer than the idle time keeps its connection and is
// answered: an in-use connection is never closed. Without the closing the first test never sees
// 0 connections (Synapse keeps every connection it opened); with a closing that ignored work in
// progress the held login would fail.
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type pg from 'pg';
import { eventually } from '../support/eventually.ts';
import { HomeportProcess } from '../support/homeport-process.ts';
import { hostAdmin, openHomeportDatabase } from '../support/host-admin.ts';
import { loginThroughEdge } from '../support/matrix-user.ts';

const sizes = `
sizes:
  - { name: small, title: Small, pricePerSeatMinor: 300, minSeats: 1, maxSeats: 50, maxUploadSize: 50M, process: { shared: true, hostsPerProcess: 25 } }
`;

describe('an idle tenant of a shared process', () => {
  let homeport: HomeportProcess;
  let hostId: string;
  let database: string;
  const password = 'alice comes back later';

  /** The host's database connections, Synapse's own (not this test's). */
  async function connections(): Promise<Array<{ pid: number; state: string | null; wait_event_type: string | null }>> {
    const postgres = await openHomeportDatabase(homeport, 'postgres');
    try {
      const { rows } = await postgres.pool.query<{ pid: number; state: string | null; wait_event_type: string | null }>(
        "SELECT pid, state, wait_event_type FROM pg_stat_activity WHERE datname = $1 AND application_name <> 'idle-connections-test'", [database],
      );
      return rows;
    } finally {
      await postgres.close();
    }
  }

  before(async () => {
    // Never put to sleep: the connections are let go by the running tenant itself.
    homeport = await HomeportProcess.create('idleconn', { HOMEPORT_HIBERNATE_AFTER_SECONDS: '0' });
    await writeFile(join(homeport.dataDir, 'sizes.yaml'), sizes);
    homeport.env.HOMEPORT_SIZES_FILE = join(homeport.dataDir, 'sizes.yaml');
    await homeport.start();
    const token = await homeport.createAccount('idle@example.org');
    const created = await homeport.api<{ host: { id: string } }>('POST', '/api/v1/hosts', { token, body: { label: 'alpha', size: 'small', seats: 5 } });
    hostId = created.body.host.id;
    await homeport.waitForHostStatus(token, hostId, 'running');
    const homeportDb = await openHomeportDatabase(homeport);
    database = (await homeportDb.db.selectFrom('hosts').select('database_name').where('id', '=', hostId).executeTakeFirstOrThrow()).database_name;
    await homeportDb.close();
    await eventually(async () => (await hostAdmin(homeport, hostId)).upsertUser(`@alice:alpha.${homeport.baseDomain}`, { password }), 120_000);
  });
  after(async () => {
    await homeport?.cleanup();
  });

  test('drops to no database connection, then answers a client login and a federation request', async () => {
    // Its background tasks open one now and then (every 12 s at most); in between it holds none.
    await eventually(async () => assert.equal((await connections()).length, 0), 180_000, 200);
    const alice = await loginThroughEdge(homeport, 'alpha', 'alice', password);
    assert.ok(alice.getAccessToken());
    assert.equal((await alice.whoami()).user_id, `@alice:alpha.${homeport.baseDomain}`);

    await eventually(async () => assert.equal((await connections()).length, 0), 180_000, 200);
    const fetchEdge = await homeport.edgeFetch();
    const answer = await fetchEdge(homeport.edgeUrl('alpha', '/_matrix/key/v2/server'));
    assert.equal(answer.status, 200);
    assert.equal(((await answer.json()) as { server_name: string }).server_name, `alpha.${homeport.baseDomain}`);
  });

  test('a request whose transaction waits longer than the idle time keeps its connection and is answered', async () => {
    // The test holds the users table locked, so the login's lookup waits inside PostgreSQL.
    const holder = await openHomeportDatabase(homeport, database);
    let locker: pg.PoolClient | undefined;
    try {
      locker = await holder.pool.connect();
      await locker.query("SET application_name = 'idle-connections-test'");
      await locker.query('BEGIN');
      await locker.query('LOCK TABLE users IN ACCESS EXCLUSIVE MODE');
      const login = loginThroughEdge(homeport, 'alpha', 'alice', password);
      login.catch(() => undefined);
      const waiting = await eventually(async () => {
        const found = (await connections()).find((row) => row.state === 'active' && row.wait_event_type === 'Lock');
        assert.ok(found, 'the login waits for the lock');
        return found.pid;
      }, 60_000);
      // Well past the idle time (2 s) and several rounds of the closing (every second).
      await new Promise((done) => setTimeout(done, 8_000));
      await locker.query('COMMIT');
      // Its connection was kept: the same backend finishes the work and is then idle (for 2 s,
      // until the closing). Had the connection been closed under it, that backend would end when
      // answering, and Synapse would retry on a new one.
      await eventually(async () => assert.ok((await connections()).some((row) => row.pid === waiting && row.state === 'idle')), 10_000, 50);
      const alice = await login;
      assert.equal((await alice.whoami()).user_id, `@alice:alpha.${homeport.baseDomain}`);
    } finally {
      await locker?.query('ROLLBACK').catch(() => undefined);
      locker?.release();
      await holder.close();
    }
  });
});
