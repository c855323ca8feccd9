// Import from a self-hosted Synapse: a plain Synapse runs outside Homeport with its own config
// and a SQLite database, gets users, a room with messages and an image through real clients,
// stops, and its files (homeserver.yaml, signing key, homeserver.db, a media archive) are
// imported. The same users log in with the same passwords and everything is there.
import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, test } from 'node:test';
import { createClient, type MatrixClient } from 'matrix-js-sdk';
import { stringify } from 'yaml';
import { SynapseAdminClient } from '../../src/synapse/admin-client.ts';
import { registerWithSharedSecret } from '../../src/synapse/shared-secret-registration.ts';
import { generateSigningKey } from '../../src/synapse/signing-key.ts';
import { waitForHealth } from '../../src/synapse/synapse-http.ts';
import { synapseVenv } from '../support/environment.ts';
import { assertSameContent, randomPng, type HostContent } from '../support/host-content.ts';
import { HomeportProcess, type Problem } from '../support/homeport-process.ts';
import { freePort } from '../support/throwaway-postgres.ts';

const run = promisify(execFile);
const python = join(synapseVenv, 'bin', 'python');

async function sqlite(file: string, statement: string): Promise<string> {
  const { stdout } = await run(python, ['-c', 'import sqlite3, sys\ndb = sqlite3.connect(sys.argv[1])\nrows = db.execute(sys.argv[2]).fetchall()\ndb.commit()\nprint(rows[0][0] if rows else "")', file, statement]);
  return stdout.trim();
}

