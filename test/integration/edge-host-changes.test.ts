// An ordinary host's change (create, change, cancel) makes no admin request at all: its names are
// links to its folder, and Synapse answers the edge on a Unix socket there (a stand-in here); a
// Host header cannot lead the edge out of the names folder. A host with a route of its own (here:
// one without edge.sock, reached by its port) reaches Caddy as that route (by @id), in a constant
// number of admin requests, its certificate on demand after asking Homeport (a stand-in answers
// here): every other host's routes stay exactly as Caddy has them, a host Caddy refuses changes
// nothing else, and a Caddy killed with SIGKILL is given every host again when it comes back.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { AddressInfo, LookupFunction } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Agent, fetch } from 'undici';
import { loadConfig } from '../../src/config.ts';
import { renderCaddyConfig, renderHostRoute, type EdgeHost } from '../../src/runtime/local/caddy-config.ts';
import { removeEdgeHostFiles, writeEdgeHostFiles } from '../../src/runtime/local/edge-host-files.ts';
import { CaddyConfigRejected, CaddyEdge, type EdgeHostParts } from '../../src/runtime/local/caddy-edge.ts';
import { ProcessSupervisor } from '../../src/runtime/local/process-supervisor.ts';
import { caddyAdmin } from '../support/caddy-admin.ts';
import { certificatePermission } from '../support/certificate-permission.ts';
import { eventually } from '../support/eventually.ts';
import { freePort } from '../support/throwaway-postgres.ts';

const toLoopback: LookupFunction = (_hostname, options, callback) => {
  if (options.all) callback(null, [{ address: '127.0.0.1', family: 4 }]);
  else callback(null, '127.0.0.1', 4);
};

// Homeport's answer to Caddy's certificate question: yes for the names of this test only.
const permission = await certificatePermission('.changes.localhost');
const { asked } = permission;

const dataDir = await mkdtemp(join(tmpdir(), 'homeport-edge-changes-'));
const config = loadConfig({
  ...permission.env,
  HOMEPORT_DATA_DIR: dataDir,
  HOMEPORT_BASE_DOMAIN: 'changes.localhost',
  HOMEPORT_TLS: 'internal',
  HOMEPORT_EDGE_HOST: '127.0.0.1',
  HOMEPORT_EDGE_HTTP_PORT: String(await freePort()),
  HOMEPORT_EDGE_HTTPS_PORT: String(await freePort()),
  HOMEPORT_CADDY: process.env.HOMEPORT_CADDY || 'caddy',
  // An edge of hosts alone: the calls name (rtc.<base domain>) has tests of its own.
  HOMEPORT_CALLS: 'false',
});
const supervisor = new ProcessSupervisor();
const edge = new CaddyEdge({ config, supervisor });
let upstream: Server;
let agent: Agent | undefined;

function edgeHost(id: string, supportEmail = `ops@${id}.example`): EdgeHost {
  const hostname = `${id}.changes.localhost`;
  return {
    id,
    hostname,
    homeserverUrl: `https://${hostname}`,
    upstreamPort: (upstream.address() as AddressInfo).port,
    wellKnown: { client: {}, server: { 'm.server': `${hostname}:443` }, support: { contacts: [{ email_address: supportEmail }] } },
  };
}

function parts(host: EdgeHost): EdgeHostParts {
  return { route: renderHostRoute(host, edge.baseConfigInput().namesDir), baseName: host.hostname };
}

/** What the local runtime does for one host: its files and the links of its names, then its route; answers the admin requests it took. */
async function apply(id: string, host: EdgeHost | undefined): Promise<number> {
  const before = edge.adminRequests;
  if (host) await writeEdgeHostFiles(edge.baseConfigInput(), host);
  else await removeEdgeHostFiles(edge.baseConfigInput(), id);
  await edge.setHost(id, host && parts(host));
  return edge.adminRequests - before;
}

async function edgeAgent(): Promise<Agent> {
  agent ??= new Agent({ connect: { ca: await readFile(edge.rootCertificatePath(), 'utf8'), lookup: toLoopback } });
  return agent;
}

