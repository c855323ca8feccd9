// Backups and restore points of a host, with real Synapse, PostgreSQL and matrix-js-sdk clients:
// a backup taken while the host serves, more written after it, and a restore (with Homeport
// killed in the middle of it) that gives back exactly every event and media file of the backup
// and nothing written since; a restore into a new host (a staging clone, Homeport killed in the
// middle of it too) with every event and media file of the backup and the original untouched; a tampered backup is refused with the host
// untouched; another customer sees none of it.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Direction, type MatrixClient } from 'matrix-js-sdk';
import { eventually } from '../support/eventually.ts';
import { HomeportProcess } from '../support/homeport-process.ts';
import { openHomeportDatabase } from '../support/host-admin.ts';
import { assertSameContent, downloadMedia, fillHost, randomPng, serverKey, textMessages, type HostContent } from '../support/host-content.ts';
import { loginThroughEdge } from '../support/matrix-user.ts';
import { synapseProcesses } from '../support/processes.ts';

interface JobView { status: string; error: string | null; steps: { name: string; status: string }[] }

/** Every event of the room, oldest first, as id, type and sender: what a restore must give back exactly. */
async function roomEvents(client: MatrixClient, roomId: string): Promise<string[]> {
  const events: string[] = [];
  let from: string | null = null;
  for (;;) {
    const page = await client.createMessagesRequest(roomId, from, 100, Direction.Backward);
    events.push(...page.chunk.map((event) => `${event.event_id} ${event.type} ${event.sender}`));
    if (!page.end || page.chunk.length === 0) break;
    from = page.end;
  }
  return events.reverse();
}

