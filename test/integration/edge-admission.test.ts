// A real Caddy refuses a configuration in which a host's route names one name twice (Homeport keeps
// names unique per host and across hosts before Caddy sees them; this is what is left when it did
// not); the edge then finds the host it refuses by halving the set, serves the others, and answers
// which host it left out.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo, LookupFunction } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Agent, fetch } from 'undici';
import { loadConfig } from '../../src/config.ts';
import { renderCaddyConfig, type EdgeHost } from '../../src/runtime/local/caddy-config.ts';
import { sweepEdgeNames, writeEdgeHostFiles } from '../../src/runtime/local/edge-host-files.ts';
import { CaddyEdge } from '../../src/runtime/local/caddy-edge.ts';
import { loadAdmitting } from '../../src/runtime/local/edge-admission.ts';
import { ProcessSupervisor } from '../../src/runtime/local/process-supervisor.ts';
import { certificatePermission, type CertificatePermission } from '../support/certificate-permission.ts';
import { eventually } from '../support/eventually.ts';
import { freePort } from '../support/throwaway-postgres.ts';

const toLoopback: LookupFunction = (_hostname, options, callback) => {
  if (options.all) callback(null, [{ address: '127.0.0.1', family: 4 }]);
  else callback(null, '127.0.0.1', 4);
};

describe('the edge leaves out a host Caddy refuses', () => {
  let dataDir: string;
  let edge: CaddyEdge;
  let supervisor: ProcessSupervisor;
  let upstream: Server;
  let agent: Agent | undefined;
  let httpsPort: number;
  let permission: CertificatePermission;

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'homeport-admission-'));
    httpsPort = await freePort();
    permission = await certificatePermission('.localhost');
    const config = loadConfig({
      ...permission.env,
      HOMEPORT_DATA_DIR: dataDir,
      HOMEPORT_BASE_DOMAIN: 'admit.localhost',
      HOMEPORT_TLS: 'internal',
      HOMEPORT_EDGE_HOST: '127.0.0.1',
      HOMEPORT_EDGE_HTTP_PORT: String(await freePort()),
      HOMEPORT_EDGE_HTTPS_PORT: String(httpsPort),
      HOMEPORT_CADDY: process.env.HOMEPORT_CADDY || 'caddy',
      // An edge of hosts alone: the calls name (rtc.<base domain>) has tests of its own.
      HOMEPORT_CALLS: 'false',
    });
    upstream = createServer((request, response) => response.end(JSON.stringify({ path: request.url })));
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    supervisor = new ProcessSupervisor();
    edge = new CaddyEdge({ config, supervisor });
    await edge.start();
  });
  after(async () => {
    await agent?.close();
    await supervisor?.stopAll(5_000);
    await new Promise((resolve) => upstream?.close(resolve));
    await permission?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  function host(id: string, customNames: string[]): EdgeHost {
    const hostname = `${id}.admit.localhost`;
    return {
      id, hostname, customNames, homeserverUrl: `https://${hostname}`, upstreamPort: (upstream.address() as AddressInfo).port,
      wellKnown: { client: {}, server: { 'm.server': `${hostname}:${httpsPort}` }, support: {} },
    };
  }

  test('a host Caddy refuses (one name twice in its route) is left out and reported, the others are served', async () => {
    const hosts = [host('first', []), host('owner', ['shared.example']), host('intruder', ['twice.example', 'twice.example']), host('last', [])];
    // As the local runtime does: every host's files and name links first, the refused hosts' links swept after.
    for (const each of hosts) await writeEdgeHostFiles(edge.baseConfigInput(), each);
    const refused = await loadAdmitting(hosts, (admitted) => edge.load(renderCaddyConfig({ ...edge.baseConfigInput(), hosts: admitted })));
    await sweepEdgeNames(edge.baseConfigInput(), hosts.filter((each) => !refused.some((refusal) => refusal.id === each.id)));
    assert.deepEqual(refused.map((refusal) => refusal.id), ['intruder']);
    assert.match(refused[0]?.reason ?? '', /twice\.example/);

    agent = new Agent({ connect: { ca: await readFile(edge.rootCertificatePath(), 'utf8'), lookup: toLoopback } });
    const dispatcher = agent;
    for (const id of ['first', 'owner', 'last']) {
      // Certificates are issued on demand at the first handshake.
      const answer = await eventually(async () => {
        const response = await fetch(`https://${id}.admit.localhost:${httpsPort}/_matrix/client/versions`, { dispatcher });
        return { status: response.status, body: await response.json() };
      }, 30_000, 200);
      assert.deepEqual(answer, { status: 200, body: { path: '/_matrix/client/versions' } });
    }
    // Left out: no route (a certificate on demand may still be given: the stand-in says yes to every .localhost name).
    const intruder = await fetch(`https://intruder.admit.localhost:${httpsPort}/_matrix/client/versions`, { dispatcher })
      .then(async (response) => ({ status: response.status, body: await response.text() }), () => 'refused');
    assert.ok(typeof intruder === 'string' || intruder.status === 404, `intruder answered ${JSON.stringify(intruder)}`);
  });
});
