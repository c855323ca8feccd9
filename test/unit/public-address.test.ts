// Which addresses outbound fetches of customers' URLs may reach.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { classifyAddress, parseAllowList } from '../../src/net/public-address.ts';

test('allows public IPv4 and global unicast IPv6 addresses', () => {
  for (const address of ['8.8.8.8', '1.1.1.1', '93.184.216.34', '2606:4700:4700::1111', '2a00:1450:4001::200e']) {
    assert.deepEqual(classifyAddress(address), { allowed: true }, address);
  }
});

test('refuses every non-public range, IPv4-mapped IPv6 included', () => {
  const cases: [string, string][] = [
    ['127.0.0.1', 'loopback'], ['127.8.9.10', 'loopback'], ['10.0.0.1', 'private'], ['172.16.5.4', 'private'], ['192.168.1.1', 'private'],
    ['169.254.169.254', 'linkLocal'], ['100.64.0.1', 'carrierGradeNat'], ['0.0.0.0', 'unspecified'], ['224.0.0.251', 'multicast'],
    ['255.255.255.255', 'broadcast'], ['192.0.2.10', 'reserved'], ['198.51.100.1', 'reserved'], ['203.0.113.7', 'reserved'], ['240.0.0.1', 'reserved'],
    ['::1', 'loopback'], ['::', 'unspecified'], ['fe80::1', 'linkLocal'], ['fd12:3456::1', 'uniqueLocal'], ['ff02::1', 'multicast'],
    ['2001:db8::1', 'reserved'], ['::ffff:127.0.0.1', 'loopback'], ['::ffff:10.0.0.1', 'private'], ['::ffff:a9fe:a9fe', 'linkLocal'],
    ['64:ff9b::a00:1', 'rfc6052'], ['2002:7f00:1::1', '6to4'], ['not an address', 'invalid'],
  ];
  for (const [address, range] of cases) assert.deepEqual(classifyAddress(address), { allowed: false, range }, address);
});

test('the allow-list admits the named addresses and ranges only', () => {
  const allow = parseAllowList(['127.0.0.1', '10.20.0.0/16', 'fd00::/8']);
  assert.deepEqual(classifyAddress('127.0.0.1', allow), { allowed: true });
  assert.deepEqual(classifyAddress('::ffff:127.0.0.1', allow), { allowed: true });
  assert.deepEqual(classifyAddress('10.20.3.4', allow), { allowed: true });
  assert.deepEqual(classifyAddress('fd00::5', allow), { allowed: true });
  assert.deepEqual(classifyAddress('127.0.0.2', allow), { allowed: false, range: 'loopback' });
  assert.deepEqual(classifyAddress('10.21.0.1', allow), { allowed: false, range: 'private' });
  assert.deepEqual(classifyAddress('::1', allow), { allowed: false, range: 'loopback' });
});
