// The operator's sizes file: read in the installation's currency, and refused when it names another.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { builtInRateLimits, communityRateLimits } from '../../src/domain/rate-limits.ts';
import { placementOf } from '../../src/domain/sizes.ts';
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

test("an operator changes a size's rate limits in the sizes file; the others keep the built-in size's", async () => {
  const dir = await mkdtemp(join(tmpdir(), 'homeport-sizes-'));
  try {
    const file = join(dir, 'sizes.yaml');
    await writeFile(file, [
      'sizes:',
      '  - name: business',
      '    pricePerSeatMinor: 900',
      '    minSeats: 10',
      '    rateLimits:',
      '      message: { perSecond: 30, burstCount: 600 }',
      '      loginAddress: { perSecond: 4, burstCount: 250 }',
      '  - { name: team, pricePerSeatMinor: 400, minSeats: 3 }',
      '',
    ].join('\n'));
    const [business, team] = await loadSizes(file, 'EUR');
    assert.deepEqual(business?.rateLimits?.message, { perSecond: 30, burstCount: 600 });
    assert.deepEqual(business?.rateLimits?.loginAddress, { perSecond: 4, burstCount: 250 });
    assert.deepEqual(business?.rateLimits?.registration, builtInRateLimits.business?.registration, 'unnamed limits stay the built-in size\'s');
    assert.deepEqual(team?.rateLimits, communityRateLimits, 'a size of its own starts from the community limits');

    await writeFile(file, 'sizes:\n  - { name: team, pricePerSeatMinor: 400, minSeats: 3, rateLimits: { messages: { perSecond: 1, burstCount: 1 }, login: 5, joinsLocal: { perSecond: 0, burstCount: 2.5 } } }\n');
    await assert.rejects(loadSizes(file, 'EUR'), (error: Error) => {
      assert.match(error.message, /unknown rate limit "messages"/);
      assert.match(error.message, /unknown rate limit "login"/);
      assert.match(error.message, /"joinsLocal" needs perSecond, a number above 0/);
      assert.match(error.message, /"joinsLocal" needs burstCount, a whole number/);
      return true;
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test("a size's hosts share processes only as the sizes file says, and a malformed process setting is refused", async () => {
  const dir = await mkdtemp(join(tmpdir(), 'homeport-sizes-'));
  try {
    const file = join(dir, 'sizes.yaml');
    await writeFile(file, [
      'sizes:',
      '  - { name: small, pricePerSeatMinor: 300, minSeats: 1, process: { shared: true, hostsPerProcess: 25 } }',
      '  - { name: team, pricePerSeatMinor: 400, minSeats: 3 }',
      '',
    ].join('\n'));
    const [small, team] = await loadSizes(file, 'EUR');
    assert.deepEqual(placementOf(small), { kind: 'shared', group: 'small', hostsTogether: 25 });
    assert.deepEqual(placementOf(team), { kind: 'own' });
    assert.ok((await loadSizes(undefined, 'EUR')).every((size) => placementOf(size).kind === 'own'), 'built-in sizes run hosts in their own process');
    for (const setting of ['{ shared: true, hostsPerProcess: 0 }', '{ shared: yes please, hostsPerProcess: 25 }', '{ shared: true, hostsPerProcess: 2.5 }', '{ shared: true }', 'shared']) {
      await writeFile(file, `sizes:\n  - { name: small, pricePerSeatMinor: 300, minSeats: 1, process: ${setting} }\n`);
      await assert.rejects(loadSizes(file, 'EUR'), /size "small": process must be \{ shared: true or false, hostsPerProcess: 1 to 200 \}/, setting);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test("an operator sizes a size's database pool; what is not named stays the built-in size's, and nonsense is refused", async () => {
  const dir = await mkdtemp(join(tmpdir(), 'homeport-sizes-'));
  try {
    const file = join(dir, 'sizes.yaml');
    await writeFile(file, [
      'sizes:',
      '  - { name: business, pricePerSeatMinor: 900, minSeats: 10, databasePool: { max: 8 } }',
      '  - { name: team, pricePerSeatMinor: 400, minSeats: 3 }',
      '',
    ].join('\n'));
    const [business, team] = await loadSizes(file, 'EUR');
    assert.deepEqual(business?.databasePool, { min: 1, max: 8 });
    assert.deepEqual(team?.databasePool, { min: 1, max: 2 }, "a size of its own starts from Starter's pool");
    assert.deepEqual((await loadSizes(undefined)).map((size) => [size.name, size.databasePool]), [
      ['starter', { min: 1, max: 2 }], ['business', { min: 1, max: 5 }], ['enterprise', { min: 2, max: 10 }],
    ]);

    await writeFile(file, 'sizes:\n  - { name: team, pricePerSeatMinor: 400, minSeats: 3, databasePool: { min: 4, max: 2 } }\n  - { name: huge, pricePerSeatMinor: 400, minSeats: 3, databasePool: { max: 500 } }\n');
    await assert.rejects(loadSizes(file, 'EUR'), (error: Error) => {
      assert.match(error.message, /size "team": databasePool min must not exceed max/);
      assert.match(error.message, /size "huge": databasePool min and max must be whole numbers from 1 to 20/);
      return true;
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
