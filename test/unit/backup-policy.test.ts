// When a host's scheduled backup is due and which of its backups retention deletes, per size.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { backupPolicyFor, backupsPastRetention, isBackupDue } from '../../src/domain/backup-policy.ts';
import { builtInSizes, sizeProblems } from '../../src/domain/sizes.ts';

test("a size's own policy wins; else the built-in size's of that name; else Starter's", () => {
  assert.deepEqual(backupPolicyFor({ name: 'enterprise' }), { everyHours: 12, keep: 60 });
  assert.deepEqual(backupPolicyFor({ name: 'custom' }), { everyHours: 24, keep: 7 });
  assert.deepEqual(backupPolicyFor({ name: 'starter', backups: { everyHours: 6, keep: 3 } }), { everyHours: 6, keep: 3 });
});

test('a size file with a nonsensical backup policy is refused', () => {
  const starter = builtInSizes[0]!;
  assert.deepEqual(sizeProblems([{ ...starter, backups: { everyHours: 6, keep: 3 } }]), []);
  for (const backups of [{ everyHours: 0, keep: 3 }, { everyHours: 6, keep: 1.5 }, { everyHours: 6 }]) {
    assert.match(sizeProblems([{ ...starter, backups: backups as never }]).join(), /backups must be/);
  }
});

test('a backup is due when there was none, or the last one started everyHours ago', () => {
  const policy = { everyHours: 24, keep: 7 };
  const now = new Date('2026-12-10T12:00:00Z');
  assert.equal(isBackupDue(null, policy, now), true);
  assert.equal(isBackupDue(new Date('2026-12-09T12:00:01Z'), policy, now), false);
  assert.equal(isBackupDue(new Date('2026-12-09T12:00:00Z'), policy, now), true);
});

test('retention keeps the newest `keep` finished backups, never a running one, and drops failed ones older than a good one', () => {
  const backups = [
    { id: 'running', status: 'running' },
    { id: 'failed-newest', status: 'failed' },
    { id: 'r1', status: 'ready' },
    { id: 'failed-old', status: 'failed' },
    { id: 'r2', status: 'ready' },
    { id: 'r3', status: 'ready' },
    { id: 'r4', status: 'ready' },
  ];
  assert.deepEqual(backupsPastRetention(backups, { everyHours: 24, keep: 2 }), ['failed-old', 'r3', 'r4']);
  assert.deepEqual(backupsPastRetention(backups, { everyHours: 24, keep: 10 }), ['failed-old']);
});
