// A sleeping tenant of a shared Synapse process is made quiet: its looping calls run ten times
// less often. A held database lock must still be renewed on Synapse's own clock (every 30 s, taken
// as abandoned after 2 minutes), or a lock held while its host fell asleep is taken over or reaped
// while held. Run in the Synapse virtual environment against Synapse's own Clock, LoopingCall and
// lock store functions; before the fix the lock's renewal was stretched to 300 s like the rest.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { promisify } from 'node:util';
import { repoRoot, synapseVenv } from '../support/environment.ts';

const script = `
import importlib.util, json, sys
spec = importlib.util.spec_from_file_location("synapse_tenants", sys.argv[1])
harness = importlib.util.module_from_spec(spec)
spec.loader.exec_module(harness)
from twisted.internet import reactor
from synapse.storage.databases.main.lock import Lock, LockStore
from synapse.util.clock import Clock
from synapse.util.duration import Duration

clock = Clock(reactor, server_name="quiet.example")
renewal = clock.looping_call(Lock._renew, Duration(seconds=30))
reaping = clock.looping_call(LockStore._reap_stale_read_write_locks, Duration(seconds=12))

class HomeServer:
    def get_clock(self):
        return clock

tenant = harness.Tenant("quiet", "/nonexistent/homeserver.yaml")
tenant.hs = HomeServer()
tenant.state = "running"
seen = {}
for step, quiet in (("quiet", True), ("awake", False)):
    tenant.set_quiet(quiet)
    seen[step] = {"renewal": renewal.interval, "reaping": reaping.interval, "quiet": tenant.report()["quiet"]}
print(json.dumps(seen))
`;

describe('a quiet tenant', () => {
  test('renews its held locks on Synapse\'s clock while every other looping call is stretched, and gets its intervals back on waking', async () => {
    const python = join(synapseVenv, 'bin', 'python');
    const { stdout } = await promisify(execFile)(python, ['-c', script, join(repoRoot, 'src', 'runtime', 'local', 'synapse-tenants.py')]);
    assert.deepEqual(JSON.parse(stdout), {
      quiet: { renewal: 30, reaping: 120, quiet: true },
      awake: { renewal: 30, reaping: 12, quiet: false },
    });
  });
});
