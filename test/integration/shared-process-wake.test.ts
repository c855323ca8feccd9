// A sleeping host of a size that shares Synapse processes stays loaded, quiet, in the shared
// process that is already running (no new Python process, no Synapse import, no tenant start):
// asleep it holds no database connection, and a client login, a media download and a federation
// request through the edge each wake it and are answered. Before the fast wake the process was
// stopped with its last tenant, so the first test's "the shared process still runs" failed, and
// every wake started a new process.
import assert from 'node:assert/strict';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import type { MatrixClient } from 'matrix-js-sdk';
import { eventually } from '../support/eventually.ts';
import { HomeportProcess } from '../support/homeport-process.ts';
import { hostAdmin, openHomeportDatabase } from '../support/host-admin.ts';
import { downloadMedia, randomPng } from '../support/host-content.ts';
import { loginThroughEdge } from '../support/matrix-user.ts';

const sizes = `
sizes:
  - { name: small, title: Small, pricePerSeatMinor: 300, minSeats: 1, maxSeats: 50, maxUploadSize: 50M, process: { shared: true, hostsPerProcess: 25 } }
`;

/** Sleeping takes the hibernation time plus one look of the idle policy; on a busy machine, more. */
const sleepTimeoutMs = 180_000;

/** The pids of this Homeport's shared Synapse processes. */
async function sharedProcesses(homeport: HomeportProcess): Promise<number[]> {
  const found: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const cmdline = (await readFile(join('/proc', entry, 'cmdline'), 'utf8').catch(() => '')).replaceAll('\0', ' ');
    if (cmdline.includes(homeport.dataDir) && cmdline.includes('synapse-tenants.py')) found.push(Number(entry));
  }
  return found;
}

describe('a sleeping host of a shared size', () => {
  let homeport: HomeportProcess;
  let token: string;
  let hostId: string;
  let pid: number;
  let alice: MatrixClient;
  let image: { mxc: string; bytes: Buffer };
  const password = 'alice wakes a shared host';

  async function sleeping(): Promise<void> {
    await homeport.waitForHostStatus(token, hostId, 'sleeping', sleepTimeoutMs);
  }

  async function connections(): Promise<number> {
    const homeportDb = await openHomeportDatabase(homeport);
    const { database_name: database } = await homeportDb.db.selectFrom('hosts').select('database_name').where('id', '=', hostId).executeTakeFirstOrThrow();
    await homeportDb.close();
    const postgres = await openHomeportDatabase(homeport, 'postgres');
    try {
      const { rows } = await sql<{ count: string }>`SELECT count(*) AS count FROM pg_stat_activity WHERE datname = ${database}`.execute(postgres.db);
      return Number(rows[0]?.count);
    } finally {
      await postgres.close();
    }
  }

  before(async () => {
    homeport = await HomeportProcess.create('wake', { HOMEPORT_HIBERNATE_AFTER_SECONDS: '15' });
    await writeFile(join(homeport.dataDir, 'sizes.yaml'), sizes);
    homeport.env.HOMEPORT_SIZES_FILE = join(homeport.dataDir, 'sizes.yaml');
    await homeport.start();
    token = await homeport.createAccount('wake@example.org');
    const created = await homeport.api<{ host: { id: string } }>('POST', '/api/v1/hosts', { token, body: { label: 'alpha', size: 'small', seats: 5 } });
    hostId = created.body.host.id;
    await homeport.waitForHostStatus(token, hostId, 'running');
    [pid = 0] = await sharedProcesses(homeport);
    // Homeport's own way in (straight to the host's port) wakes it too, should it sleep already.
    await eventually(async () => (await hostAdmin(homeport, hostId)).upsertUser(`@alice:alpha.${homeport.baseDomain}`, { password }), 120_000);
    // A request at the very moment the host is put to sleep can meet its tenant stopping (docs/hibernation.md).
    alice = await eventually(() => loginThroughEdge(homeport, 'alpha', 'alice', password), 120_000);
    const bytes = randomPng();
    const { content_uri: mxc } = await eventually(() => alice.uploadContent(new Uint8Array(bytes), { type: 'image/png', name: 'picture.png' }), 120_000);
    image = { mxc, bytes };
  });
  after(async () => {
    await homeport?.cleanup();
  });

  test('asleep, it holds no database connection while its shared process keeps running', async () => {
    await sleeping();
    assert.deepEqual(await sharedProcesses(homeport), [pid], 'the same shared process runs, ready for the wake');
    // The tenant lets go of idle connections after 2 s; a host built before the schema template
    // was ready runs Synapse's background updates for a few minutes first, asleep or not.
    await eventually(async () => assert.equal(await connections(), 0), 300_000, 200);
  });

  test('a client login through the edge wakes it in the running shared process and is answered', async () => {
    await sleeping();
    alice = await loginThroughEdge(homeport, 'alpha', 'alice', password);
    assert.ok(alice.getAccessToken());
    await homeport.waitForHostStatus(token, hostId, 'running');
    assert.deepEqual(await sharedProcesses(homeport), [pid], 'no process was started for the wake');
  });

  test('a media download through the edge wakes it and gets the file', async () => {
    await sleeping();
    assert.ok((await downloadMedia(homeport, 'alpha', alice, image.mxc)).equals(image.bytes));
    assert.deepEqual(await sharedProcesses(homeport), [pid]);
  });

  test('a federation request through the edge wakes it and is answered', async () => {
    await sleeping();
    const fetchEdge = await homeport.edgeFetch();
    const answer = await fetchEdge(homeport.edgeUrl('alpha', '/_matrix/key/v2/server'));
    assert.equal(answer.status, 200);
    const body = (await answer.json()) as { server_name: string };
    assert.equal(body.server_name, `alpha.${homeport.baseDomain}`);
    assert.deepEqual(await sharedProcesses(homeport), [pid]);
  });
});
