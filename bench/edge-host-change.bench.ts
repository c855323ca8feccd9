// Benchmark: what one host change costs at the edge with 10, 100 and 1,000 hosts served by one
// Caddy, in wall time and in admin API requests, against loading the whole configuration (what
// every host change cost before), in one run. The hosts are the edge's files and links only (no
// Synapse behind them): the edge's cost does not depend on what runs behind it. An ordinary
// host (its names, its documents, its creation and cancellation) costs no admin request; a host
// with a route of its own (a moved client domain) is measured too. Prints figures and ratios,
// asserts nothing.
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../src/config.ts';
import { renderCaddyConfig, renderHostRoute, type EdgeHost } from '../src/runtime/local/caddy-config.ts';
import { CaddyEdge } from '../src/runtime/local/caddy-edge.ts';
import { removeEdgeHostFiles, writeEdgeHostFiles } from '../src/runtime/local/edge-host-files.ts';
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

type Kind = 'change' | 'add' | 'remove' | 'contact' | 'own';
interface FleetTimes extends Record<Kind, number> { wholeLoad: number; requests: Record<Kind, number> }

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
    edgeSocket: true,
    wellKnown: { client: { 'm.homeserver': { base_url: `https://${id}.bench.localhost` } }, server: { 'm.server': `${id}.bench.localhost:443` }, support: { contacts: [{ email_address: email }] } },
    protectedUserIds: [`@homeport-admin:${id}.bench.localhost`],
  });
  // A host with a route of its own: an earlier client domain that answers "server moved".
  const movedHost = (round: number): EdgeHost => ({ ...host('moved'), movedNames: [`old${round}.moved.example`] });
  const dirs = edge.baseConfigInput();
  const parts = (edgeHost: EdgeHost) => ({ route: renderHostRoute(edgeHost, dirs.namesDir), baseName: edgeHost.hostname });
  // What the local runtime does for one host: its files and links, then its own route if it has one.
  const apply = async (id: string, edgeHost: EdgeHost | undefined) => {
    if (edgeHost) await writeEdgeHostFiles(dirs, edgeHost);
    else await removeEdgeHostFiles(dirs, id);
    await edge.setHost(id, edgeHost && parts(edgeHost));
  };
  const requests: Record<Kind, number> = { change: 0, add: 0, remove: 0, contact: 0, own: 0 };
  const counted = async (kind: Kind, work: () => Promise<void>) => {
    const before = edge.adminRequests;
    const time = await timed(work);
    requests[kind] = Math.max(requests[kind], edge.adminRequests - before);
    return time;
  };
  try {
    await edge.start();
    const hosts = Array.from({ length: size }, (_, index) => host(`h${index}`));
    // Each whole load moves the host with a route of its own to another old name: Caddy skips a load equal to what it has.
    const whole = (round: number) => renderCaddyConfig({ ...dirs, hosts: [...hosts, movedHost(100 + round)] });
    for (const each of [...hosts, movedHost(99)]) await writeEdgeHostFiles(dirs, each);
    await edge.load(whole(-1));
    // The first load issues every certificate; later loads find them in Caddy's cache.
    const wholeLoads: number[] = [];
    for (let round = 0; round < 5; round++) wholeLoads.push(await timed(() => edge.load(whole(round))));
    const times: Record<Kind, number[]> = { change: [], add: [], remove: [], contact: [], own: [] };
    for (let round = 0; round < changesPerKind; round++) {
      // A client domain added or taken away: links made and removed.
      times.change.push(await counted('change', () => apply('h1', round % 2 === 0 ? { ...host('h1'), customNames: [] } : host('h1'))));
      // A support contact changed: its well-known file only.
      times.contact.push(await counted('contact', () => apply('h2', host('h2', `ops${round}@example.org`))));
      times.add.push(await counted('add', () => apply(`new${round}`, host(`new${round}`))));
      times.remove.push(await counted('remove', () => apply(`new${round}`, undefined)));
      // The host with a route of its own: its route replaced by @id.
      times.own.push(await counted('own', () => apply('moved', movedHost(round))));
    }
    const medians = Object.fromEntries(Object.entries(times).map(([kind, values]) => [kind, median(values)])) as Record<Kind, number>;
    return { ...medians, wholeLoad: median(wholeLoads), requests };
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
  console.log(`edge with ${size} hosts: one host's client domain changed ${times.change.toFixed(1)} ms, added ${times.add.toFixed(1)} ms, removed ${times.remove.toFixed(1)} ms, support contact changed ${times.contact.toFixed(1)} ms, own route changed ${times.own.toFixed(1)} ms; whole configuration loaded ${times.wholeLoad.toFixed(1)} ms (medians)`);
  console.log(`  admin API requests per change (most seen): client domain ${times.requests.change}, add ${times.requests.add}, remove ${times.requests.remove}, support contact ${times.requests.contact}, own route ${times.requests.own}`);
}
upstream.close();
const small = results.get(fleetSizes[0]!) as FleetTimes;
const large = results.get(fleetSizes.at(-1)!) as FleetTimes;
const ratio = (key: Kind | 'wholeLoad') => (large[key] / small[key]).toFixed(2);
console.log(`ratio ${fleetSizes.at(-1)} / ${fleetSizes[0]} hosts: client domain ${ratio('change')}x, add ${ratio('add')}x, remove ${ratio('remove')}x, contact ${ratio('contact')}x, own route ${ratio('own')}x; whole load ${ratio('wholeLoad')}x`);
console.log(`at ${fleetSizes.at(-1)} hosts one add costs ${(large.add / large.wholeLoad).toFixed(2)}x a whole load`);
