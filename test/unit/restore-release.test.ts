// Which Synapse release a host runs after a restore: a snapshot goes back to its own release, a
// backup to the newer of its own and the host's (Synapse migrates forward, never back).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { releaseAfterRestore } from '../../src/domain/synapse-release.ts';

test('a snapshot taken before an upgrade brings back the release it was taken on', () => {
  assert.equal(releaseAfterRestore({ kind: 'snapshot', synapseRelease: '1.162.0' }, '1.163.2'), '1.162.0');
  assert.equal(releaseAfterRestore({ kind: 'snapshot', synapseRelease: '1.162.0' }, null), '1.162.0');
});

test("a backup runs on the newer of its release and the host's", () => {
  assert.equal(releaseAfterRestore({ kind: 'backup', synapseRelease: '1.162.0' }, '1.163.2'), '1.163.2');
  assert.equal(releaseAfterRestore({ kind: 'backup', synapseRelease: '1.163.2' }, '1.162.0'), '1.163.2');
  assert.equal(releaseAfterRestore({ kind: 'backup', synapseRelease: '1.99.0' }, '1.100.0'), '1.100.0', 'compared as numbers, not text');
});

test("a restore point without a recorded release keeps the host's", () => {
  assert.equal(releaseAfterRestore({ kind: 'backup', synapseRelease: null }, '1.163.2'), '1.163.2');
  assert.equal(releaseAfterRestore({ kind: 'snapshot', synapseRelease: null }, null), null);
});
