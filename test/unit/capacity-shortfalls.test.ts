// When the machine is full: the operator's limits and the runtime's own room against what is left.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { capacityShortfalls, type CapacityHeadroom, type CapacityLimits } from '../../src/domain/capacity.ts';

const limits: CapacityLimits = { maxHosts: 100, minFreeMemoryBytes: 512 * 1024 ** 2, minFreeDatabaseConnections: 20 };
const roomy: CapacityHeadroom = { hosts: 10, memoryAvailableBytes: 8 * 1024 ** 3, databaseConnectionsFree: 400, runtimeSlots: { free: 40, setting: 'HOMEPORT_HOST_PORTS' } };

test('a machine with room refuses nothing', () => {
  assert.deepEqual(capacityShortfalls(roomy, limits, 5), []);
  assert.deepEqual(capacityShortfalls({ ...roomy, runtimeSlots: undefined }, limits, 5), [], 'a runtime without a limit of its own');
  assert.deepEqual(capacityShortfalls({ ...roomy, hosts: 5 }, { ...limits, maxHosts: 0 }, 5), [], '0: no limit by count');
});

test('says each reason the machine is full, with the setting to change', () => {
  const full: CapacityHeadroom = { hosts: 100, memoryAvailableBytes: 100 * 1024 ** 2, databaseConnectionsFree: 24, runtimeSlots: { free: 0, setting: 'HOMEPORT_HOST_PORTS' } };
  assert.deepEqual(capacityShortfalls(full, limits, 5), [
    'the installation has 100 hosts, its limit is 100',
    '100 MiB of memory available, at least 512 MiB must stay free',
    '24 database connections free, a new host needs 5 and 20 must stay free',
    'no room for another host is left in HOMEPORT_HOST_PORTS',
  ]);
  assert.deepEqual(capacityShortfalls({ ...roomy, runtimeSlots: { free: 1, setting: 'HOMEPORT_HOST_PORTS' } }, limits, 5), [], 'the last slot is still room');
});
