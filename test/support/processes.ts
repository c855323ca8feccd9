// Finds the Synapse processes of a host by their command line, the way an operator would with ps.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

export async function synapseProcesses(dataDir: string, hostId: string): Promise<number[]> {
  const config = join(dataDir, 'hosts', hostId, 'homeserver.yaml');
  const pids: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const cmdline = await readFile(join('/proc', entry, 'cmdline'), 'utf8').catch(() => '');
    const args = cmdline.split('\0');
    if (args.includes('synapse.app.homeserver') && args.includes(config)) pids.push(Number(entry));
  }
  return pids;
}
