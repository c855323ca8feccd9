// Synapse release names and the customer's maintenance window.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadConfig } from '../../src/config.ts';
import { compareReleases, inMaintenanceWindow, isSynapseRelease } from '../../src/domain/synapse-release.ts';

test('only plain final releases name a Synapse release', () => {
  assert.ok(isSynapseRelease('1.163.2'));
  for (const text of ['1.163', '1.163.2rc1', '1.163.2 ', '1.163.2; rm -rf /', '>=1.0.0', '1.163.2+local', '']) {
    assert.equal(isSynapseRelease(text), false, text);
  }
});

test('releases compare by number, not by text', () => {
  assert.ok(compareReleases('1.163.2', '1.99.0') > 0);
  assert.ok(compareReleases('1.162.0', '1.163.2') < 0);
  assert.equal(compareReleases('1.163.2', '1.163.2'), 0);
});

test('a maintenance window lasts two hours from its first hour (UTC), across midnight too', () => {
  const at = (hour: number, minute = 0) => new Date(Date.UTC(2026, 11, 10, hour, minute));
  assert.ok(inMaintenanceWindow(null, at(13)), 'no window: any time');
  assert.ok(inMaintenanceWindow(3, at(3)));
  assert.ok(inMaintenanceWindow(3, at(4, 59)));
  assert.equal(inMaintenanceWindow(3, at(5)), false);
  assert.equal(inMaintenanceWindow(3, at(2, 59)), false);
  assert.ok(inMaintenanceWindow(23, at(0, 30)));
  assert.equal(inMaintenanceWindow(23, at(1)), false);
});

test('HOMEPORT_SYNAPSE_VERSION must be a release', () => {
  assert.equal(loadConfig({ HOMEPORT_SYNAPSE_VERSION: '1.162.0' }).synapseRelease, '1.162.0');
  assert.equal(loadConfig({}).synapseRelease, undefined);
  assert.throws(() => loadConfig({ HOMEPORT_SYNAPSE_VERSION: 'latest' }), /HOMEPORT_SYNAPSE_VERSION must be a Synapse release/);
});