/** The support contact the edge answers for a host (by its id, or a whole name), or the failure (no certificate, 404). */
async function supportContact(idOrName: string): Promise<string> {
  const name = idOrName.includes('.') ? idOrName : `${idOrName}.changes.localhost`;
  try {
    const response = await fetch(`https://${name}:${config.edgeHttpsPort}/.well-known/matrix/support`, { dispatcher: await edgeAgent() });
    const text = await response.text();
    if (response.status !== 200) return `HTTP ${response.status}`;
    return text.startsWith('{') ? (JSON.parse(text) as { contacts: [{ email_address: string }] }).contacts[0].email_address : text;
  } catch {
    return 'unreachable';
  }
}

/** Waits for the certificate Caddy obtains in the background after a host is added. */
async function servedContact(id: string): Promise<string> {
  await edgeAgent();
  return eventually(async () => {
    const contact = await supportContact(id);
    assert.notEqual(contact, 'unreachable');
    return contact;
  }, 30_000, 100);
}

/** A marker route put into Caddy behind Homeport's back: rewriting the host's route would erase it. */
const markerRoute = (id: string) => ({
  '@id': `host-${id}`,
  match: [{ host: [`${id}.changes.localhost`] }],
  handle: [{ handler: 'static_response', status_code: 200, body: `marker of ${id}` }],
  terminal: true,
});

before(async () => {
  upstream = createServer((_request, response) => response.end('upstream'));
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  await edge.start();
  for (const host of [edgeHost('alpha'), edgeHost('beta')]) await writeEdgeHostFiles(edge.baseConfigInput(), host);
  await edge.load(renderCaddyConfig({ ...edge.baseConfigInput(), hosts: [edgeHost('alpha'), edgeHost('beta')] }));
});

after(async () => {
  await agent?.close();
  await supervisor.stopAll(5_000);
  await new Promise((resolve) => upstream.close(resolve));
  await permission.close();
  await rm(dataDir, { recursive: true, force: true });
});

/** A stand-in for a host's Synapse on its edge socket, in its folder. */
async function socketUpstream(id: string): Promise<Server> {
  const folder = join(edge.baseConfigInput().hostsDir, id);
  await mkdir(folder, { recursive: true, mode: 0o700 });
  const server = createServer((request, response) => response.end(`synapse of ${id} at ${request.url} for ${request.headers['x-forwarded-for'] ? 'a client' : 'nobody'}`));
  await new Promise<void>((resolve) => server.listen(join(folder, 'edge.sock'), resolve));
  return server;
}

/** A request to the edge over TLS naming `servername`, with any Host header at all (fetch would refuse some). */
async function rawRequest(servername: string, host: string, path: string): Promise<{ status: number; body: string }> {
  const ca = await readFile(edge.rootCertificatePath(), 'utf8');
  return new Promise((resolve, reject) => {
    const request = httpsRequest({ host: '127.0.0.1', port: config.edgeHttpsPort, servername, ca, path, headers: { Host: host } }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
    });
    request.on('error', reject);
    request.end();
  });
}

/** A request on a kept-alive connection: whether it reused the connection, and whether the edge said it closes it. */
async function keptAliveRequest(keepAlive: HttpsAgent, name: string, path: string): Promise<{ status: number; reused: boolean; closes: boolean }> {
  const ca = await readFile(edge.rootCertificatePath(), 'utf8');
  return new Promise((resolve, reject) => {
    const request = httpsRequest({ host: '127.0.0.1', port: config.edgeHttpsPort, servername: name, ca, path, headers: { Host: name }, agent: keepAlive }, (response) => {
      response.resume();
      response.on('end', () => resolve({ status: response.statusCode ?? 0, reused: request.reusedSocket, closes: response.headers.connection === 'close' }));
    });
    request.on('error', reject);
    request.end();
  });
}

