import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { createServer as createTcpServer, type AddressInfo, type LookupFunction } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { Agent, fetch } from 'undici';
import { loadConfig } from '../../src/config.ts';
import { renderCaddyConfig, type CaddyConfig, type EdgeHost } from '../../src/runtime/local/caddy-config.ts';
import { removeEdgeHostFiles, writeEdgeHostFiles } from '../../src/runtime/local/edge-host-files.ts';
import { CaddyConfigRejected, CaddyEdge, caddyAdminSocket, caddyRootCertificatePath } from '../../src/runtime/local/caddy-edge.ts';
import { ProcessSupervisor } from '../../src/runtime/local/process-supervisor.ts';
import { caddyAdmin } from '../support/caddy-admin.ts';
import { certificatePermission } from '../support/certificate-permission.ts';

async function freePort(): Promise<number> {
  const server = createTcpServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

// Every name resolves to loopback, the way DNS would send clients to the edge.
const toLoopback: LookupFunction = (_hostname, options, callback) => {
  if (options.all) callback(null, [{ address: '127.0.0.1', family: 4 }]);
  else callback(null, '127.0.0.1', 4);
};

const permission = await certificatePermission('.test.localhost');
const dataDir = await mkdtemp(join(tmpdir(), 'homeport-edge-'));
const config = loadConfig({
  ...permission.env,
  HOMEPORT_DATA_DIR: dataDir,
  HOMEPORT_BASE_DOMAIN: 'test.localhost',
  HOMEPORT_TLS: 'internal',
  HOMEPORT_EDGE_HOST: '127.0.0.1',
  HOMEPORT_EDGE_HTTP_PORT: String(await freePort()),
  HOMEPORT_EDGE_HTTPS_PORT: String(await freePort()),
  HOMEPORT_CADDY: process.env.HOMEPORT_CADDY || 'caddy',
  // An edge of hosts alone: the calls name (rtc.<base domain>) has tests of its own.
  HOMEPORT_CALLS: 'false',
});
const hostname = 'acme.test.localhost';
const base = `https://${hostname}:${config.edgeHttpsPort}`;
const supervisors: ProcessSupervisor[] = [];
let upstream: Server;
let agent: Agent | undefined;
let edge: CaddyEdge;

function newEdge(): CaddyEdge {
  const supervisor = new ProcessSupervisor();
  supervisors.push(supervisor);
  return new CaddyEdge({ config, supervisor });
}

function acmeHost(upstreamPort: number): EdgeHost {
  return {
    id: 'acme',
    hostname,
    homeserverUrl: base,
    upstreamPort,
    wellKnown: {
      client: { 'm.homeserver': { base_url: `${base}/` } },
      server: { 'm.server': `${hostname}:${config.edgeHttpsPort}` },
      // Braces that Caddy would expand if they reached it unescaped.
      support: { contacts: [{ role: 'm.role.admin', email_address: 'ops@acme.test' }], support_page: '{env.HOME}' },
    },
  };
}

function configWith(hosts: EdgeHost[]): CaddyConfig {
  return renderCaddyConfig({ ...edge.baseConfigInput(), hosts });
}

/** Requests through the edge (a path on the host, or a whole URL), trusting only Caddy's internal CA. */
async function request(pathOrUrl: string, init: { method?: string; origin?: string } = {}) {
  agent ??= new Agent({ connect: { ca: await readFile(edge.rootCertificatePath(), 'utf8'), lookup: toLoopback } });
  return fetch(new URL(pathOrUrl, base), {
    method: init.method ?? 'GET',
    headers: init.origin ? { Origin: init.origin } : {},
    dispatcher: agent,
    redirect: 'manual',
  });
}

/** Alive and not a zombie (a stopped child of this test may linger a moment until it is reaped). */
async function isRunning(pid: number): Promise<boolean> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  return stat !== '' && !/\) Z /.test(stat);
}

async function caddyPids(): Promise<number[]> {
  const pid = Number((await readFile(join(dataDir, 'caddy', 'caddy.pid'), 'utf8').catch(() => '')).trim());
  return pid && (await isRunning(pid)) ? [pid] : [];
}

before(async () => {
  upstream = createServer((req, res) => {
    res.setHeader('Content-Type', 'application/json');
    res.end(JSON.stringify({ versions: ['v1.11'], path: req.url, forwardedProto: req.headers['x-forwarded-proto'] }));
  });
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  edge = newEdge();
});

after(async () => {
  await agent?.close();
  await Promise.all(supervisors.map((supervisor) => supervisor.stopAll(5_000)));
  await new Promise((resolve) => upstream.close(resolve));
  await permission.close();
  await rm(dataDir, { recursive: true, force: true });
});

