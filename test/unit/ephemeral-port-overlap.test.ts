// HOMEPORT_HOST_PORTS against the kernel's ephemeral port range (ip_local_port_range): Homeport
// warns at start when they overlap, since an outgoing connection can take a host's port.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ephemeralOverlap } from '../../src/runtime/local/local-host-ports.ts';

const linuxDefault = async () => '32768\t60999\n';

test('a range below the ephemeral ports does not overlap', async () => {
  assert.equal(await ephemeralOverlap({ first: 18000, last: 18999 }, linuxDefault), undefined);
  assert.equal(await ephemeralOverlap({ first: 30000, last: 32767 }, linuxDefault), undefined);
});

test('names the overlapping part of a range reaching into the ephemeral ports', async () => {
  assert.deepEqual(await ephemeralOverlap({ first: 31000, last: 33000 }, linuxDefault), { first: 32768, last: 33000 });
  assert.deepEqual(await ephemeralOverlap({ first: 40000, last: 40999 }, linuxDefault), { first: 40000, last: 40999 });
  assert.deepEqual(await ephemeralOverlap({ first: 60000, last: 65000 }, linuxDefault), { first: 60000, last: 60999 });
});

test('says nothing when the kernel range cannot be read', async () => {
  assert.equal(await ephemeralOverlap({ first: 40000, last: 40999 }, async () => { throw new Error('no /proc'); }), undefined);
  assert.equal(await ephemeralOverlap({ first: 40000, last: 40999 }, async () => 'garbage'), undefined);
});
