// Hibernation against the real components: a host without requests from clients or other
// servers sleeps (no Synapse process, no database connection), stays asleep through the
// reconciler and a restart of Homeport, and its first request through the edge wakes it and is
// answered: a client login, a media download, a federation key request, and a message another
// server sends it. Before hibernation no host ever slept: every test here waited for `sleeping`
// in vain.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import type { MatrixClient } from 'matrix-js-sdk';
import { caddyAdmin } from '../support/caddy-admin.ts';
import { eventually } from '../support/eventually.ts';
import { hostAdmin, openHomeportDatabase } from '../support/host-admin.ts';
import { downloadMedia, randomPng } from '../support/host-content.ts';
import { HomeportProcess } from '../support/homeport-process.ts';
import { loginThroughEdge, messagesOf } from '../support/matrix-user.ts';
import { synapseProcesses } from '../support/processes.ts';

/** Sleeping takes the hibernation time plus one look of the idle policy; on a busy machine, more. */
const sleepTimeoutMs = 180_000;

describe('hibernation', () => {
  let homeport: HomeportProcess;
  let token: string;
  const ids: Record<string, string> = {};
  const passwords: Record<string, string> = {};
  let alice: MatrixClient;
  let bob: MatrixClient;
  let roomId: string;
  let image: { mxc: string; bytes: Buffer };

  async function sleeping(label: string): Promise<void> {
    await homeport.waitForHostStatus(token, ids[label] ?? '', 'sleeping', sleepTimeoutMs);
  }

  async function connectionsTo(label: string): Promise<number> {
    const database = await homeportHostDatabase(label);
    const opened = await openHomeportDatabase(homeport, 'postgres');
    try {
      const { rows } = await sql<{ count: string }>`SELECT count(*) AS count FROM pg_stat_activity WHERE datname = ${database}`.execute(opened.db);
      return Number(rows[0]?.count);
    } finally {
      await opened.close();
    }
  }

  async function homeportHostDatabase(label: string): Promise<string> {
    const opened = await openHomeportDatabase(homeport);
    try {
      return (await opened.db.selectFrom('hosts').select('database_name').where('id', '=', ids[label] ?? '').executeTakeFirstOrThrow()).database_name;
    } finally {
      await opened.close();
    }
  }

  async function addUser(label: string, localpart: string): Promise<void> {
    passwords[localpart] = `${localpart} sleeps ${randomBytes(4).toString('hex')}`;
    // Homeport's own way in (straight to the host, not through the edge) wakes a sleeping host too.
    await eventually(async () => (await hostAdmin(homeport, ids[label] ?? '')).upsertUser(`@${localpart}:${label}.${homeport.baseDomain}`, { password: passwords[localpart] }), 120_000);
  }

  before(async () => {
    homeport = await HomeportProcess.create('sleep', { HOMEPORT_HIBERNATE_AFTER_SECONDS: '15', HOMEPORT_MONITOR_INTERVAL_SECONDS: '2' });
    await homeport.start();
    token = await homeport.createAccount('sleep@example.org');
    const created = await Promise.all(['alpha', 'beta'].map((label) =>
      homeport.api<{ host: { id: string } }>('POST', '/api/v1/hosts', { token, body: { label, size: 'starter', seats: 50 } })));
    ids.alpha = created[0]?.body.host.id ?? '';
    ids.beta = created[1]?.body.host.id ?? '';
    await Promise.all(Object.values(ids).map((id) => homeport.waitForHostStatus(token, id, 'running')));
    await addUser('alpha', 'alice');
    await addUser('beta', 'bob');
    // The setup is not what is tested: a request at the very moment its host is put to sleep can
    // meet Synapse shutting down (docs/hibernation.md), so it is simply tried again.
    alice = await eventually(() => loginThroughEdge(homeport, 'alpha', 'alice', passwords.alice ?? ''), 120_000);
    bob = await eventually(() => loginThroughEdge(homeport, 'beta', 'bob', passwords.bob ?? ''), 120_000);
    const bobId = `@bob:beta.${homeport.baseDomain}`;
    ({ room_id: roomId } = await eventually(() => alice.createRoom({ name: 'across a sleep', invite: [bobId] }), 120_000));
    await eventually(() => bob.joinRoom(roomId, { viaServers: [`alpha.${homeport.baseDomain}`] }), 120_000);
    const bytes = randomPng();
    const { content_uri: mxc } = await eventually(() => alice.uploadContent(new Uint8Array(bytes), { type: 'image/png', name: 'picture.png' }), 120_000);
    image = { mxc, bytes };
  });
  after(async () => {
    await homeport?.cleanup();
  });

  test("a built host has no route of its own in Caddy: the edge reaches it through its name's link and edge.sock", async () => {
    for (const id of Object.values(ids)) assert.equal((await caddyAdmin(homeport.dataDir, `/id/host-${id}`)).status, 404);
    const routes = (await caddyAdmin(homeport.dataDir, '/config/apps/http/servers/edge/routes')).text;
    assert.ok(!routes.includes('alpha.') && !routes.includes('beta.'), 'no host name in the configuration');
  });

  test('an idle host sleeps: no Synapse process, no database connection, "sleeping" in the API and the CLI', async () => {
    await sleeping('alpha');
    assert.deepEqual(await synapseProcesses(homeport.dataDir, ids.alpha ?? ''), []);
    // PostgreSQL ends a backend a moment after its client has gone.
    await eventually(async () => assert.equal(await connectionsTo('alpha'), 0), 30_000);
    const shown = await homeport.cli(['host', 'show', 'alpha'], token);
    assert.equal(shown.code, 0, shown.stderr);
    assert.match(shown.stdout, /^alpha\s+Sleeping$/m);
    // Monitoring records it sleeping, not down, and does not wake it.
    await eventually(async () => {
      const status = await homeport.api<{ state: string | null; incidents: { kind: string }[] }>('GET', `/api/v1/hosts/${ids.alpha}/status`, { token });
      assert.equal(status.body.state, 'sleeping');
      assert.deepEqual(status.body.incidents.filter((incident) => incident.kind === 'host-down'), []);
    }, 30_000);
    assert.equal((await homeport.api<{ status: string }>('GET', `/api/v1/hosts/${ids.alpha}`, { token })).body.status, 'sleeping');
  });

  test('a message another server sends to a sleeping host wakes it and arrives', async () => {
    await sleeping('beta');
    const text = `sent while beta slept ${randomBytes(4).toString('hex')}`;
    await alice.sendTextMessage(roomId, text);
    // Nothing but alpha's federation transaction asks for beta here.
    await homeport.waitForHostStatus(token, ids.beta ?? '', 'running');
    await eventually(async () => assert.ok((await messagesOf(bob, roomId)).includes(text), 'bob does not see the message yet'), 120_000);
  });

  test('the reconciler leaves a sleeping host asleep, also after a restart of Homeport', async () => {
    await sleeping('alpha');
    await homeport.stop();
    // Homeport answers /readyz only after the reconciler's first pass over every host.
    await homeport.start();
    const shown = await homeport.api<{ status: string }>('GET', `/api/v1/hosts/${ids.alpha}`, { token });
    assert.equal(shown.body.status, 'sleeping');
    assert.deepEqual(await synapseProcesses(homeport.dataDir, ids.alpha ?? ''), []);
  });

  test('a client login through the edge wakes a sleeping host and is answered', async () => {
    await sleeping('alpha');
    alice = await loginThroughEdge(homeport, 'alpha', 'alice', passwords.alice ?? '');
    assert.ok(alice.getAccessToken());
    await homeport.waitForHostStatus(token, ids.alpha ?? '', 'running');
    assert.equal((await synapseProcesses(homeport.dataDir, ids.alpha ?? '')).length, 1);
  });

  test('a media download through the edge wakes a sleeping host and gets the file', async () => {
    await sleeping('alpha');
    assert.ok((await downloadMedia(homeport, 'alpha', alice, image.mxc)).equals(image.bytes));
  });

  test('a federation request through the edge wakes a sleeping host and is answered', async () => {
    await sleeping('alpha');
    const fetchEdge = await homeport.edgeFetch();
    const answer = await fetchEdge(homeport.edgeUrl('alpha', '/_matrix/key/v2/server'));
    assert.equal(answer.status, 200);
    const body = (await answer.json()) as { server_name: string; verify_keys: Record<string, unknown> };
    assert.equal(body.server_name, `alpha.${homeport.baseDomain}`);
    assert.equal(Object.keys(body.verify_keys).length, 1);
  });
});