describe('CaddyEdge', () => {
  it("starts Caddy with no hosts and keeps its files in Homeport's data directory", async () => {
    await edge.start();
    assert.equal(edge.rootCertificatePath(), join(dataDir, 'caddy', 'data', 'caddy', 'pki', 'authorities', 'local', 'root.crt'));
    assert.equal(caddyRootCertificatePath(dataDir), edge.rootCertificatePath());
    assert.match(await readFile(edge.rootCertificatePath(), 'utf8'), /BEGIN CERTIFICATE/);
    assert.equal((await caddyPids()).length, 1);
  });

  it("serves its admin API only on a Unix socket in a directory only Homeport's user can enter", async () => {
    const config = JSON.parse((await caddyAdmin(dataDir, '/config/')).text) as { admin: { listen: string } };
    assert.equal(config.admin.listen, `unix/${caddyAdminSocket(dataDir)}`);
    assert.ok((await stat(caddyAdminSocket(dataDir))).isSocket());
    const dir = await stat(join(dataDir, 'caddy', 'admin'));
    assert.equal(dir.mode & 0o777, 0o700);
    assert.equal(dir.uid, process.getuid?.());
    // Caddy's output file holds every admin request: the owner's alone as well.
    assert.equal((await stat(join(dataDir, 'caddy', 'caddy.log'))).mode & 0o777, 0o600);
  });

  it("routes a host: Matrix paths to its upstream over TLS from Caddy's internal CA", async () => {
    // The well-knowns are files in the host's folder, written by the runtime before the edge serves it.
    await writeEdgeHostFiles(edge.baseConfigInput(), acmeHost(0));
    await edge.load(configWith([acmeHost((upstream.address() as AddressInfo).port)]));
    // The certificate is issued in the background right after the load.
    let response: Awaited<ReturnType<typeof request>> | undefined;
    for (let attempt = 0; !response; attempt++) {
      response = await request('/_matrix/client/versions').catch(async (error: unknown) => {
        if (attempt > 50) throw error;
        await sleep(100);
        return undefined;
      });
    }
    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), { versions: ['v1.11'], path: '/_matrix/client/versions', forwardedProto: 'https' });

    const other = await request('/_synapse/metrics');
    assert.equal(other.status, 404);
    await other.body?.cancel();
  });

  it('answers the three Matrix well-knowns as JSON that any web client may read', async () => {
    const expected = acmeHost(0).wellKnown;
    for (const name of ['client', 'server', 'support'] as const) {
      const response = await request(`/.well-known/matrix/${name}`, { origin: 'https://app.element.io' });
      assert.equal(response.status, 200);
      assert.equal(response.headers.get('content-type'), 'application/json');
      assert.equal(response.headers.get('access-control-allow-origin'), '*');
      assert.deepEqual(await response.json(), expected[name]);

      const preflight = await request(`/.well-known/matrix/${name}`, { method: 'OPTIONS', origin: 'https://app.element.io' });
      assert.equal(preflight.status, 204);
      assert.equal(preflight.headers.get('access-control-allow-origin'), '*');
    }
  });

  it('redirects plain HTTP to HTTPS on the edge port', async () => {
    const response = await request(`http://${hostname}:${config.edgeHttpPort}/_matrix/client/versions?x=1`);
    assert.equal(response.status, 308);
    assert.equal(response.headers.get('location'), `${base}/_matrix/client/versions?x=1`);
  });

  it("refuses a configuration Caddy rejects, with Caddy's reason, and keeps serving the last one", async () => {
    const broken = configWith([acmeHost(1)]);
    broken.apps.http.servers.edge?.routes.unshift({ handle: [{ handler: 'no_such_handler' } as never] });
    await assert.rejects(edge.load(broken), (error: Error) =>
      error instanceof CaddyConfigRejected && /no_such_handler/.test(error.message));
    const response = await request('/_matrix/client/versions');
    assert.equal(response.status, 200);
    await response.body?.cancel();
  });

  it('is adopted, not started again, by the next Homeport', async () => {
    const [pid] = await caddyPids();
    supervisors[0]?.releaseAll();
    edge = newEdge();
    await edge.start();
    assert.deepEqual(await caddyPids(), [pid]);
    const response = await request('/_matrix/client/versions');
    assert.equal(response.status, 200, 'an adopted Caddy keeps serving its hosts');
    await response.body?.cancel();
  });

  it('drops the route when reloaded with no hosts', async () => {
    // As the runtime does for a host it no longer serves: its names lead nowhere.
    await removeEdgeHostFiles(edge.baseConfigInput(), 'acme');
    await edge.load(configWith([]));
    const admin = await caddyAdmin(dataDir, '/id/host-acme');
    assert.equal(admin.status, 404);
    // Caddy 2.6.2 has no certificate left for the name, so the handshake fails; a 404 would do too.
    const outcome = await request('/_matrix/client/versions').then(async (response) => {
      await response.body?.cancel();
      return response.status;
    }, () => 'refused');
    assert.ok(outcome === 'refused' || outcome === 404, `got ${outcome}`);
  });

  it('stops Caddy and removes its pid file', async () => {
    const [pid] = await caddyPids();
    await edge.stop();
    assert.ok(pid);
    assert.equal(await isRunning(pid), false);
    assert.equal(existsSync(join(dataDir, 'caddy', 'caddy.pid')), false);
  });
});
