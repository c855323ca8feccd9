// A host moves between a shared Synapse process and a process of its own when its size's setting
// changes (at its next start: here the restart of Homeport with the new sizes file), keeping every
// message, media file, user and its signing key; its neighbour in the shared process is not
// restarted. Before shared processes the host never left its own process: the first check fails.
import assert from 'node:assert/strict';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { eventually } from '../support/eventually.ts';
import { HomeportProcess } from '../support/homeport-process.ts';
import { assertSameContent, fillHost, type HostContent } from '../support/host-content.ts';

const sizesFile = (shared: boolean) => `
sizes:
  - { name: small, title: Small, pricePerSeatMinor: 300, minSeats: 1, maxSeats: 50, maxUploadSize: 50M, process: { shared: ${shared}, hostsPerProcess: 25 } }
  - { name: steady, title: Steady, pricePerSeatMinor: 300, minSeats: 1, maxSeats: 50, maxUploadSize: 50M, process: { shared: true, hostsPerProcess: 25 } }
`;

/** Pids of this Homeport's shared processes (by their directory) and of the host's own Synapse. */
async function processesOf(homeport: HomeportProcess, hostId: string): Promise<{ shared: Record<string, number>; own: number[] }> {
  const found = { shared: {} as Record<string, number>, own: [] as number[] };
  const sharedRoot = join(homeport.dataDir, 'shared-synapse');
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const cmdline = (await readFile(join('/proc', entry, 'cmdline'), 'utf8').catch(() => '')).split('\0');
    const processDir = cmdline.find((arg) => arg.startsWith(`${sharedRoot}/`));
    if (cmdline.some((arg) => arg.endsWith('synapse-tenants.py')) && processDir) found.shared[basename(processDir)] = Number(entry);
    if (cmdline.includes('synapse.app.homeserver') && cmdline.includes(join(homeport.dataDir, 'hosts', hostId, 'homeserver.yaml'))) found.own.push(Number(entry));
  }
  return found;
}

describe('moving a host between a shared process and its own', () => {
  let homeport: HomeportProcess;
  let token: string;
  let content: HostContent;
  const ids: Record<string, string> = {};

  async function restartWithSizes(shared: boolean): Promise<void> {
    await homeport.stop();
    await writeFile(String(homeport.env.HOMEPORT_SIZES_FILE), sizesFile(shared));
    await homeport.start();
    await Promise.all(Object.values(ids).map((id) => homeport.waitForHostStatus(token, id, 'running')));
  }

  before(async () => {
    // Hosts keep running across the restarts: the new Homeport adopts them and moves only the one whose size changed.
    homeport = await HomeportProcess.create('moves', { HOMEPORT_STOP_HOSTS_ON_EXIT: 'false' });
    homeport.env.HOMEPORT_SIZES_FILE = join(homeport.dataDir, 'sizes.yaml');
    await writeFile(homeport.env.HOMEPORT_SIZES_FILE, sizesFile(true));
    await homeport.start();
    token = await homeport.createAccount('moves@example.org');
    const created = await Promise.all([['mover', 'small'], ['neighbour', 'steady']].map(([label, size]) =>
      homeport.api<{ host: { id: string } }>('POST', '/api/v1/hosts', { token, body: { label, size, seats: 20 } })));
    ids.mover = created[0]?.body.host.id ?? '';
    ids.neighbour = created[1]?.body.host.id ?? '';
    await Promise.all(Object.values(ids).map((id) => homeport.waitForHostStatus(token, id, 'running')));
    content = await fillHost(homeport, token, 'mover', ids.mover ?? '', 40);
  });
  after(async () => {
    await homeport?.cleanup();
  });

  test('a shared host moves to a process of its own and back, losing nothing, its neighbour untouched', async () => {
    const before = await processesOf(homeport, ids.mover ?? '');
    assert.deepEqual(Object.keys(before.shared).sort(), ['small-1', 'steady-1'], 'each shared size has its process');
    assert.deepEqual(before.own, []);

    await restartWithSizes(false);
    const alone = await eventually(async () => {
      const found = await processesOf(homeport, ids.mover ?? '');
      assert.equal(found.own.length, 1, 'the host runs in a process of its own');
      return found;
    }, 120_000);
    // The mover was the only tenant of small-1, which went with it; the neighbour's process was adopted, not restarted.
    assert.deepEqual(alone.shared, { 'steady-1': before.shared['steady-1'] });
    await eventually(() => assertSameContent(homeport, 'mover', content), 120_000);

    await restartWithSizes(true);
    const back = await eventually(async () => {
      const found = await processesOf(homeport, ids.mover ?? '');
      assert.deepEqual(found.own, [], 'its own process is gone');
      return found;
    }, 120_000);
    assert.deepEqual(Object.keys(back.shared).sort(), ['small-1', 'steady-1']);
    assert.equal(back.shared['steady-1'], before.shared['steady-1'], "the neighbour's process kept running");
    await eventually(() => assertSameContent(homeport, 'mover', content), 120_000);
  });
});
