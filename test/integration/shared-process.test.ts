// Hosts of a size with `process: { shared: true }` are tenants of one Synapse process: from the
// outside they are hosts like any other (users, server admin, federation with a host in its own
// process), and killing their process brings all of them back without touching other processes.
// Before shared processes every host was its own Synapse: each test's first check fails there.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { eventually } from '../support/eventually.ts';
import { assertFederation, type FederationSide } from '../support/federation-checks.ts';
import { HomeportProcess } from '../support/homeport-process.ts';
import { hostAdmin, openHomeportDatabase } from '../support/host-admin.ts';
import { downloadMedia } from '../support/host-content.ts';
import { loginThroughEdge, messagesOf } from '../support/matrix-user.ts';

const sizes = `
sizes:
  - { name: small, title: Small, pricePerSeatMinor: 300, minSeats: 1, maxSeats: 50, maxUploadSize: 50M, process: { shared: true, hostsPerProcess: 25 } }
  - { name: starter, title: Starter, pricePerSeatMinor: 500, minSeats: 5, maxSeats: 50, maxUploadSize: 50M }
`;

/** The Synapse processes of this Homeport, by pid, with the command line of each. */
async function synapseProcesses(homeport: HomeportProcess): Promise<{ pid: number; cmdline: string }[]> {
  const found: { pid: number; cmdline: string }[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const cmdline = (await readFile(join('/proc', entry, 'cmdline'), 'utf8').catch(() => '')).replaceAll('\0', ' ');
    if (cmdline.includes(homeport.dataDir) && /synapse-tenants\.py|synapse\.app\.homeserver/.test(cmdline)) found.push({ pid: Number(entry), cmdline });
  }
  return found;
}

/** The one process serving the shared hosts; fails when there is none (every host its own process). */
async function sharedProcess(homeport: HomeportProcess): Promise<number> {
  const shared = (await synapseProcesses(homeport)).filter((found) => found.cmdline.includes('synapse-tenants.py'));
  assert.equal(shared.length, 1, `one shared Synapse process, found: ${JSON.stringify(shared)}`);
  return shared[0]?.pid ?? 0;
}

