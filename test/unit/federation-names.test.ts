// Which allowlist entries are Matrix server names, and how the list is stored.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { invalidServerNames, isServerName, normaliseAllowedServers } from '../../src/domain/federation.ts';

test('server names are DNS names or IP literals with an optional port', () => {
  for (const name of ['example.org', 'matrix.example.org:8448', 'localhost', '1.2.3.4', '1.2.3.4:8448', '[::1]', '[2001:db8::1]:8448', 'xn--bcher-kva.example']) {
    assert.equal(isServerName(name), true, name);
  }
  for (const name of ['', 'not a server', 'https://example.org', 'example.org/path', '@alice:example.org', 'example.org:0', 'example.org:70000', '-bad.example', 'a'.repeat(256)]) {
    assert.equal(isServerName(name), false, name);
  }
  assert.deepEqual(invalidServerNames(['example.org', 'bad name', ' Partner.Example ']), ['bad name']);
});

test('the stored list is lowercase, without duplicates and without the host\'s own name', () => {
  assert.deepEqual(normaliseAllowedServers(['Partner.Example', 'partner.example', ' other.example:8448 ', 'acme.homeport.localhost', ''], 'acme.homeport.localhost'), ['partner.example', 'other.example:8448']);
});
