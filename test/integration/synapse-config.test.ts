// Config discipline: start a real Synapse on what renderHomeserverConfig produces and use it as Homeport will.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import pg from 'pg';
import { rateLimitsFor } from '../../src/domain/rate-limits.ts';
import { databasePoolFor } from '../../src/domain/sizes.ts';
import { loadConfig } from '../../src/config.ts';
import { Agent, fetch as fetchWith } from 'undici';
import { SynapseAdminClient } from '../../src/synapse/admin-client.ts';
import {
  renderHomeserverConfig,
  renderLogConfig,
  type HomeserverConfigInput,
} from '../../src/synapse/homeserver-config.ts';
import { generateHomeserverSecrets, generatePassword } from '../../src/synapse/host-secrets.ts';
import { registerWithSharedSecret } from '../../src/synapse/shared-secret-registration.ts';
import { parseSigningKey } from '../../src/synapse/signing-key.ts';
import { SynapseApiError, waitForHealth } from '../../src/synapse/synapse-http.ts';
import { synapseVenv } from '../support/environment.ts';
import { freePort, startThrowawayPostgres, type ThrowawayPostgres } from '../support/throwaway-postgres.ts';
import { homeserverPaths } from '../../src/runtime/local/host-folder.ts';

const serverName = 'config-test.homeport.test';
const secrets = generateHomeserverSecrets();
const python = join(synapseVenv, 'bin', 'python');

let postgres: ThrowawayPostgres | undefined;
let workDir: string | undefined;
let synapse: ChildProcess | undefined;
let synapseStderr = '';
let input: HomeserverConfigInput;
let baseUrl: string;
let coldStartMs: number;
let adminToken: string;

async function createHostDatabase(port: number, name: string, password: string): Promise<void> {
  const client = new pg.Client({ host: '127.0.0.1', port, user: 'postgres', database: 'postgres' });
  await client.connect();
  try {
    await client.query(`CREATE ROLE ${name} LOGIN PASSWORD ${client.escapeLiteral(password)}`);
    await client.query(
      `CREATE DATABASE ${name} ENCODING 'UTF8' LC_COLLATE='C' LC_CTYPE='C' TEMPLATE template0 OWNER ${name}`,
    );
  } finally {
    await client.end();
  }
}

async function stopSynapse(): Promise<void> {
  const child = synapse;
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const killTimer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  await exited;
  clearTimeout(killTimer);
}

before(async () => {
  assert.ok(existsSync(python), `no Synapse venv at ${synapseVenv}: set HOMEPORT_SYNAPSE_VENV`);
  postgres = await startThrowawayPostgres();
  workDir = await mkdtemp(join(tmpdir(), 'homeport-synapse-'));
  const database = { host: '127.0.0.1', port: postgres.port, name: 'host_config_test', user: 'host_config_test', password: generatePassword() };
  await createHostDatabase(postgres.port, database.name, database.password);

  const paths = homeserverPaths(join(workDir, 'host'));
  input = {
    serverName,
    publicBaseUrl: `https://${serverName}:8443/`,
    listener: { address: '127.0.0.1', port: await freePort() },
    database,
    paths,
    secrets,
    seats: 10,
    maxUploadSize: '50M',
    rateLimits: rateLimitsFor('starter'),
    databasePool: databasePoolFor('starter'),
    // As a production installation renders it: matrix.org as notary, no proxy, Synapse's blocklists.
    federation: { mode: 'open', allowedServers: [], trustedKeyServers: loadConfig({ HOMEPORT_BASE_DOMAIN: 'example.com' }).federation.trustedKeyServers },
    // The login below must not hit production rate limits when tests repeat.
    overrides: { rc_login: { address: { per_second: 100, burst_count: 100 }, account: { per_second: 100, burst_count: 100 } } },
  };
  await mkdir(paths.hostDir, { recursive: true, mode: 0o700 });
  await writeFile(paths.signingKey, secrets.signingKey, { mode: 0o600 });
  await writeFile(paths.homeserverConfig, renderHomeserverConfig(input), { mode: 0o600 });
  await writeFile(paths.logConfig, renderLogConfig(input));
  baseUrl = `http://127.0.0.1:${input.listener.port}/`;

  const startedAt = performance.now();
  synapse = spawn(python, ['-m', 'synapse.app.homeserver', '-c', paths.homeserverConfig], {
    cwd: paths.hostDir,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  synapse.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    synapseStderr = (synapseStderr + chunk).slice(-20_000);
  });
  const exited = new AbortController();
  synapse.once('exit', (code, signal) => exited.abort(new Error(`Synapse exited (${code ?? signal}) before it was healthy`)));
  try {
    await waitForHealth(baseUrl, 180_000, { signal: exited.signal });
  } catch (error) {
    throw new Error(`${(error as Error).message}\n--- Synapse stderr ---\n${synapseStderr}`, { cause: error });
  }
  coldStartMs = performance.now() - startedAt;
});