describe('changes of one host at the edge', () => {
  it('creates, changes and cancels an ordinary host without a single admin request, served through its links', async () => {
    const zeta = await socketUpstream('zeta');
    try {
      const host = { ...edgeHost('zeta'), edgeSocket: true };
      const versions = () => fetch(`https://zeta.changes.localhost:${config.edgeHttpsPort}/_matrix/client/versions`, { dispatcher: agent }).then(async (response) => ({ status: response.status, text: await response.text() }));
      assert.equal(await apply('zeta', host), 0, 'created: no admin request');
      assert.equal(await servedContact('zeta'), 'ops@zeta.example');
      assert.deepEqual(await versions(), { status: 200, text: 'synapse of zeta at /_matrix/client/versions for a client' });
      assert.ok(asked.includes('zeta.changes.localhost'), 'its certificate came on demand, after asking Homeport');

      assert.equal(await apply('zeta', { ...host, wellKnown: { ...host.wellKnown, support: { contacts: [{ email_address: 'new@zeta.example' }] } } }), 0, 'a document changed');
      assert.equal(await supportContact('zeta'), 'new@zeta.example');
      // A client domain added, then taken away again: links made and removed.
      const withDomain = { ...host, customNames: ['chat-zeta.changes.localhost'] };
      assert.equal(await apply('zeta', withDomain), 0, 'a name added');
      assert.equal(await servedContact('chat-zeta.changes.localhost'), 'ops@zeta.example');
      assert.equal(await apply('zeta', host), 0, 'a name taken away');
      assert.equal(await supportContact('chat-zeta.changes.localhost'), 'HTTP 404');

      // A peer's connection kept from before the cancel is closed at its next request: it must
      // connect again to find where the name lives now (another installation, after a move).
      const keepAlive = new HttpsAgent({ keepAlive: true, maxSockets: 1 });
      try {
        assert.deepEqual(await keptAliveRequest(keepAlive, 'zeta.changes.localhost', '/_matrix/key/v2/server'), { status: 200, reused: false, closes: false });
        assert.equal(await apply('zeta', undefined), 0, 'cancelled: no admin request');
        assert.deepEqual(await keptAliveRequest(keepAlive, 'zeta.changes.localhost', '/_matrix/key/v2/server'), { status: 404, reused: true, closes: true });
      } finally {
        keepAlive.destroy();
      }
      assert.equal(await supportContact('zeta'), 'HTTP 404');
      assert.equal((await versions()).status, 404);
      const routes = JSON.parse((await caddyAdmin(dataDir, '/config/apps/http/servers/edge/routes')).text) as { '@id'?: string }[];
      assert.ok(!routes.some((route) => route['@id'] === 'host-zeta'), 'never a route of its own');
    } finally {
      zeta.close();
    }
  });

  it('leads no Host header out of the names folder', async () => {
    // What a request would be served if `..` were followed from the names folder: `<data>/edge/edge/...`.
    const outside = join(dataDir, 'edge', 'edge');
    await mkdir(join(outside, '.well-known', 'matrix'), { recursive: true });
    await writeFile(join(outside, 'no-web-client.html'), 'escaped');
    await writeFile(join(outside, '.well-known', 'matrix', 'support'), 'escaped');
    await writeFile(join(dataDir, 'edge', 'names', 'no-web-client.html'), 'escaped');
    for (const host of ['..', '.', '../names/alpha.changes.localhost', 'alpha.changes.localhost/..', '..%2f..', 'ALPHA.changes.localhost/../..', '%2e%2e']) {
      for (const path of ['/.well-known/matrix/support', '/_matrix/client/versions', '/', '/config.json']) {
        const answer = await rawRequest('alpha.changes.localhost', host, path);
        assert.ok(answer.status === 404 || answer.status === 400, `${host} ${path}: HTTP ${answer.status} ${answer.body}`);
        assert.ok(!answer.body.includes('escaped') && !answer.body.includes('ops@'), `${host} ${path}: ${answer.body}`);
      }
    }
    // The same connection with the host's own name is served.
    assert.equal((await rawRequest('alpha.changes.localhost', 'alpha.changes.localhost', '/.well-known/matrix/support')).status, 200);
  });

  it("changes, adds and removes one host while another host's route stays exactly as Caddy has it", async () => {
    assert.equal(await servedContact('beta'), 'ops@beta.example');
    const config = JSON.parse((await caddyAdmin(dataDir, '/config/')).text) as { apps: { tls: { automation: { policies: { subjects?: string[] }[] } } } };
    assert.ok(config.apps.tls.automation.policies.every((policy) => policy.subjects === undefined), 'no list of names that grows with the hosts');
    const patched = await caddyAdmin(dataDir, '/id/host-alpha', { method: 'PATCH', body: markerRoute('alpha') });
    assert.equal(patched.status, 200, patched.text);
    assert.equal(await servedContact('alpha'), 'marker of alpha');

    // A support contact is a file in the host's folder: one read of its route, no change to Caddy.
    assert.equal(await apply('beta', edgeHost('beta', 'new@beta.example')), 1);
    assert.equal(await servedContact('beta'), 'new@beta.example');
    // Its route changes (another port): read and replaced by @id.
    assert.equal(await apply('beta', { ...edgeHost('beta', 'new@beta.example'), upstreamPort: 1 }), 2);
    // A new host: a look for its route, the route inserted; its certificate is obtained on demand right away.
    assert.equal(await apply('gamma', edgeHost('gamma')), 2);
    await eventually(async () => assert.ok(asked.includes('gamma.changes.localhost'), 'Homeport was asked about the new name'), 30_000, 100);
    assert.equal(await servedContact('gamma'), 'ops@gamma.example');
    assert.ok(!asked.some((name) => !name.endsWith('.changes.localhost')), 'only names of hosts were asked about');
    assert.equal(await apply('beta', undefined), 1);
    assert.equal((await caddyAdmin(dataDir, '/id/host-beta')).status, 404);
    assert.notEqual(await supportContact('beta'), 'new@beta.example');

    assert.equal(await supportContact('alpha'), 'marker of alpha', "alpha's route was never rewritten");
    const routes = JSON.parse((await caddyAdmin(dataDir, '/config/apps/http/servers/edge/routes')).text) as { '@id'?: string }[];
    const ids = routes.map((route) => route['@id']);
    assert.deepEqual(ids.slice(0, 3), ['host-defaults', 'host-gamma', 'host-alpha'], 'host routes come between the defaults and the shared routes');
    assert.ok(ids.slice(3).every((id) => id === undefined), 'the shared routes are the same for every host');
  });

  it('refuses a host Caddy rejects without changing any other host', async () => {
    await writeEdgeHostFiles(edge.baseConfigInput(), edgeHost('delta'));
    const broken = parts(edgeHost('delta'));
    assert.ok(broken.route, 'a host without edge.sock has a route of its own');
    broken.route.handle = [{ handler: 'no_such_handler' } as never];
    await assert.rejects(edge.setHost('delta', broken), (error: Error) => error instanceof CaddyConfigRejected && /no_such_handler/.test(error.message));
    assert.equal((await caddyAdmin(dataDir, '/id/host-delta')).status, 404);
    assert.equal(await supportContact('gamma'), 'ops@gamma.example');
    assert.equal(await supportContact('alpha'), 'marker of alpha');
  });

  it('gives a Caddy killed with SIGKILL every host again once it is back', async () => {
    let restored = 0;
    edge.whenRestarted(async () => {
      restored++;
      await edge.load(renderCaddyConfig({ ...edge.baseConfigInput(), hosts: [edgeHost('alpha'), edgeHost('gamma')] }));
    });
    const pidFile = join(dataDir, 'caddy', 'caddy.pid');
    const dead = Number((await readFile(pidFile, 'utf8')).trim());
    process.kill(dead, 'SIGKILL');
    // Gamma was added one host at a time, after the last whole load Caddy restarts from.
    await eventually(async () => assert.equal(await supportContact('gamma'), 'ops@gamma.example'), 60_000);
    assert.equal(await servedContact('alpha'), 'ops@alpha.example', 'the whole configuration replaced what Caddy had');
    assert.notEqual(Number((await readFile(pidFile, 'utf8')).trim()), dead);
    assert.equal(restored, 1);
  });

  it('finds a Caddy out of step (loaded behind its back without the shared routes) and gives it the whole configuration', async () => {
    let restored = 0;
    edge.whenRestarted(async () => {
      restored++;
      await edge.load(renderCaddyConfig({ ...edge.baseConfigInput(), hosts: [edgeHost('alpha'), edgeHost('gamma'), edgeHost('epsilon')] }));
    });
    const current = JSON.parse((await caddyAdmin(dataDir, '/config/')).text) as { apps: { http: { servers: { edge: { routes: unknown[] } } } } };
    current.apps.http.servers.edge.routes = [];
    const loaded = await caddyAdmin(dataDir, '/load', { method: 'POST', body: current });
    assert.equal(loaded.status, 200, loaded.text);
    // Caddy switches servers gracefully: a request on a connection the old server kept may still be answered by it for a moment.
    await eventually(async () => assert.notEqual(await supportContact('alpha'), 'ops@alpha.example', 'nothing of the hosts served'), 10_000);

    await apply('epsilon', edgeHost('epsilon'));
    assert.equal(restored, 1);
    assert.equal(await servedContact('epsilon'), 'ops@epsilon.example');
    assert.equal(await servedContact('alpha'), 'ops@alpha.example');
  });
});
