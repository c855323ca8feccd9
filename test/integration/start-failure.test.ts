// A start that fails half-way says why, exits non-zero and stops what it had started.
import assert from 'node:assert/strict';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { HomeportProcess } from '../support/homeport-process.ts';

let homeport: HomeportProcess | undefined;
after(async () => {
  await homeport?.cleanup();
});

async function processesUsing(dataDir: string): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const cmdline = (await readFile(join('/proc', entry, 'cmdline'), 'utf8').catch(() => '')).replaceAll('\0', ' ');
    if (cmdline.includes(dataDir)) found.push(cmdline);
  }
  return found;
}

test('a bad sizes file stops the start with a clear message and leaves no process behind', async () => {
  homeport = await HomeportProcess.create('badstart');
  const sizes = join(homeport.dataDir, 'sizes.yaml');
  await writeFile(sizes, 'sizes:\n  - name: Tiny Plan\n    pricePerSeatMinor: -1\n    minSeats: 0\n');
  homeport.env.HOMEPORT_SIZES_FILE = sizes;
  await assert.rejects(homeport.start(60_000), (error: Error) => {
    assert.match(error.message, /exited with 1/);
    assert.match(error.message, /sizes\.yaml: size name "Tiny Plan" must be lowercase/);
    return true;
  });
  assert.deepEqual(await processesUsing(homeport.dataDir), []);
});