/** Every file of a host's media store, by path, as a SHA-256: what a restore of its backup must hold exactly. */
async function mediaFiles(dataDir: string, hostId: string): Promise<Record<string, string>> {
  const root = join(dataDir, 'hosts', hostId, 'media');
  const files: Record<string, string> = {};
  for (const entry of await readdir(root, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    files[relative(root, path)] = createHash('sha256').update(await readFile(path)).digest('hex');
  }
  return files;
}

describe('backups and restore points of a host', () => {
  let homeport: HomeportProcess;
  let token: string;
  let hostId: string;
  let content: HostContent;
  let eventsAtBackup: string[];
  let firstBackup: string;
  let laterMxc: string;
  let mediaAtBackup: Record<string, string>;

  const backupIds = async (): Promise<string[]> => {
    const listed = await homeport.cli(['host', 'backups', 'acme'], token);
    assert.equal(listed.code, 0, listed.stdout + listed.stderr);
    return listed.stdout.split('\n').filter((line) => /^[0-9a-f-]{36} /.test(line)).map((line) => line.split(' ')[0]!);
  };

  before(async () => {
    homeport = await HomeportProcess.create('bk');
    await homeport.start();
    token = await homeport.createAccount('owner@example.org');
    const built = await homeport.cli(['host', 'create', 'acme', '--size', 'starter', '--seats', '10', '--wait'], token);
    assert.equal(built.code, 0, built.stdout + built.stderr);
    hostId = (await homeport.api<{ id: string }>('GET', '/api/v1/hosts/acme', { token })).body.id;
    content = await fillHost(homeport, token, 'acme', hostId, 30);
  });
  after(async () => {
    await homeport?.cleanup();
  });

  test('a backup is taken while the host serves, sealed, listed, and recorded on the host', async () => {
    const alice = await loginThroughEdge(homeport, 'acme', 'alice', content.users[0]!.password);
    eventsAtBackup = await roomEvents(alice, content.roomId);
    const backup = await homeport.cli(['host', 'backup', 'acme', '--wait'], token);
    assert.equal(backup.code, 0, backup.stdout + backup.stderr);
    assert.match(backup.stdout, /job finished/);
    const ids = await backupIds();
    assert.equal(ids.length, 1);
    firstBackup = ids[0]!;
    mediaAtBackup = await mediaFiles(homeport.dataDir, hostId);
    assert.ok(Object.keys(mediaAtBackup).length > 0);
    const host = (await homeport.api<{ lastBackup: { status: string; error: string | null } | null }>('GET', '/api/v1/hosts/acme', { token })).body;
    assert.equal(host.lastBackup?.status, 'succeeded');
    const sealed = await readFile(join(homeport.dataDir, 'backups', hostId, firstBackup, 'database.tar.sealed'));
    assert.equal(sealed.includes(Buffer.from(content.messages[1]!)), false, 'no message is readable in the stored backup');
    assert.equal(sealed.includes(Buffer.from('CREATE TABLE')), false, 'no SQL is readable in the stored backup');
  });

  test("another customer can neither list, take nor restore this host's backups", async () => {
    const stranger = await homeport.createAccount('stranger@example.org');
    assert.equal((await homeport.api('GET', '/api/v1/hosts/acme/backups', { token: stranger })).status, 404);
    assert.equal((await homeport.api('GET', `/api/v1/hosts/${hostId}/backups`, { token: stranger })).status, 404);
    assert.equal((await homeport.api('POST', `/api/v1/hosts/${hostId}/backups`, { token: stranger })).status, 404);
    assert.equal((await homeport.api('POST', `/api/v1/hosts/${hostId}/backups/${firstBackup}/restore`, { token: stranger, body: { confirm: 'acme' } })).status, 404);
    assert.equal((await homeport.api('GET', `/api/v1/operator/hosts/${hostId}/backups`, { token: stranger })).status, 404);
  });

  test('a tampered backup is refused before the host is touched', async () => {
    const alice = await loginThroughEdge(homeport, 'acme', 'alice', content.users[0]!.password);
    await alice.sendTextMessage(content.roomId, 'written after the first backup');
    const { content_uri: mxc } = await alice.uploadContent(new Uint8Array(randomPng(32)), { type: 'image/png', name: 'later.png' });
    laterMxc = mxc;
    const second = await homeport.cli(['host', 'backup', 'acme', '--wait'], token);
    assert.equal(second.code, 0, second.stdout + second.stderr);
    const secondId = (await backupIds()).find((id) => id !== firstBackup)!;
    const file = join(homeport.dataDir, 'backups', hostId, secondId, 'media.tar.gz.sealed');
    const bytes = await readFile(file);
    bytes[Math.floor(bytes.length / 2)]! ^= 0x40;
    await writeFile(file, bytes);
    const wrong = await homeport.api('POST', `/api/v1/hosts/acme/backups/${secondId}/restore`, { token, body: { confirm: 'not-acme' } });
    assert.equal(wrong.status, 422, JSON.stringify(wrong.body));
    const restore = await homeport.cli(['host', 'restore', 'acme', secondId, '--confirm', 'acme', '--wait'], token);
    assert.notEqual(restore.code, 0);
    assert.match(restore.stdout, /refused: the backup file fails its authentication/);
    const host = (await homeport.api<{ status: string }>('GET', '/api/v1/hosts/acme', { token })).body;
    assert.equal(host.status, 'running');
    const messages = await textMessages(await loginThroughEdge(homeport, 'acme', 'alice', content.users[0]!.password), content.roomId);
    assert.equal(messages.at(-1), 'written after the first backup');
  });

  test('restored into a new host (a staging clone): every event and media file of the backup under the same server name, served only at its own address, federation off, its own signing key; the original untouched', async () => {
    const originalKey = await serverKey(homeport, 'acme');
    const wrong = await homeport.api('POST', `/api/v1/hosts/acme/backups/${firstBackup}/restore`, { token, body: { confirm: 'acme-staging', into: 'acme-staging' } });
    assert.equal(wrong.status, 422, JSON.stringify(wrong.body));
    const cloned = await homeport.cli(['host', 'restore', 'acme', firstBackup, '--confirm', 'acme', '--into', 'acme-staging'], token);
    assert.equal(cloned.code, 0, cloned.stdout + cloned.stderr);
    assert.match(cloned.stdout, /into new host acme-staging \([0-9a-f-]{36}, server name acme\.[^,]+, federation off\)/);
    const cloneJob = /\(job ([0-9a-f-]{36})\)/.exec(cloned.stdout)![1]!;
    const cloneId = /new host acme-staging \(([0-9a-f-]{36})/.exec(cloned.stdout)![1]!;
    // Killed half-way through the clone: nothing serves the half-restored host, and the job finishes after a restart.
    let killedIn: string | undefined;
    while (!killedIn) {
      const job = (await homeport.api<JobView>('GET', `/api/v1/jobs/${cloneJob}`, { token })).body;
      const running = job.steps.find((step) => step.status === 'running');
      if (running && ['database restore', 'sequences and keys', 'media'].includes(running.name)) {
        await homeport.kill9();
        killedIn = running.name;
      }
      assert.ok(job.status !== 'succeeded' && job.status !== 'failed', `the clone job ended before it could be killed: ${JSON.stringify(job)}`);
      await new Promise((done) => setTimeout(done, 25));
    }
    console.log(`# killed Homeport during the clone step "${killedIn}"`);
    assert.deepEqual(await synapseProcesses(homeport.dataDir, cloneId), []);
    await homeport.start();
    const finished = await homeport.waitForJob(token, cloneJob, 600_000);
    assert.equal(finished.status, 'succeeded', JSON.stringify(finished));
    const clone = (await homeport.api<{ id: string; serverName: string; status: string; homeserverUrl: string; clonedFromHostId: string | null; federation: { mode: string } }>('GET', '/api/v1/hosts/acme-staging', { token })).body;
    assert.equal(clone.status, 'running');
    assert.equal(clone.serverName, `acme.${homeport.baseDomain}`, 'Matrix IDs cannot change: the clone keeps the server name');
    assert.equal(clone.clonedFromHostId, hostId);
    assert.equal(clone.federation.mode, 'off');
    assert.equal(new URL(clone.homeserverUrl).hostname, `acme-staging.${homeport.baseDomain}`);
    // Every media file of the backup, byte for byte, and nothing else (read before any client asked the clone for anything).
    assert.deepEqual(await mediaFiles(homeport.dataDir, clone.id), mediaAtBackup);

    // Every event of the backup, under the original's user IDs, reached at the clone's own address.
    const alice = await loginThroughEdge(homeport, 'acme-staging', 'alice', content.users[0]!.password);
    assert.equal(alice.getUserId(), `@alice:acme.${homeport.baseDomain}`);
    assert.deepEqual(await roomEvents(alice, content.roomId), eventsAtBackup);
    const bob = await loginThroughEdge(homeport, 'acme-staging', 'bob', content.users[1]!.password);
    assert.deepEqual(await textMessages(bob, content.roomId), content.messages);
    assert.ok((await downloadMedia(homeport, 'acme-staging', alice, content.mxc)).equals(content.image), 'the image is byte-identical');
    await assert.rejects(downloadMedia(homeport, 'acme-staging', alice, laterMxc), 'the file uploaded after the backup is not in the clone');

    // Its own signing key; no delegation for federation; federation cannot be turned on.
    // (With federation off the clone publishes no key; its key file is read instead.)
    const signingKey = (id: string) => readFile(join(homeport.dataDir, 'hosts', id, 'signing.key'), 'utf8');
    const [originalKeyFile, cloneKeyFile] = await Promise.all([signingKey(hostId), signingKey(clone.id)]);
    assert.ok(originalKeyFile.startsWith('ed25519 ') && cloneKeyFile.startsWith('ed25519 '));
    assert.notEqual(cloneKeyFile.split(' ').at(-1), originalKeyFile.split(' ').at(-1), 'the clone signs with a key of its own');
    assert.equal((await (await (await homeport.edgeFetch())(homeport.edgeUrl('acme-staging', '/_matrix/key/v2/server'))).text()).includes(originalKey.publicKey), false);
    const fetchEdge = await homeport.edgeFetch();
    assert.equal((await fetchEdge(homeport.edgeUrl('acme-staging', '/.well-known/matrix/server'))).status, 404);
    const federate = await homeport.api<{ detail: string }>('PUT', '/api/v1/hosts/acme-staging/federation', { token, body: { mode: 'open' } });
    assert.equal(federate.status, 400, JSON.stringify(federate.body));
    assert.match(federate.body.detail, /impersonate/);

    // The original: untouched, serving, its key, what was written after the backup still there.
    assert.equal((await homeport.api<{ status: string }>('GET', '/api/v1/hosts/acme', { token })).body.status, 'running');
    assert.equal((await synapseProcesses(homeport.dataDir, hostId)).length, 1);
    assert.deepEqual(await serverKey(homeport, 'acme'), originalKey);
    const originalAlice = await loginThroughEdge(homeport, 'acme', 'alice', content.users[0]!.password);
    assert.equal((await textMessages(originalAlice, content.roomId)).at(-1), 'written after the first backup');
    assert.ok((await downloadMedia(homeport, 'acme', originalAlice, laterMxc)).length > 0);

    // A second clone with the same label is refused; the clone's label is free again once it is cancelled.
    const again = await homeport.api('POST', `/api/v1/hosts/acme/backups/${firstBackup}/restore`, { token, body: { confirm: 'acme', into: 'acme-staging' } });
    assert.equal(again.status, 409, JSON.stringify(again.body));
    const cancelled = await homeport.cli(['host', 'cancel', 'acme-staging', '--confirm', 'acme-staging', '--wait'], token);
    assert.equal(cancelled.code, 0, cancelled.stdout + cancelled.stderr);
  });

  test('killed in the middle of a restore, Homeport finishes it after a restart: every event and file of the backup, nothing since', async () => {
    const started = await homeport.api<{ job: { id: string } }>('POST', `/api/v1/hosts/acme/backups/${firstBackup}/restore`, { token, body: { confirm: 'acme' } });
    assert.equal(started.status, 202, JSON.stringify(started.body));
    const jobPath = `/api/v1/jobs/${started.body.job.id}`;
    let killedIn: string | undefined;
    while (!killedIn) {
      const job = (await homeport.api<JobView>('GET', jobPath, { token })).body;
      const running = job.steps.find((step) => step.status === 'running');
      if (running && ['database restore', 'sequences and keys', 'media'].includes(running.name)) {
        await homeport.kill9();
        killedIn = running.name;
      }
      assert.ok(job.status !== 'succeeded' && job.status !== 'failed', `the job ended before it could be killed: ${JSON.stringify(job)}`);
      await new Promise((done) => setTimeout(done, 25));
    }
    console.log(`# killed Homeport during the restore step "${killedIn}"`);
    // Killed half-way: nothing serves the half-restored host.
    assert.deepEqual(await synapseProcesses(homeport.dataDir, hostId), []);
    const opened = await openHomeportDatabase(homeport);
    const row = await opened.db.selectFrom('hosts').select('status').where('id', '=', hostId).executeTakeFirstOrThrow();
    await opened.close();
    assert.equal(row.status, 'restoring');
    await homeport.start();
    const job = await homeport.waitForJob(token, started.body.job.id, 600_000);
    assert.equal(job.status, 'succeeded', JSON.stringify(job));
    await homeport.waitForHostStatus(token, hostId, 'running');
    assert.equal((await synapseProcesses(homeport.dataDir, hostId)).length, 1);
    const alice = await eventually(() => loginThroughEdge(homeport, 'acme', 'alice', content.users[0]!.password), 30_000);
    assert.deepEqual(await roomEvents(alice, content.roomId), eventsAtBackup);
    await assertSameContent(homeport, 'acme', content);
    await assert.rejects(downloadMedia(homeport, 'acme', alice, laterMxc), 'the file uploaded after the backup is gone');
  });
});
