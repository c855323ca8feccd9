// A sleeping tenant of a shared Synapse process is made quiet: its looping calls run ten times
// less often, rounded up to a multiple of five minutes and restarted together, so the tasks that
// need the database meet in one burst and share its connections instead of each opening one.
// A held database lock must still be renewed on Synapse's own clock (every 30 s, taken as
// abandoned after 2 minutes), or a lock held while its host fell asleep is taken over or reaped
// while held. Run in the Synapse virtual environment against Synapse's own Clock, LoopingCall and
// lock store functions; before the lock fix its renewal was stretched to 300 s like the rest.
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
from synapse.storage.databases.main.event_push_actions import EventPushActionsWorkerStore
from synapse.storage.databases.main.lock import Lock, LockStore
from synapse.util.clock import Clock
from synapse.util.duration import Duration

clock = Clock(reactor, server_name="quiet.example")
calls = {
    "renewal": clock.looping_call(Lock._renew, Duration(seconds=30)),
    "reaping": clock.looping_call(LockStore._reap_stale_read_write_locks, Duration(seconds=12)),
    "rotation": clock.looping_call(EventPushActionsWorkerStore._rotate_notifs, Duration(seconds=30)),
    "catchUp": clock.looping_call(lambda: None, Duration(seconds=60)),
    "hourly": clock.looping_call(lambda: None, Duration(hours=1)),
}

class HomeServer:
    def get_clock(self):
        return clock

tenant = harness.Tenant("quiet", "/nonexistent/homeserver.yaml")
tenant.hs = HomeServer()
tenant.state = "running"
seen = {}
for step, quiet in (("quiet", True), ("awake", False)):
    now = reactor.seconds()
    tenant.set_quiet(quiet)
    seen[step] = {
        "intervals": {name: call.interval for name, call in calls.items()},
        # Seconds from now to each call's next run, to the tenth of a second.
        "due": {name: round(call.call.getTime() - now, 1) for name, call in calls.items() if name != "renewal"},
        "quiet": tenant.report()["quiet"],
    }
print(json.dumps(seen))
`;

describe('a quiet tenant', () => {
  test('runs its looping calls ten times less often and all at once, renews its held locks on Synapse\'s clock, and gets its intervals back on waking', async () => {
    const python = join(synapseVenv, 'bin', 'python');
    const { stdout } = await promisify(execFile)(python, ['-c', script, join(repoRoot, 'src', 'runtime', 'local', 'synapse-tenants.py')]);
    const seen = JSON.parse(stdout) as Record<'quiet' | 'awake', { intervals: Record<string, number>; due: Record<string, number>; quiet: boolean }>;
    assert.deepEqual(seen.quiet.intervals, { renewal: 30, reaping: 300, rotation: 300, catchUp: 600, hourly: 36_000 });
    assert.equal(seen.quiet.quiet, true);
    // Every stretched call is next due at a multiple of five minutes from the moment the tenant went quiet.
    assert.deepEqual(seen.quiet.due, { reaping: 300, rotation: 300, catchUp: 600, hourly: 36_000 });
    assert.deepEqual(seen.awake.intervals, { renewal: 30, reaping: 12, rotation: 30, catchUp: 60, hourly: 3600 });
    assert.equal(seen.awake.quiet, false);
  });
});

const siteScript = `
import importlib.util, json, sys
spec = importlib.util.spec_from_file_location("synapse_tenants", sys.argv[1])
harness = importlib.util.module_from_spec(spec)
spec.loader.exec_module(harness)
from twisted.internet import reactor
from synapse.http.site import SynapseSite

def start_site():
    # Only what Twisted's HTTPFactory.startFactory and its timer use.
    site = SynapseSite.__new__(SynapseSite)
    site.reactor = reactor
    site.logPath = None
    site._logDateTimeCall = None
    site.startFactory()
    timers = reactor.getDelayedCalls()
    for timer in timers:
        timer.cancel()
    return {"timers": len(timers), "logTime": bool(site._logDateTime)}

seen = {"before": start_site()}
harness.stop_access_log_clocks()
seen["after"] = start_site()
print(json.dumps(seen))
`;

describe('the HTTP listeners of a shared process', () => {
  test('keep no per-second access-log timer (Synapse writes its own access log lines)', async () => {
    const python = join(synapseVenv, 'bin', 'python');
    const { stdout } = await promisify(execFile)(python, ['-c', siteScript, join(repoRoot, 'src', 'runtime', 'local', 'synapse-tenants.py')]);
    // Before: Twisted's own timer, refreshed every second for as long as the listener runs.
    assert.deepEqual(JSON.parse(stdout), { before: { timers: 1, logTime: true }, after: { timers: 0, logTime: true } });
  });
});
