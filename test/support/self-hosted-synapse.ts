// A plain Synapse outside Homeport, the way someone runs it themselves before moving to us: its
// own homeserver.yaml, signing key and media store in a folder, its own database (SQLite or
// PostgreSQL), filled through real clients (matrix-js-sdk) with what an import must keep.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createClient, type MatrixClient } from 'matrix-js-sdk';
import { stringify } from 'yaml';
import { SynapseAdminClient } from '../../src/synapse/admin-client.ts';
import { registerWithSharedSecret } from '../../src/synapse/shared-secret-registration.ts';
import { generateSigningKey } from '../../src/synapse/signing-key.ts';
import { waitForHealth } from '../../src/synapse/synapse-http.ts';
import { synapseVenv } from './environment.ts';
import { randomPng, type HostContent } from './host-content.ts';
import { freePort } from './throwaway-postgres.ts';

export const selfHostedPython = join(synapseVenv, 'bin', 'python');

export interface SelfHostedSynapse {
  dir: string;
  serverName: string;
  /** The users, room, messages, image, key and registration token it holds. */
  content: HostContent;
  /** SIGTERM, then waits until it has exited; safe to repeat. */
  stop(): Promise<void>;
}

/**
 * Starts a Synapse for `serverName` in `dir` with the given `database` section of homeserver.yaml,
 * and fills it: alice and bob with passwords, a room with 60 messages between them, an image and
 * a registration token. `tag` makes its passwords, messages and token its own.
 */
export async function startSelfHostedSynapse(dir: string, serverName: string, database: Record<string, unknown>, tag: string): Promise<SelfHostedSynapse> {
  await mkdir(join(dir, 'media_store'), { recursive: true });
  const port = await freePort();
  const key = generateSigningKey();
  await writeFile(join(dir, `${serverName}.signing.key`), key.fileContents);
  const sharedSecret = 'self-hosted shared secret';
  await writeFile(join(dir, 'homeserver.yaml'), stringify({
    server_name: serverName,
    pid_file: join(dir, 'homeserver.pid'),
    listeners: [{ port, type: 'http', bind_addresses: ['127.0.0.1'], tls: false, resources: [{ names: ['client', 'federation'] }] }],
    database,
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
    // Background updates without Synapse's 1 s pause between them, so a test need not wait a minute for them.
    background_updates: { sleep_enabled: false },
    rc_message: { per_second: 1000, burst_count: 1000 },
    rc_login: { address: { per_second: 1000, burst_count: 1000 }, account: { per_second: 1000, burst_count: 1000 } },
  }, { version: '1.1' }));
  let child: ChildProcess | undefined = spawn(selfHostedPython, ['-m', 'synapse.app.homeserver', '--config-path', join(dir, 'homeserver.yaml')], { cwd: dir, stdio: 'ignore' });
  const stop = async () => {
    const running = child;
    child = undefined;
    if (!running || running.exitCode !== null || running.signalCode !== null) return;
    const exited = new Promise((done) => running.once('exit', done));
    running.kill('SIGTERM');
    await exited;
  };
  try {
    const baseUrl = `http://127.0.0.1:${port}`;
    await waitForHealth(baseUrl, 240_000);
    const content = await fill(baseUrl, serverName, sharedSecret, tag);
    return { dir, serverName, content: { ...content, keyId: key.keyId, publicKey: key.publicKey }, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

async function fill(baseUrl: string, serverName: string, sharedSecret: string, tag: string): Promise<Omit<HostContent, 'keyId' | 'publicKey'>> {
  const admin = await registerWithSharedSecret({ baseUrl, sharedSecret, username: 'admin', password: 'the admin password', admin: true, displayname: 'Admin' });
  const adminClient = new SynapseAdminClient({ baseUrl, accessToken: admin.accessToken });
  const users = ['alice', 'bob'].map((localpart) => ({ localpart, password: `${localpart}'s ${tag} password` }));
  for (const user of users) await adminClient.upsertUser(`@${user.localpart}:${serverName}`, { password: user.password });
  const login = async (user: string, password: string): Promise<MatrixClient> => {
    const response = await createClient({ baseUrl }).loginRequest({ type: 'm.login.password', identifier: { type: 'm.id.user', user }, password });
    return createClient({ baseUrl, accessToken: response.access_token, userId: response.user_id, deviceId: response.device_id });
  };
  const alice = await login('alice', users[0]!.password);
  const bob = await login('bob', users[1]!.password);
  const { room_id: roomId } = await alice.createRoom({ name: `The ${tag} room`, invite: [`@bob:${serverName}`] });
  await bob.joinRoom(roomId);
  const messages: string[] = [];
  for (let index = 0; index < 60; index += 1) {
    const body = `${tag} message ${index}`;
    await (index % 2 ? bob : alice).sendTextMessage(roomId, body);
    messages.push(body);
  }
  const image = randomPng();
  const { content_uri: mxc } = await alice.uploadContent(new Uint8Array(image), { type: 'image/png', name: 'old.png' });
  const registration = await adminClient.createRegistrationToken({ token: `${tag.replace(/[^A-Za-z0-9]+/g, '-')}-token`, usesAllowed: 3, expiryTime: null });
  return { users, roomId, messages, image, mxc, registrationToken: registration.token };
}