describe('import from a self-hosted Synapse', () => {
  let work: string;
  let synapse: ChildProcess | undefined;
  let homeport: HomeportProcess;
  let operator: string;
  let content: HostContent;
  const serverName = 'old.sh.localhost';

  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'homeport-selfhosted-'));
    const dir = join(work, 'synapse');
    await mkdir(join(dir, 'media_store'), { recursive: true });
    const port = await freePort();
    const key = generateSigningKey();
    await writeFile(join(dir, `${serverName}.signing.key`), key.fileContents);
    const sharedSecret = 'self-hosted shared secret';
    await writeFile(join(dir, 'homeserver.yaml'), stringify({
      server_name: serverName,
      pid_file: join(dir, 'homeserver.pid'),
      listeners: [{ port, type: 'http', bind_addresses: ['127.0.0.1'], tls: false, resources: [{ names: ['client', 'federation'] }] }],
      database: { name: 'sqlite3', args: { database: join(dir, 'homeserver.db') } },
      media_store_path: join(dir, 'media_store'),
      signing_key_path: join(dir, `${serverName}.signing.key`),
      registration_shared_secret: sharedSecret,
      macaroon_secret_key: 'self-hosted macaroon secret',
      form_secret: 'self-hosted form secret',
      password_config: { enabled: true, pepper: 'self-hosted pepper' },
      enable_registration: true,
      registration_requires_token: true,
      report_stats: false,
      trusted_key_servers: [],
      suppress_key_server_warning: true,
      rc_message: { per_second: 1000, burst_count: 1000 },
      rc_login: { address: { per_second: 1000, burst_count: 1000 }, account: { per_second: 1000, burst_count: 1000 } },
    }, { version: '1.1' }));
    synapse = spawn(python, ['-m', 'synapse.app.homeserver', '--config-path', join(dir, 'homeserver.yaml')], { cwd: dir, stdio: 'ignore' });
    const baseUrl = `http://127.0.0.1:${port}`;
    await waitForHealth(baseUrl, 180_000);

    const admin = await registerWithSharedSecret({ baseUrl, sharedSecret, username: 'admin', password: 'the admin password', admin: true, displayname: 'Admin' });
    const adminClient = new SynapseAdminClient({ baseUrl, accessToken: admin.accessToken });
    const users = ['alice', 'bob'].map((localpart) => ({ localpart, password: `${localpart}'s self-hosted password` }));
    for (const user of users) await adminClient.upsertUser(`@${user.localpart}:${serverName}`, { password: user.password });
    const login = async (user: string, password: string): Promise<MatrixClient> => {
      const response = await createClient({ baseUrl }).loginRequest({ type: 'm.login.password', identifier: { type: 'm.id.user', user }, password });
      return createClient({ baseUrl, accessToken: response.access_token, userId: response.user_id, deviceId: response.device_id });
    };
    const alice = await login('alice', users[0]!.password);
    const bob = await login('bob', users[1]!.password);
    const { room_id: roomId } = await alice.createRoom({ name: 'Self-hosted', invite: [`@bob:${serverName}`] });
    await bob.joinRoom(roomId);
    const messages: string[] = [];
    for (let index = 0; index < 60; index += 1) {
      const body = `self-hosted message ${index}`;
      await (index % 2 ? bob : alice).sendTextMessage(roomId, body);
      messages.push(body);
    }
    const image = randomPng();
    const { content_uri: mxc } = await alice.uploadContent(new Uint8Array(image), { type: 'image/png', name: 'old.png' });
    const registration = await adminClient.createRegistrationToken({ token: 'self-hosted-token', usesAllowed: 3, expiryTime: null });
    content = { users, roomId, messages, image, mxc, keyId: key.keyId, publicKey: key.publicKey, registrationToken: registration.token };

    // synapse_port_db refuses a database with background updates still pending.
    const deadline = Date.now() + 120_000;
    while (Number(await sqlite(join(dir, 'homeserver.db'), 'SELECT count(*) FROM background_updates')) > 0 && Date.now() < deadline) {
      await new Promise((done) => setTimeout(done, 500));
    }
    const exited = new Promise((done) => synapse!.once('exit', done));
    synapse.kill('SIGTERM');
    await exited;
    synapse = undefined;

    // What the operator is handed: config, key, SQLite database and a media archive.
    const folder = join(work, 'import');
    await mkdir(folder);
    for (const name of ['homeserver.yaml', `${serverName}.signing.key`, 'homeserver.db']) await cp(join(dir, name), join(folder, name));
    await run('tar', ['-czf', join(folder, 'media_store.tar.gz'), '-C', dir, 'media_store']);
    await writeFile(join(work, 'alice-password'), users[0]!.password);

    homeport = await HomeportProcess.create('sh');
    await homeport.start();
    await homeport.createAccount('owner@example.org');
    const created = await homeport.cli(['account', 'create', '--email', 'ops@example.org', '--name', 'Ops', '--operator', '--with-token']);
    operator = /^token (\S+)$/m.exec(created.stdout)?.[1] ?? '';
    assert.ok(operator, created.stdout + created.stderr);
  });
  after(async () => {
    synapse?.kill('SIGKILL');
    await homeport?.cleanup();
    await rm(work, { recursive: true, force: true });
  });

  test('refuses a database newer than the installed Synapse and a folder without signing key, before any change', async () => {
    const body = { label: 'old', accountEmail: 'owner@example.org', size: 'starter', seats: 10, verifyUser: 'alice', verifyPassword: content.users[0]!.password };
    await cp(join(work, 'import'), join(work, 'newer'), { recursive: true });
    await sqlite(join(work, 'newer', 'homeserver.db'), 'UPDATE schema_version SET version = 9999');
    await sqlite(join(work, 'newer', 'homeserver.db'), 'UPDATE schema_compat_version SET compat_version = 9999');
    const newer = await homeport.api<Problem>('POST', '/api/v1/operator/imports', { token: operator, body: { ...body, from: join(work, 'newer') } });
    assert.equal(newer.status, 409, JSON.stringify(newer.body));
    assert.match(newer.body.detail, /schema 9999/);

    await cp(join(work, 'import'), join(work, 'nokey'), { recursive: true });
    await rm(join(work, 'nokey', `${serverName}.signing.key`));
    const noKey = await homeport.api<Problem>('POST', '/api/v1/operator/imports', { token: operator, body: { ...body, from: join(work, 'nokey') } });
    assert.equal(noKey.status, 422);
    assert.match(noKey.body.detail, /signing key is missing/);
    const hosts = await homeport.api<{ hosts: unknown[] }>('GET', '/api/v1/operator/hosts', { token: operator });
    assert.equal(hosts.body.hosts.length, 0);
  });

  test('imports homeserver.yaml, signing key, SQLite database and media: the same users, messages, image, key and token work', async () => {
    const imported = await homeport.cli([
      'host', 'import', '--from', join(work, 'import'), '--label', 'old', '--account', 'owner@example.org', '--size', 'starter', '--seats', '10',
      '--verify-user', 'alice', '--verify-password-file', join(work, 'alice-password'), '--wait',
    ], operator);
    assert.equal(imported.code, 0, imported.stdout + imported.stderr);
    assert.match(imported.stdout, /ported to PostgreSQL with synapse_port_db/);
    assert.match(imported.stdout, /@alice:old\.sh\.localhost logged in/);
    await assertSameContent(homeport, 'old', content);
  });
});
