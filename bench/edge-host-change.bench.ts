// Benchmark: what one host change costs at the edge with 10, 100 and 1,000 hosts routed by one
// Caddy, in wall time and in admin API requests, against loading the whole configuration (what
// every host change cost before), in one run. The hosts are edge routes only (one loopback upstream stands in for their Synapses): the
// edge's cost does not depend on what runs behind it. Prints figures and ratios, asserts nothing.
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../src/config.ts';
import { renderCaddyConfig, renderHostRoute, type EdgeHost } from '../src/runtime/local/caddy-config.ts';
import { CaddyEdge } from '../src/runtime/local/caddy-edge.ts';
import { writeEdgeHostFiles } from '../src/runtime/local/edge-host-files.ts';
import { ProcessSupervisor } from '../src/runtime/local/process-supervisor.ts';
import { freePort } from '../test/support/throwaway-postgres.ts';

const fleetSizes = [10, 100, 1_000];
const changesPerKind = 15;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
}

async function timed(work: () => Promise<void>): Promise<number> {
  const started = performance.now();
  await work();
  return performance.now() - started;
}

interface FleetTimes { wholeLoad: number; change: number; add: number; remove: number; contact: number; requests: { change: number; add: number; remove: number; contact: number } }

async function measureFleet(size: number, upstreamPort: number): Promise<FleetTimes> {
  const dataDir = await mkdtemp(join(tmpdir(), 'homeport-edge-bench-'));
  // The upstream answers Caddy's certificate question too (200: yes), as Homeport's API does.
  const config = loadConfig({
    HOMEPORT_API_HOST: '127.0.0.1', HOMEPORT_API_PORT: String(upstreamPort),
    HOMEPORT_DATA_DIR: dataDir, HOMEPORT_BASE_DOMAIN: 'bench.localhost', HOMEPORT_TLS: 'internal', HOMEPORT_EDGE_HOST: '127.0.0.1',
    HOMEPORT_EDGE_HTTP_PORT: String(await freePort()), HOMEPORT_EDGE_HTTPS_PORT: String(await freePort()), HOMEPORT_CADDY: process.env.HOMEPORT_CADDY || 'caddy',
  });
  const supervisor = new ProcessSupervisor();
  const edge = new CaddyEdge({ config, supervisor });
  const host = (id: string, email = 'ops@example.org'): EdgeHost => ({
    id,
    hostname: `${id}.bench.localhost`,
    homeserverUrl: `https://${id}.bench.localhost`,
    customNames: [`chat.${id}.example`],
    upstreamPort,
    wellKnown: { client: { 'm.homeserver': { base_url: `https://${id}.bench.localhost` } }, server: { 'm.server': `${id}.bench.localhost:443` }, support: { contacts: [{ email_address: email }] } },
    protectedUserIds: [`@homeport-admin:${id}.bench.localhost`],
  });
  const parts = (edgeHost: EdgeHost) => ({ route: renderHostRoute(edgeHost), baseName: edgeHost.hostname });
  const { hostsDir } = edge.baseConfigInput();
  // What the local runtime does for one host: its files, then its route.
  const apply = async (id: string, edgeHost: EdgeHost | undefined) => {
    if (edgeHost) await writeEdgeHostFiles(hostsDir, edgeHost);
    await edge.setHost(id, edgeHost && parts(edgeHost));
  };
  const requests = { change: 0, add: 0, remove: 0, contact: 0 };
  const counted = async (kind: keyof typeof requests, work: () => Promise<void>) => {
    const before = edge.adminRequests;
    const time = await timed(work);
    requests[kind] = Math.max(requests[kind], edge.adminRequests - before);
    return time;
  };
  try {
    await edge.start();
    const hosts = Array.from({ length: size }, (_, index) => host(`h${index}`));
    // Each whole load moves one host to another port, as every host change did before: Caddy skips a load equal to what it has.
    const whole = (round: number) => renderCaddyConfig({
      ...edge.baseConfigInput(), hosts: hosts.map((each, index) => (index === 0 ? { ...each, upstreamPort: upstreamPort + 10 + round } : each)),
    });
    for (const each of hosts) await writeEdgeHostFiles(hostsDir, each);
    await edge.load(whole(-1));
    // The first load issues every certificate; later loads find them in Caddy's cache.
    const wholeLoads: number[] = [];
    for (let round = 0; round < 5; round++) wholeLoads.push(await timed(() => edge.load(whole(round))));
    const changes: number[] = [];
    const adds: number[] = [];
    const removes: number[] = [];
    const contacts: number[] = [];
    for (let round = 0; round < changesPerKind; round++) {
      // A route change: the host moved to another port (a rebuild into another process).
      changes.push(await counted('change', () => apply('h1', { ...host('h1'), upstreamPort: upstreamPort + 1 + (round % 2) })));
      // A support contact changed: its well-known file only.
      contacts.push(await counted('contact', () => apply('h2', host('h2', `ops${round}@example.org`))));
      adds.push(await counted('add', () => apply(`new${round}`, host(`new${round}`))));
      removes.push(await counted('remove', () => apply(`new${round}`, undefined)));
    }
    return { wholeLoad: median(wholeLoads), change: median(changes), add: median(adds), remove: median(removes), contact: median(contacts), requests };
  } finally {
    await supervisor.stopAll(10_000);
    await rm(dataDir, { recursive: true, force: true });
  }
}

const upstream = createServer((_request, response) => response.end('upstream'));
await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
const results = new Map<number, FleetTimes>();
for (const size of fleetSizes) {
  const times = await measureFleet(size, (upstream.address() as AddressInfo).port);
  results.set(size, times);
  console.log(`edge with ${size} hosts: one host's route changed ${times.change.toFixed(1)} ms, added ${times.add.toFixed(1)} ms, removed ${times.remove.toFixed(1)} ms, support contact changed ${times.contact.toFixed(1)} ms; whole configuration loaded ${times.wholeLoad.toFixed(1)} ms (medians)`);
  console.log(`  admin API requests per change (most seen): route change ${times.requests.change}, add ${times.requests.add}, remove ${times.requests.remove}, support contact ${times.requests.contact}`);
}
upstream.close();
const small = results.get(fleetSizes[0]!) as FleetTimes;
const large = results.get(fleetSizes.at(-1)!) as FleetTimes;
type Timed = 'wholeLoad' | 'change' | 'add' | 'remove' | 'contact';
const ratio = (key: Timed) => (large[key] / small[key]).toFixed(2);
console.log(`ratio ${fleetSizes.at(-1)} / ${fleetSizes[0]} hosts: change ${ratio('change')}x, add ${ratio('add')}x, remove ${ratio('remove')}x, contact ${ratio('contact')}x; whole load ${ratio('wholeLoad')}x`);
console.log(`at ${fleetSizes.at(-1)} hosts one change costs ${(large.change / large.wholeLoad).toFixed(2)}x a whole load`);
