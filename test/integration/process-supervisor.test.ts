import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, stat, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { HostProcessState } from '../../src/runtime/runtime.ts';
import { ProcessSupervisor, restartDelayMs, type ProcessSpec } from '../../src/runtime/local/process-supervisor.ts';

const dir = await mkdtemp(join(tmpdir(), 'homeport-supervisor-'));
const supervisors: ProcessSupervisor[] = [];

after(async () => {
  await Promise.all(supervisors.map((supervisor) => supervisor.stopAll(2_000)));
  await rm(dir, { recursive: true, force: true });
});

function supervisor(): ProcessSupervisor {
  const created = new ProcessSupervisor();
  supervisors.push(created);
  return created;
}

/** A Node child that idles; the marker argument lets the test find exactly its processes. */
function idleChild(name: string, script = 'setInterval(() => {}, 1 << 30)') {
  const marker = `homeport-test-${name}-${randomUUID()}`;
  const states: HostProcessState[] = [];
  const spec: ProcessSpec = {
    command: process.execPath,
    args: ['-e', script, marker],
    cwd: dir,
    env: { PATH: process.env.PATH },
    pidFile: join(dir, `${name}.pid`),
    outputFile: join(dir, `${name}.log`),
    onStateChange: (state) => states.push(state),
  };
  return { spec, marker, states };
}

/** Live (non-zombie) processes whose command line carries the marker. */
async function processesWith(marker: string): Promise<number[]> {
  const pids: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const cmdline = await readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '');
    const status = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    if (cmdline.split('\0').includes(marker) && !/\) Z /.test(status)) pids.push(Number(entry));
  }
  return pids;
}

async function waitFor(what: string, condition: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) assert.fail(`timed out waiting until ${what}`);
    await sleep(50);
  }
}

