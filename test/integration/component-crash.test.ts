// A crash of PostgreSQL or Caddy (kill -9) is survived by the same Homeport process: it restarts
// them, its API and job worker reconnect, a build interrupted by the crash finishes, and every
// host is served again, with nobody restarting anything by hand. An external PostgreSQL that
// dies is waited for: not ready meanwhile, ready again once it is back.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { HomeportProcess } from '../support/homeport-process.ts';
import { hostAdmin } from '../support/host-admin.ts';
import { loginThroughEdge } from '../support/matrix-user.ts';
import { eventually } from '../support/eventually.ts';
import { startThrowawayPostgres, type ThrowawayPostgres } from '../support/throwaway-postgres.ts';

async function pidIn(file: string): Promise<number> {
  const pid = Number((await readFile(file, 'utf8')).split('\n')[0]);
  assert.ok(Number.isInteger(pid) && pid > 0, `${file} names a process`);
  return pid;
}

function isGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return false;
  } catch {
    return true;
  }
}

describe('a crash of PostgreSQL or Caddy', () => {
  let homeport: HomeportProcess;
  let homeportPid: number | undefined;
  let token: string;
  let first: { id: string; jobId: string };
  const hosts: { label: string; id: string }[] = [];
  const postmasterPidFile = () => join(homeport.dataDir, 'postgres', 'postmaster.pid');

  async function buildHost(label: string): Promise<{ id: string; jobId: string }> {
    const created = await homeport.api<{ host: { id: string }; job: { id: string } }>('POST', '/api/v1/hosts', { token, body: { label, size: 'starter', seats: 5 } });
    assert.equal(created.status, 202, JSON.stringify(created.body));
    return { id: created.body.host.id, jobId: created.body.job.id };
  }

  async function assertUserLogsIn(label: string, hostId: string): Promise<void> {
    const admin = await hostAdmin(homeport, hostId);
    // After a PostgreSQL crash each of Synapse's pooled connections fails its first query (a 500)
    // and is then opened again by Synapse itself: a request retried a moment later is answered.
    await eventually(() => admin.upsertUser(`@carol:${label}.${homeport.baseDomain}`, { password: 'survives crashes' }), 30_000);
    const carol = await eventually(() => loginThroughEdge(homeport, label, 'carol', 'survives crashes'), 60_000);
    assert.equal((await carol.whoami()).user_id, `@carol:${label}.${homeport.baseDomain}`);
    if (!hosts.some((host) => host.id === hostId)) hosts.push({ label, id: hostId });
  }

  async function killPostmaster(): Promise<number> {
    const pid = await pidIn(postmasterPidFile());
    process.kill(pid, 'SIGKILL');
    await eventually(async () => assert.ok(isGone(pid), 'the postmaster is gone'), 10_000);
    return pid;
  }

  async function assertReadyAgain(deadPostmaster: number): Promise<void> {
    await eventually(async () => assert.equal((await fetch(`${homeport.apiUrl}/readyz`)).status, 200), 120_000);
    assert.notEqual(await pidIn(postmasterPidFile()), deadPostmaster, 'a new postmaster runs');
  }

  before(async () => {
    homeport = await HomeportProcess.create('pgcrash');
    await homeport.start();
    homeportPid = homeport.pid;
    token = await homeport.createAccount('crashes@example.org');
    first = await buildHost('alpha');
    assert.equal((await homeport.waitForJob(token, first.jobId)).status, 'succeeded');
    await assertUserLogsIn('alpha', first.id);
  });
  after(async () => {
    await homeport?.cleanup();
  });

  test('PostgreSQL killed while idle is restarted; the API, the hosts and new builds work again', async () => {
    const dead = await killPostmaster();
    await assertReadyAgain(dead);
    assert.ok(homeport.running, 'Homeport never exited');
    assert.equal(homeport.pid, homeportPid);
    await assertUserLogsIn('alpha', first.id);
    const second = await buildHost('beta');
    assert.equal((await homeport.waitForJob(token, second.jobId)).status, 'succeeded');
    await homeport.waitForHostStatus(token, second.id, 'running');
    await assertUserLogsIn('beta', second.id);
  });

  test('PostgreSQL killed in the middle of a build: the build resumes and finishes', async () => {
    const third = await buildHost('gamma');
    const deadline = Date.now() + 120_000;
    let stepAtKill = '';
    while (Date.now() < deadline && !stepAtKill) {
      const detail = (await homeport.api<{ steps: { name: string; status: string }[] }>('GET', `/api/v1/jobs/${third.jobId}`, { token })).body;
      stepAtKill = detail.steps.find((step) => step.status === 'running' && ['start Synapse', 'healthy', 'admin access'].includes(step.name))?.name ?? '';
      if (!stepAtKill) await new Promise((done) => setTimeout(done, 50));
    }
    assert.ok(stepAtKill, 'the build reached the Synapse steps');
    console.log(`# killing PostgreSQL during step "${stepAtKill}"`);
    const dead = await killPostmaster();
    await assertReadyAgain(dead);
    const finished = await homeport.waitForJob(token, third.jobId);
    assert.equal(finished.status, 'succeeded', JSON.stringify(finished));
    await homeport.waitForHostStatus(token, third.id, 'running');
    await assertUserLogsIn('gamma', third.id);
    assert.ok(homeport.running, 'Homeport never exited');
    assert.equal(homeport.pid, homeportPid);
  });

  test('Caddy killed is restarted and serves every host again', async () => {
    const caddyPidFile = join(homeport.dataDir, 'caddy', 'caddy.pid');
    const dead = await pidIn(caddyPidFile);
    process.kill(dead, 'SIGKILL');
    await eventually(async () => assert.notEqual(await pidIn(caddyPidFile), dead, 'a new Caddy runs'), 60_000);
    for (const host of hosts) await assertUserLogsIn(host.label, host.id);
    assert.ok(homeport.running, 'Homeport never exited');
    assert.equal(homeport.pid, homeportPid);
  });
});

describe('a crash of an external PostgreSQL (DATABASE_URL)', () => {
  let postgres: ThrowawayPostgres;
  let homeport: HomeportProcess;

  before(async () => {
    postgres = await startThrowawayPostgres();
    homeport = await HomeportProcess.create('extcrash', { DATABASE_URL: `postgres://${postgres.superuser}@127.0.0.1:${postgres.port}/postgres` });
    await homeport.start();
  });
  after(async () => {
    await homeport?.cleanup();
    await postgres?.stop();
  });

  test('is waited out: /readyz says not ready, /healthz ok, and all is ready again once it is back', async () => {
    const pid = homeport.pid;
    const login = () => homeport.api('POST', '/api/v1/session', { body: { email: 'nobody@example.org', password: 'not a password at all' } });
    assert.equal((await login()).status, 401);
    await postgres.kill();
    await eventually(async () => assert.equal((await fetch(`${homeport.apiUrl}/readyz`)).status, 503), 30_000);
    assert.equal((await fetch(`${homeport.apiUrl}/healthz`)).status, 200);
    // Long enough for the reconciler and the job worker to have met the lost database.
    await eventually(async () => assert.match(homeport.output, /reconciling hosts failed; trying again/), 30_000);
    await eventually(() => postgres.start(), 60_000);
    await eventually(async () => assert.equal((await fetch(`${homeport.apiUrl}/readyz`)).status, 200), 120_000);
    assert.equal((await login()).status, 401);
    assert.ok(homeport.running, 'Homeport never exited');
    assert.equal(homeport.pid, pid);
  });
});