describe('hosts in a shared Synapse process', () => {
  let homeport: HomeportProcess;
  let token: string;
  const ids: Record<string, string> = {};

  async function side(label: string, localpart: string): Promise<FederationSide & { password: string }> {
    const serverName = `${label}.${homeport.baseDomain}`;
    const userId = `@${localpart}:${serverName}`;
    const password = `${localpart} shares ${randomBytes(4).toString('hex')}`;
    const displayName = `${localpart} of ${label}`;
    await (await hostAdmin(homeport, ids[label] ?? '')).upsertUser(userId, { password, displayname: displayName });
    const client = await loginThroughEdge(homeport, label, localpart, password);
    return { client, userId, serverName, displayName, password, download: (mxc) => downloadMedia(homeport, label, client, mxc) };
  }

  before(async () => {
    homeport = await HomeportProcess.create('shared');
    const sizesFile = join(homeport.dataDir, 'sizes.yaml');
    await writeFile(sizesFile, sizes);
    homeport.env.HOMEPORT_SIZES_FILE = sizesFile;
    await homeport.start();
    token = await homeport.createAccount('shared@example.org');
    const wanted = { alpha: 'small', beta: 'small', gamma: 'starter' };
    const created = await Promise.all(Object.entries(wanted).map(([label, size]) =>
      homeport.api<{ host: { id: string } }>('POST', '/api/v1/hosts', { token, body: { label, size, seats: 20 } })));
    for (const [index, label] of Object.keys(wanted).entries()) ids[label] = created[index]?.body.host.id ?? '';
    await Promise.all(Object.values(ids).map((id) => homeport.waitForHostStatus(token, id, 'running')));
  });
  after(async () => {
    await homeport?.cleanup();
  });

  test('two hosts of a shared size run in one Synapse process, a host of another size in its own', async () => {
    await sharedProcess(homeport);
    const own = (await synapseProcesses(homeport)).filter((found) => found.cmdline.includes('synapse.app.homeserver'));
    assert.equal(own.length, 1, JSON.stringify(own));
    assert.match(own[0]?.cmdline ?? '', new RegExp(ids.gamma ?? 'gamma'));
  });

  test('users of a shared host sign in and message each other', async () => {
    await sharedProcess(homeport);
    const ann = await side('alpha', 'ann');
    const ben = await side('alpha', 'ben');
    const { room_id: roomId } = await ann.client.createRoom({ name: 'shared office', invite: [ben.userId] });
    await ben.client.joinRoom(roomId);
    await ann.client.sendTextMessage(roomId, 'hello from a shared process');
    await ben.client.sendTextMessage(roomId, 'hello back');
    // Newest first.
    await eventually(async () => assert.deepEqual(await messagesOf(ann.client, roomId), ['hello back', 'hello from a shared process']), 30_000);
    // The other tenant of the same process does not know alpha's users.
    await assert.rejects(loginThroughEdge(homeport, 'beta', 'ann', ann.password), /M_FORBIDDEN|Invalid username or password/);
  });

  test("a shared host's users are listed by Homeport's server-admin API", async () => {
    await sharedProcess(homeport);
    await side('beta', 'cleo');
    const listed = await homeport.api<{ users: { userId: string }[] }>('GET', `/api/v1/hosts/${ids.beta}/users`, { token });
    assert.equal(listed.status, 200, JSON.stringify(listed.body));
    assert.deepEqual(listed.body.users.map((user) => user.userId), [`@cleo:beta.${homeport.baseDomain}`]);
  });

  test('a shared host federates with a host in its own process, both ways', async () => {
    await sharedProcess(homeport);
    const dana = await side('alpha', 'dana');
    const emil = await side('gamma', 'emil');
    await assertFederation(dana, emil);
    await assertFederation(emil, dana);
  });

  test('killing the shared process brings back all its hosts; the host in its own process never stops answering', async () => {
    const killed = await sharedProcess(homeport);
    const ownBefore = (await synapseProcesses(homeport)).find((found) => found.cmdline.includes('synapse.app.homeserver'))?.pid;
    const alphaUser = await side('alpha', 'fay');
    const betaUser = await side('beta', 'gus');
    const gammaAnswers: number[] = [];
    const fetchEdge = await homeport.edgeFetch();
    let watching = true;
    const watch = (async () => {
      while (watching) {
        gammaAnswers.push((await fetchEdge(homeport.edgeUrl('gamma', '/_matrix/client/versions'))).status);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    })();

    process.kill(killed, 'SIGKILL');
    await eventually(async () => assert.notEqual(await sharedProcess(homeport), killed), 60_000);
    await eventually(() => loginThroughEdge(homeport, 'alpha', 'fay', alphaUser.password), 180_000);
    await eventually(() => loginThroughEdge(homeport, 'beta', 'gus', betaUser.password), 180_000);
    watching = false;
    await watch;

    assert.ok(gammaAnswers.length > 0);
    assert.deepEqual([...new Set(gammaAnswers)], [200], 'gamma answered every request while the shared process was down');
    const ownAfter = (await synapseProcesses(homeport)).find((found) => found.cmdline.includes('synapse.app.homeserver'))?.pid;
    assert.equal(ownAfter, ownBefore, "gamma's Synapse was not restarted");
    for (const id of Object.values(ids)) await homeport.waitForHostStatus(token, id, 'running');
  });

  test('a shared host that cannot start fails with its own error while the other tenants keep serving', async () => {
    const pid = await sharedProcess(homeport);
    const alphaUser = await side('alpha', 'hal');
    const homeportDb = await openHomeportDatabase(homeport);
    const beta = await homeportDb.db.selectFrom('hosts').select('database_name').where('id', '=', ids.beta ?? '').executeTakeFirstOrThrow();
    await homeportDb.close();
    // A database a newer Synapse has used: this Synapse refuses it at setup, every time.
    const betaDb = await openHomeportDatabase(homeport, beta.database_name);
    await betaDb.pool.query('UPDATE schema_compat_version SET compat_version = 100000');
    await betaDb.close();

    const rebuild = await homeport.api<{ job: { id: string } }>('POST', `/api/v1/hosts/${ids.beta}/rebuild`, { token });
    assert.equal(rebuild.status, 202, JSON.stringify(rebuild.body));
    const job = await homeport.waitForJob(token, rebuild.body.job.id);
    assert.equal(job.status, 'failed');
    assert.match(String(job.error), /Synapse exited 3 times while starting; its last output: .*too new/);
    assert.doesNotMatch(String(job.error), /alpha\./, "another tenant's output is not in beta's job");
    await homeport.waitForHostStatus(token, ids.beta ?? '', 'failed');

    assert.equal(await sharedProcess(homeport), pid, 'the shared process kept running');
    assert.ok(await loginThroughEdge(homeport, 'alpha', 'hal', alphaUser.password));
  });
});