describe('ProcessSupervisor', () => {
  it('backs off 1 s, 2 s, 4 s … up to 30 s between restarts', () => {
    assert.deepEqual([0, 1, 2, 3, 4, 5, 6, 10].map(restartDelayMs), [1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000]);
  });

  it('starts a process once even when asked concurrently, and writes its pid file', async () => {
    const child = idleChild('concurrent');
    const processes = supervisor();
    await Promise.all([processes.ensureRunning('a', child.spec), processes.ensureRunning('a', child.spec)]);
    await processes.ensureRunning('a', child.spec);
    const pids = await processesWith(child.marker);
    assert.equal(pids.length, 1);
    assert.equal(processes.pid('a'), pids[0]);
    assert.equal((await readFile(child.spec.pidFile, 'utf8')).trim(), String(pids[0]));
    assert.deepEqual(child.states, ['starting', 'running']);
    await processes.stop('a');
  });

  it('restarts a process that was killed, with a new pid', async () => {
    const child = idleChild('crash');
    const processes = supervisor();
    await processes.ensureRunning('crash', child.spec);
    const first = processes.pid('crash');
    assert.ok(first);
    process.kill(first, 'SIGKILL');
    await waitFor('it is restarted', () => child.states.length === 4);
    assert.deepEqual(child.states, ['starting', 'running', 'restarting', 'running']);
    const second = processes.pid('crash');
    assert.notEqual(second, first);
    assert.deepEqual(await processesWith(child.marker), [second]);
    assert.equal((await readFile(child.spec.pidFile, 'utf8')).trim(), String(second));
    await processes.stop('crash');
  });

  it('adopts the process a previous Homeport left running instead of starting a second one', async () => {
    const child = idleChild('adopt');
    const previous = supervisor();
    await previous.ensureRunning('host:1', child.spec);
    const pid = previous.pid('host:1');
    previous.releaseAll();

    const current = supervisor();
    await current.ensureRunning('host:1', child.spec);
    assert.equal(current.pid('host:1'), pid);
    assert.equal(current.state('host:1'), 'running');
    assert.deepEqual(await processesWith(child.marker), [pid]);

    // An adopted process is not our child: its death is noticed by polling, and it comes back.
    process.kill(pid as number, 'SIGKILL');
    await waitFor('the adopted process is replaced', async () =>
      current.state('host:1') === 'running' && current.pid('host:1') !== pid && (await processesWith(child.marker)).length === 1);

    await current.stop('host:1');
    assert.deepEqual(await processesWith(child.marker), []);
    assert.equal(existsSync(child.spec.pidFile), false);
    assert.equal(current.state('host:1'), 'stopped');
  });

  it('adopts a process whose pid file was never written (Homeport killed right after spawning it)', async () => {
    const child = idleChild('no-pid-file');
    const previous = supervisor();
    await previous.ensureRunning('host:3', child.spec);
    const pid = previous.pid('host:3');
    previous.releaseAll();
    await rm(child.spec.pidFile);

    const current = supervisor();
    await current.ensureRunning('host:3', child.spec);
    assert.equal(current.pid('host:3'), pid);
    assert.deepEqual(await processesWith(child.marker), [pid]);
    await current.stop('host:3');
    assert.deepEqual(await processesWith(child.marker), []);
  });

  it('stops a process an earlier Homeport left running even though it was never adopted', async () => {
    const child = idleChild('left-over');
    const previous = supervisor();
    await previous.ensureRunning('host:2', child.spec);
    previous.releaseAll();
    assert.equal((await processesWith(child.marker)).length, 1);

    const current = supervisor();
    await current.stopIncludingLeftOver('host:2', child.spec);
    assert.deepEqual(await processesWith(child.marker), []);
    assert.equal(existsSync(child.spec.pidFile), false);
    assert.equal(current.state('host:2'), 'stopped');
  });

  it('does not adopt an unrelated process that got the recorded pid', async () => {
    const child = idleChild('recycled');
    await writeFile(child.spec.pidFile, `${process.pid}\n`);
    const processes = supervisor();
    await processes.ensureRunning('recycled', child.spec);
    assert.notEqual(processes.pid('recycled'), process.pid);
    assert.deepEqual(await processesWith(child.marker), [processes.pid('recycled')]);
    await processes.stop('recycled');
  });

  it('stops for good: SIGKILL after the timeout when SIGTERM is ignored, no restart, no pid file', async () => {
    const child = idleChild('stubborn', 'process.on("SIGTERM", () => {}); setInterval(() => {}, 1 << 30)');
    const processes = supervisor();
    await processes.ensureRunning('stubborn', child.spec);
    await sleep(300); // let the child install its SIGTERM handler
    const started = Date.now();
    await processes.stop('stubborn', 500);
    assert.ok(Date.now() - started >= 500, 'waited for the timeout before SIGKILL');
    assert.deepEqual(await processesWith(child.marker), []);
    assert.equal(existsSync(child.spec.pidFile), false);
    await sleep(1_500);
    assert.equal(processes.state('stubborn'), 'stopped');
    assert.deepEqual(await processesWith(child.marker), []);
    assert.deepEqual(child.states, ['starting', 'running', 'stopped']);
  });

  it('rotates an output file bigger than 10 MiB before starting, keeping five old ones', async () => {
    const child = idleChild('rotate', 'console.log("fresh output"); setInterval(() => {}, 1 << 30)');
    const output = child.spec.outputFile;
    for (let n = 1; n <= 5; n++) await writeFile(`${output}.${n}`, `old ${n}\n`);
    await writeFile(output, '');
    await truncate(output, 11 * 1024 * 1024);

    const processes = supervisor();
    await processes.ensureRunning('rotate', child.spec);
    await waitFor('the child writes its output', async () => (await readFile(output, 'utf8')) === 'fresh output\n');
    assert.equal((await stat(`${output}.1`)).size, 11 * 1024 * 1024);
    for (let n = 2; n <= 5; n++) assert.equal(await readFile(`${output}.${n}`, 'utf8'), `old ${n - 1}\n`);
    assert.equal(existsSync(`${output}.6`), false);
    await processes.stop('rotate');
  });
});
