// Killing Homeport (kill -9) in the middle of a build loses nothing: after a restart the build
// finishes, with exactly one Synapse process and one database for the host.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { HomeportProcess } from '../support/homeport-process.ts';
import { hostAdmin, openHomeportDatabase } from '../support/host-admin.ts';
import { loginThroughEdge } from '../support/matrix-user.ts';
import { eventually } from '../support/eventually.ts';
import { synapseProcesses } from '../support/processes.ts';

describe('a crash of Homeport during a build', () => {
  let homeport: HomeportProcess;

  before(async () => {
    homeport = await HomeportProcess.create('crash');
    await homeport.start();
  });
  after(async () => {
    await homeport?.cleanup();
  });

  test('is survived: the build finishes after a restart, with one Synapse and one database', async () => {
    const token = await homeport.createAccount('crash@example.org');
    const created = await homeport.api<{ host: { id: string }; job: { id: string } }>('POST', '/api/v1/hosts', { token, body: { label: 'acme', size: 'starter', seats: 10 } });
    assert.equal(created.status, 202);
    const { host, job } = created.body;

    // Kill Homeport once Synapse has been started and the build waits for it to be healthy.
    const deadline = Date.now() + 120_000;
    let stepAtKill = '';
    while (Date.now() < deadline) {
      const detail = (await homeport.api<{ steps: { name: string; status: string }[] }>('GET', `/api/v1/jobs/${job.id}`, { token })).body;
      const running = detail.steps.find((step) => step.status === 'running');
      // "start Synapse" runs before and after the spawn: wait until the process is really there.
      if (running && ['healthy', 'admin access', 'start Synapse'].includes(running.name) && (await synapseProcesses(homeport.dataDir, host.id)).length === 1) {
        stepAtKill = running.name;
        break;
      }
      await new Promise((done) => setTimeout(done, 50));
    }
    assert.ok(stepAtKill, 'the build reached the Synapse steps');
    console.log(`# killing Homeport during step "${stepAtKill}"`);
    await homeport.kill9();
    assert.equal((await synapseProcesses(homeport.dataDir, host.id)).length, 1, 'the detached Synapse survived the crash');

    await homeport.start();
    const finished = await homeport.waitForJob(token, job.id);
    assert.equal(finished.status, 'succeeded', JSON.stringify(finished));
    assert.equal((await homeport.waitForHostStatus(token, host.id, 'running')).status, 'running');

    assert.equal((await synapseProcesses(homeport.dataDir, host.id)).length, 1, 'exactly one Synapse runs for the host');
    const opened = await openHomeportDatabase(homeport);
    const row = await opened.db.selectFrom('hosts').select('database_name').where('id', '=', host.id).executeTakeFirstOrThrow();
    const hosts = await opened.db.selectFrom('hosts').select('id').execute();
    await opened.close();
    assert.equal(hosts.length, 1, 'one host row');
    const postgres = await openHomeportDatabase(homeport, 'postgres');
    const databases = await postgres.pool.query<{ datname: string }>("SELECT datname FROM pg_database WHERE datname LIKE 'host_acme%'");
    await postgres.close();
    assert.deepEqual(databases.rows.map((db) => db.datname), [row.database_name]);

    const admin = await hostAdmin(homeport, host.id);
    await admin.upsertUser(`@bob:acme.${homeport.baseDomain}`, { password: 'after the crash, still fine' });
    const bob = await loginThroughEdge(homeport, 'acme', 'bob', 'after the crash, still fine');
    assert.equal((await bob.whoami()).user_id, `@bob:acme.${homeport.baseDomain}`);
  });

  test('a Ctrl-C stops the hosts and the next start brings them back', async () => {
    const token = await homeport.createAccount('restart@example.org');
    const { body } = await homeport.api<{ hosts: { id: string }[] }>('GET', '/api/v1/hosts', { token });
    assert.equal(body.hosts.length, 0, 'hosts of another account are not listed');
    const opened = await openHomeportDatabase(homeport);
    const host = await opened.db.selectFrom('hosts').select('id').executeTakeFirstOrThrow();
    await opened.close();
    await homeport.stop();
    assert.deepEqual(await synapseProcesses(homeport.dataDir, host.id), [], 'Ctrl-C stopped the host');
    await homeport.start();
    await eventually(async () => assert.equal((await synapseProcesses(homeport.dataDir, host.id)).length, 1), 60_000);
    assert.equal((await synapseProcesses(homeport.dataDir, host.id)).length, 1);
    const bob = await eventually(() => loginThroughEdge(homeport, 'acme', 'bob', 'after the crash, still fine'), 60_000);
    assert.ok(await bob.whoami());
  });

  test('a job that died in its last attempt is failed at the next start, and a rebuild finishes the host', async () => {
    const token = await homeport.createAccount('last-attempt@example.org');
    const created = await homeport.api<{ host: { id: string }; job: { id: string } }>('POST', '/api/v1/hosts', { token, body: { label: 'beta', size: 'starter', seats: 5 } });
    assert.equal(created.status, 202);
    await homeport.kill9();
    // As if every attempt had been used: the queue will never run this job again.
    const opened = await openHomeportDatabase(homeport);
    // The dead Homeport may have locked the job; graphile-worker only reschedules unlocked jobs.
    await opened.pool.query('SELECT graphile_worker.force_unlock_workers(ARRAY(SELECT DISTINCT locked_by FROM graphile_worker.jobs WHERE locked_by IS NOT NULL))');
    const { rowCount } = await opened.pool.query(
      'SELECT graphile_worker.reschedule_jobs(ARRAY(SELECT id FROM graphile_worker.jobs WHERE key = $1), attempts => 1, max_attempts => 1)',
      [created.body.job.id],
    );
    await opened.close();
    assert.equal(rowCount, 1);
    await homeport.start();

    const job = (await homeport.api<{ status: string; error: string }>('GET', `/api/v1/jobs/${created.body.job.id}`, { token })).body;
    assert.equal(job.status, 'failed');
    assert.match(job.error, /rebuild the host/);
    assert.equal((await homeport.api<{ status: string }>('GET', `/api/v1/hosts/${created.body.host.id}`, { token })).body.status, 'failed');

    const rebuild = await homeport.api<{ job: { id: string } }>('POST', `/api/v1/hosts/${created.body.host.id}/rebuild`, { token });
    assert.equal(rebuild.status, 202);
    assert.equal((await homeport.waitForJob(token, rebuild.body.job.id)).status, 'succeeded');
    await homeport.waitForHostStatus(token, created.body.host.id, 'running');
    assert.equal((await synapseProcesses(homeport.dataDir, created.body.host.id)).length, 1);
  });
});
