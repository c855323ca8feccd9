// Monitoring's rules: the grace period of a host down, certificates past their renewal, the disk
// and seat thresholds, and uptime where sleeping is not down.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { certificateExpiring, diskUsedPercent, downTooLong, seatRecountDue, seatsNearLimit, uptimeShare } from '../../src/domain/monitoring.ts';

const now = new Date('2026-12-10T12:00:00Z');
const hoursFrom = (hours: number) => new Date(now.getTime() + hours * 3_600_000);

test('a host is alerted on only once it has been down for the grace period', () => {
  assert.equal(downTooLong(undefined, now, 180), false);
  assert.equal(downTooLong(new Date(now.getTime() - 179_000), now, 180), false);
  assert.equal(downTooLong(new Date(now.getTime() - 180_000), now, 180), true);
});

test('a 90-day certificate is expiring with fewer days left than the setting', () => {
  const certificate = { validFrom: hoursFrom(-80 * 24), validTo: hoursFrom(10 * 24) };
  assert.equal(certificateExpiring(certificate, now, 14), true);
  assert.equal(certificateExpiring(certificate, now, 7), false);
  assert.equal(certificateExpiring({ validFrom: hoursFrom(-60 * 24), validTo: hoursFrom(30 * 24) }, now, 14), false);
  assert.equal(certificateExpiring({ validFrom: hoursFrom(-95 * 24), validTo: hoursFrom(-5 * 24) }, now, 14), true, 'an expired one too');
});

test('a short-lived certificate is expiring only once its edge should have renewed it', () => {
  // Caddy's internal CA: 12 hours, renewed with a third of its life left.
  assert.equal(certificateExpiring({ validFrom: hoursFrom(-2), validTo: hoursFrom(10) }, now, 14), false);
  assert.equal(certificateExpiring({ validFrom: hoursFrom(-10), validTo: hoursFrom(2) }, now, 14), true);
});

test('the disk is judged as df counts it, and seats from the share set', () => {
  assert.equal(diskUsedPercent({ totalBytes: 1000, availableBytes: 100 }), 90);
  assert.equal(diskUsedPercent({ totalBytes: 0, availableBytes: 0 }), 0);
  assert.equal(seatsNearLimit(9, 10, 90), true);
  assert.equal(seatsNearLimit(8, 10, 90), false);
  assert.equal(seatsNearLimit(1, 5, 20), true);
  assert.equal(seatsNearLimit(0, 5, 20), false);
});

test('an awake host\'s seats are counted every pass, a sleeping host\'s once it sleeps and then hourly', () => {
  const countedAt = hoursFrom(-0.5);
  assert.equal(seatRecountDue({ countedAt, whileSleeping: true }, false, now), true, 'awake: every pass');
  assert.equal(seatRecountDue(undefined, true, now), true, 'never counted');
  assert.equal(seatRecountDue({ countedAt, whileSleeping: false }, true, now), true, 'last counted while it was awake');
  assert.equal(seatRecountDue({ countedAt, whileSleeping: true }, true, now), false, 'asleep since the last count');
  assert.equal(seatRecountDue({ countedAt: hoursFrom(-1), whileSleeping: true }, true, now), true, 'an hour since the last count');
});

test('uptime counts sleeping as up, and is unknown without checks', () => {
  assert.equal(uptimeShare({ total: 0, down: 0 }), null);
  assert.equal(uptimeShare({ total: 4, down: 1 }), 0.75);
});