after(async () => {
  await stopSynapse();
  await postgres?.stop();
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

test('cold start on an empty database ends with /health answering OK', (t) => {
  const message = `Synapse cold start (spawn → /health 200, empty database): ${(coldStartMs / 1000).toFixed(1)} s`;
  t.diagnostic(message);
  console.log(message);
  // Synapse prints its start banner at WARNING; anything else it warns about is worth seeing here.
  const warnings = synapseStderr.split('\n').filter((line) => / - (WARNING|ERROR|CRITICAL) - /.test(line));
  for (const line of warnings) t.diagnostic(line);
  assert.ok(!warnings.some((line) => / - (ERROR|CRITICAL) - /.test(line)), 'no errors on start');
});

test('publishes the signing key Homeport generated under the configured server name', async () => {
  const key = parseSigningKey(secrets.signingKey);
  const response = await fetch(new URL('/_matrix/key/v2/server', baseUrl));
  assert.equal(response.status, 200);
  const body = (await response.json()) as { server_name: string; verify_keys: Record<string, { key: string }> };
  assert.equal(body.server_name, serverName);
  assert.deepEqual(Object.keys(body.verify_keys), [key.keyId]);
  assert.equal(body.verify_keys[key.keyId]?.key, key.publicKey);
});

test('refuses registration with a wrong shared secret without revealing the password or secret', async () => {
  const password = generatePassword();
  const wrongSecret = generatePassword();
  await assert.rejects(
    registerWithSharedSecret({ baseUrl, sharedSecret: wrongSecret, username: 'intruder', password, admin: true }),
    (error: Error) => {
      assert.ok(error instanceof SynapseApiError);
      assert.equal(error.status, 403);
      assert.ok(!error.message.includes(password) && !error.message.includes(wrongSecret), error.message);
      return true;
    },
  );
});

test('registers Homeport\'s admin user with the shared secret', async () => {
  const admin = await registerWithSharedSecret({
    baseUrl,
    sharedSecret: secrets.registrationSharedSecret,
    username: 'homeport',
    password: generatePassword(),
    admin: true,
    displayname: 'Homeport',
  });
  assert.equal(admin.userId, `@homeport:${serverName}`);
  assert.ok(admin.accessToken && admin.deviceId);
  adminToken = admin.accessToken;
});

test('the admin client sees itself as a server admin', async () => {
  const client = new SynapseAdminClient({ baseUrl, accessToken: adminToken });
  assert.match(await client.serverVersion(), /^\d+\.\d+\.\d+/);
  assert.equal((await client.whoami()).userId, `@homeport:${serverName}`);
  const user = await client.getUser(`@homeport:${serverName}`);
  assert.equal(user?.admin, true);
  assert.equal(user?.displayname, 'Homeport');
  assert.equal(await client.getUser(`@nobody:${serverName}`), null);
});

test('a user created through the admin API can log in with its password', async () => {
  const client = new SynapseAdminClient({ baseUrl, accessToken: adminToken });
  const password = generatePassword();
  const created = await client.upsertUser(`@alice:${serverName}`, { password, displayname: 'Alice' });
  assert.deepEqual([created.userId, created.admin, created.displayname], [`@alice:${serverName}`, false, 'Alice']);

  const response = await fetch(new URL('/_matrix/client/v3/login', baseUrl), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ type: 'm.login.password', identifier: { type: 'm.id.user', user: 'alice' }, password }),
  });
  assert.equal(response.status, 200, await response.clone().text());
  assert.equal(((await response.json()) as { user_id: string }).user_id, `@alice:${serverName}`);
});

test("serves Prometheus metrics only on a Unix socket of mode 0600, Synapse's user's alone", async () => {
  const socket = input.paths.metricsSocket;
  const info = await stat(socket);
  assert.ok(info.isSocket());
  assert.equal(info.mode & 0o777, 0o600);
  const dispatcher = new Agent({ connect: { socketPath: socket } });
  try {
    const response = await fetchWith('http://localhost/_synapse/metrics', { dispatcher });
    assert.equal(response.status, 200);
    assert.match(await response.text(), /^synapse_admin_mau_max(\{[^}]*\})? 10(\.0)?$/m);
  } finally {
    await dispatcher.close();
  }
  // Nothing but the client+federation listener on TCP: the metrics are not on the public one either.
  assert.equal((await fetch(new URL('/_synapse/metrics', baseUrl))).status, 404);
});

test("keeps no more PostgreSQL connections than its size's pool, after serving requests", async () => {
  const pool = databasePoolFor('starter');
  assert.equal(pool.max, 2);
  // The requests of the tests above went through the pool: it has opened what it will keep.
  const client = new pg.Client({ host: '127.0.0.1', port: postgres?.port, user: 'postgres', database: 'postgres' });
  await client.connect();
  try {
    const { rows } = await client.query<{ n: string }>('SELECT count(*) AS n FROM pg_stat_activity WHERE datname = $1', [input.database.name]);
    const connections = Number(rows[0]?.n);
    assert.ok(connections >= pool.min && connections <= pool.max, `${connections} connections, pool ${pool.min}..${pool.max}`);
  } finally {
    await client.end();
  }
});
