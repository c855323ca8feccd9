// The operator's sizes file: read in the installation's currency, and refused when it names another.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadSizes } from '../../src/store/sizes-config.ts';

test('sizes take the installation currency, and a size in another currency is refused', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'homeport-sizes-'));
  try {
    const file = join(dir, 'sizes.yaml');
    await writeFile(file, 'sizes:\n  - { name: team, title: Team, pricePerSeatMinor: 400, minSeats: 3 }\n');
    assert.deepEqual((await loadSizes(file, 'CHF')).map((size) => [size.name, size.currency, size.pricePerSeatMinor]), [['team', 'CHF', 400]]);
    assert.ok((await loadSizes(undefined, 'GBP')).every((size) => size.currency === 'GBP'), 'the built-in sizes too');
    await writeFile(file, 'sizes:\n  - { name: team, pricePerSeatMinor: 400, minSeats: 3, currency: USD }\n');
    await assert.rejects(loadSizes(file, 'EUR'), /currency USD is not the installation's currency EUR \(HOMEPORT_CURRENCY\)/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
