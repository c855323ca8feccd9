// A host's whole life against the real components: built by the job, used by a real Matrix
// client through the edge, seats raised, its Synapse killed and restarted, rebuilt, cancelled.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { parse } from 'yaml';
import { readHostMetrics } from '../../src/runtime/local/host-metrics.ts';
import { synapseVersion } from '../../src/runtime/local/synapse-venv.ts';
import { parseSigningKey } from '../../src/synapse/signing-key.ts';
import { caddyAdmin } from '../support/caddy-admin.ts';
import { databaseLeftovers } from '../support/database-leftovers.ts';
import { eventually } from '../support/eventually.ts';
import { hostAdmin, hostSecrets, localHostPorts, openHomeportDatabase } from '../support/host-admin.ts';
import { HomeportProcess } from '../support/homeport-process.ts';
import { loginThroughEdge, messagesOf } from '../support/matrix-user.ts';
import { synapseProcesses } from '../support/processes.ts';
import { stepShownDone } from '../support/job-output.ts';

describe('a host', () => {
  let homeport: HomeportProcess;
  let token: string;
  let hostId: string;
  let roomId: string;

  before(async () => {
    homeport = await HomeportProcess.create('life');
    await homeport.start();
    token = await homeport.createAccount('owner@example.org');
  });
  after(async () => {
    await homeport?.cleanup();
  });

  test('is built by `homeport host create --wait`, which shows every step', async () => {
    const result = await homeport.cli(['host', 'create', 'acme', '--size', 'starter', '--seats', '10', '--wait'], token);
    assert.equal(result.code, 0, result.stderr + result.stdout);
    for (const step of ['allocate', 'database', 'keys and config', 'start Synapse', 'healthy', 'admin access', 'edge routes', 'done']) {
      assert.ok(stepShownDone(result.stdout, 'build', step), `step ${step} is shown as done, in the panel's words`);
    }
    assert.doesNotMatch(result.stdout, /\] (allocate|admin access|edge routes) /, 'no step by its developer name');
    const { body } = await homeport.api<{ hosts: { id: string; label: string; status: string; serverName: string }[] }>('GET', '/api/v1/hosts', { token });
    const acme = body.hosts.find((host) => host.label === 'acme');
    assert.ok(acme);
    assert.equal(acme.status, 'running');
    assert.equal(acme.serverName, `acme.${homeport.baseDomain}`);
    hostId = acme.id;
  });

  test('lets a real Matrix client log in through the edge, create a room and read its message back', async () => {
    const admin = await hostAdmin(homeport, hostId);
    await admin.upsertUser(`@alice:acme.${homeport.baseDomain}`, { password: 'correct horse battery staple', displayname: 'Alice' });
    const alice = await loginThroughEdge(homeport, 'acme', 'alice', 'correct horse battery staple');
    const room = await alice.createRoom({ name: 'Hello' });
    roomId = room.room_id;
    await alice.sendTextMessage(roomId, 'first message through the edge');
    assert.deepEqual(await messagesOf(alice, roomId), ['first message through the edge']);
  });

  test('publishes the well-knowns with CORS and its signing key', async () => {
    const fetchEdge = await homeport.edgeFetch();
    const client = await fetchEdge(homeport.edgeUrl('acme', '/.well-known/matrix/client'));
    assert.equal(client.headers.get('access-control-allow-origin'), '*');
    assert.match(client.headers.get('content-type') ?? '', /application\/json/);
    assert.deepEqual(await client.json(), { 'm.homeserver': { base_url: homeport.edgeUrl('acme') } });
    const server = await fetchEdge(homeport.edgeUrl('acme', '/.well-known/matrix/server'));
    assert.equal(server.headers.get('access-control-allow-origin'), '*');
    assert.deepEqual(await server.json(), { 'm.server': `acme.${homeport.baseDomain}:${homeport.edgePort}` });

    const patched = await homeport.api('PATCH', `/api/v1/hosts/${hostId}`, { token, body: { supportEmail: 'abuse@acme.example' } });
    assert.equal(patched.status, 200);
    const support = await fetchEdge(homeport.edgeUrl('acme', '/.well-known/matrix/support'));
    assert.equal(support.headers.get('access-control-allow-origin'), '*');
    assert.deepEqual(await support.json(), { contacts: [{ email_address: 'abuse@acme.example', role: 'm.role.admin' }] });

    const keys = (await (await fetchEdge(homeport.edgeUrl('acme', '/_matrix/key/v2/server'))).json()) as { server_name: string; verify_keys: Record<string, unknown> };
    const secrets = await hostSecrets(homeport, hostId);
    const signingKey = parseSigningKey(secrets.signingKey ?? '');
    assert.equal(keys.server_name, `acme.${homeport.baseDomain}`);
    assert.deepEqual(Object.keys(keys.verify_keys), [signingKey.keyId]);
  });

  test("never shows the host's admin token or secrets in an API answer, a job log or Homeport's log", async () => {
    const secrets = await hostSecrets(homeport, hostId);
    const { body: jobs } = await homeport.api<{ hosts: unknown[] }>('GET', '/api/v1/hosts', { token });
    const opened = await openHomeportDatabase(homeport);
    const jobRows = await opened.db.selectFrom('jobs').select('id').where('host_id', '=', hostId).execute();
    await opened.close();
    const answers = [JSON.stringify(jobs), JSON.stringify((await homeport.api('GET', `/api/v1/hosts/${hostId}`, { token })).body)];
    for (const job of jobRows) answers.push(JSON.stringify((await homeport.api('GET', `/api/v1/jobs/${job.id}`, { token })).body));
    const metrics = await (await fetch(`${homeport.apiUrl}/metrics`)).text();
    assert.match(metrics, /^homeport_hosts\{status="running"\} 1$/m);
    for (const [name, value] of Object.entries(secrets)) {
      if (name === 'adminUserId' || !value) continue;
      for (const text of [...answers, homeport.output, metrics]) assert.equal(text.includes(value), false, `${name} leaked`);
    }
  });

  test("reports exactly the pinned Synapse version, never the branch or commit of Homeport's checkout", async () => {
    const fetchEdge = await homeport.edgeFetch();
    const client = await fetchEdge(homeport.edgeUrl('acme', '/_matrix/client/versions'));
    await client.body?.cancel();
    // Caddy adds its own name: `Caddy, Synapse/1.163.2`.
    const servers = (client.headers.get('server') ?? '').split(', ');
    assert.deepEqual(servers.filter((name) => name.startsWith('Synapse')), [`Synapse/${synapseVersion}`]);
    const federation = await fetchEdge(homeport.edgeUrl('acme', '/_matrix/federation/v1/version'));
    assert.deepEqual(await federation.json(), { server: { name: 'Synapse', version: synapseVersion } });
    const { body } = await homeport.api<{ synapseVersion: string }>('GET', `/api/v1/hosts/${hostId}`, { token });
    assert.equal(body.synapseVersion, synapseVersion);
  });

  test("keeps its logs, Caddy's admin API and the host's metrics to Homeport's user", async () => {
    const hostDir = join(homeport.dataDir, 'hosts', hostId);
    for (const file of ['postgres.log', 'caddy/caddy.log', `hosts/${hostId}/console.log`, `hosts/${hostId}/homeserver.log`]) {
      assert.equal((await stat(join(homeport.dataDir, file))).mode & 0o777, 0o600, `${file} is owner-only`);
    }
    assert.equal((await stat(join(homeport.dataDir, 'caddy', 'admin'))).mode & 0o777, 0o700);
    const metricsSocket = await stat(join(hostDir, 'metrics.sock'));
    assert.ok(metricsSocket.isSocket());
    assert.equal(metricsSocket.mode & 0o777, 0o600);
  });

  test('refuses to lower seats and applies raised seats to Synapse', async () => {
    const lowered = await homeport.api<{ status: number; detail: string }>('PATCH', `/api/v1/hosts/${hostId}`, { token, body: { seats: 9 } });
    assert.equal(lowered.status, 409);
    assert.equal(lowered.headers.get('content-type'), 'application/problem+json; charset=utf-8');
    assert.match(lowered.body.detail, /never lowered/);

    const raised = await homeport.api<{ host: { seats: number }; job: { id: string } }>('PATCH', `/api/v1/hosts/${hostId}`, { token, body: { seats: 25 } });
    assert.equal(raised.status, 200);
    assert.equal(raised.body.host.seats, 25);
    const job = await homeport.waitForJob(token, raised.body.job.id);
    assert.equal(job.status, 'succeeded', JSON.stringify(job));
    const config = parse(await readFile(join(homeport.dataDir, 'hosts', hostId, 'homeserver.yaml'), 'utf8')) as { max_mau_value: number; limit_usage_by_mau: boolean };
    assert.equal(config.max_mau_value, 25);
    assert.equal(config.limit_usage_by_mau, true);
    const secrets = await hostSecrets(homeport, hostId);
    assert.ok(secrets.adminAccessToken);
    // Synapse itself reports the new limit on its metrics socket.
    const metrics = await readHostMetrics(join(homeport.dataDir, 'hosts', hostId));
    assert.match(metrics, /^synapse_admin_mau_max(\{[^}]*\})? 25(\.0)?$/m);
  });

  test('comes back by itself after its Synapse is killed, passing through degraded', async () => {
    const [pid] = await synapseProcesses(homeport.dataDir, hostId);
    assert.ok(pid, 'a Synapse runs for the host');
    const seen = new Set<string>();
    process.kill(pid, 'SIGKILL');
    const killedAt = Date.now();
    let back = false;
    // Only a bound on how long to wait for a supervisor that never restarts it: how fast is a benchmark's question.
    while (Date.now() - killedAt < 180_000) {
      const { body } = await homeport.api<{ status: string }>('GET', `/api/v1/hosts/${hostId}`, { token });
      seen.add(body.status);
      if (seen.has('degraded') && body.status === 'running') {
        back = true;
        break;
      }
      await new Promise((done) => setTimeout(done, 100));
    }
    assert.ok(seen.has('degraded'), `statuses seen: ${[...seen].join(', ')}`);
    assert.ok(back, `back to running; statuses seen: ${[...seen].join(', ')}`);
    const pids = await synapseProcesses(homeport.dataDir, hostId);
    assert.equal(pids.length, 1);
    assert.notEqual(pids[0], pid);
  });

  test('keeps users, rooms and messages through a rebuild', async () => {
    const rebuild = await homeport.api<{ job: { id: string } }>('POST', `/api/v1/hosts/${hostId}/rebuild`, { token });
    assert.equal(rebuild.status, 202);
    assert.equal((await homeport.waitForJob(token, rebuild.body.job.id)).status, 'succeeded');
    const alice = await loginThroughEdge(homeport, 'acme', 'alice', 'correct horse battery staple');
    assert.deepEqual(await messagesOf(alice, roomId), ['first message through the edge']);
  });

  test('is cancelled only with its label typed, and leaves nothing behind', async () => {
    const wrong = await homeport.api('DELETE', `/api/v1/hosts/${hostId}`, { token, body: { confirm: 'acm' } });
    assert.equal(wrong.status, 422);
    const opened = await openHomeportDatabase(homeport);
    const host = await opened.db.selectFrom('hosts').select(['database_name']).where('id', '=', hostId).executeTakeFirstOrThrow();
    await opened.close();

    const cancel = await homeport.api<{ job: { id: string } }>('DELETE', `/api/v1/hosts/${hostId}`, { token, body: { confirm: 'acme' } });
    assert.equal(cancel.status, 202);
    const cancelled = await homeport.waitForJob(token, cancel.body.job.id);
    assert.equal(cancelled.status, 'succeeded', JSON.stringify(cancelled));
    assert.equal((await homeport.api<{ status: string }>('GET', `/api/v1/hosts/${hostId}`, { token })).body.status, 'cancelled');

    assert.deepEqual(await synapseProcesses(homeport.dataDir, hostId), []);
    assert.equal(existsSync(join(homeport.dataDir, 'hosts', hostId)), false);
    const postgres = await openHomeportDatabase(homeport, 'postgres');
    try {
      // Retired at once (renamed, no login), dropped by the sweep about 30 s later.
      const database = { name: host.database_name, user: host.database_name };
      const retired = await databaseLeftovers(postgres.pool, database);
      assert.ok(retired.every((what) => what.includes(' retired_')), `the host's database or role is still in use: ${retired.join(', ')}`);
      await eventually(async () => assert.deepEqual(await databaseLeftovers(postgres.pool, database), []), 120_000, 1000);
    } finally {
      await postgres.close();
    }
    const edgeConfig = (await caddyAdmin(homeport.dataDir, '/config/')).text;
    assert.equal(edgeConfig.includes(hostId), false, 'no edge route is left');
    const fetchEdge = await homeport.edgeFetch();
    const gone = await fetchEdge(homeport.edgeUrl('acme', '/_matrix/client/versions')).then((response) => response.status, () => 0);
    assert.notEqual(gone, 200);
    const availability = await homeport.api<{ available: boolean }>('GET', '/api/v1/hostnames/acme');
    assert.equal(availability.body.available, true);
    assert.equal(await localHostPorts(homeport, hostId), undefined, "the host's loopback ports are free again");
  });
});
