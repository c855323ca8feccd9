// Two or more Homeport processes (replicas) on one PostgreSQL: the API answers from each, a job
// runs exactly once, only one replica reconciles and runs the local runtime, and the work of a
// replica killed with -9 mid-build is taken over by another once its lease expires; a replica
// that merely stalled past its lease stops its running job at once.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { HomeportProcess } from '../support/homeport-process.ts';
import { hostAdmin, openHomeportDatabase } from '../support/host-admin.ts';
import { loginThroughEdge } from '../support/matrix-user.ts';
import { eventually } from '../support/eventually.ts';
import { synapseProcesses } from '../support/processes.ts';
import { jobWorkerLeasePrefix } from '../../src/store/leases.ts';

/** Short, so that a dead replica's work is taken over soon; the assertions never depend on it. */
const leaseSeconds = '15';

interface JobDetail {
  status: string;
  steps: { name: string; status: string }[];
  logs: { level: string; message: string }[];
}

async function jobRow(homeport: HomeportProcess, jobId: string): Promise<{ attempts: number; status: string }> {
  const opened = await openHomeportDatabase(homeport);
  try {
    return await opened.db.selectFrom('jobs').select(['attempts', 'status']).where('id', '=', jobId).executeTakeFirstOrThrow();
  } finally {
    await opened.close();
  }
}

/** Makes every job worker lease of `homeport`'s process look expired, as if it had stalled past its lease. */
async function expireWorkerLeases(homeport: HomeportProcess): Promise<void> {
  const opened = await openHomeportDatabase(homeport);
  try {
    const expired = await opened.db.updateTable('leases').set({ expires_at: new Date(Date.now() - 1000) })
      .where('name', 'like', `${jobWorkerLeasePrefix}%`).where('holder', 'like', `%:${homeport.pid}:%`).executeTakeFirst();
    assert.ok(Number(expired.numUpdatedRows) > 0, 'the replica held a job worker lease');
  } finally {
    await opened.close();
  }
}

async function reconcilerHolder(homeport: HomeportProcess): Promise<string | undefined> {
  const opened = await openHomeportDatabase(homeport);
  try {
    const rows = await opened.db.selectFrom('leases').select('holder').where('name', '=', 'reconciler').where('expires_at', '>', new Date()).execute();
    return rows[0]?.holder;
  } finally {
    await opened.close();
  }
}

describe('control-plane replicas on one database', () => {
  let first: HomeportProcess;
  let apiWorker: HomeportProcess;
  const replicas: HomeportProcess[] = [];

  before(async () => {
    first = await HomeportProcess.create('replicas', { HOMEPORT_WORKER_LEASE_SECONDS: leaseSeconds });
    await first.start();
    apiWorker = await first.replica(['--roles', 'api,worker']);
    replicas.push(apiWorker);
    await apiWorker.start();
  });
  after(async () => {
    for (const replica of replicas.reverse()) await replica.cleanup();
    await first?.cleanup();
  });

  test('the API answers from both replicas, a host bought through either is built once, by the replica with the local runtime', async () => {
    const token = await first.createAccount('replicas@example.org');
    const created = await apiWorker.api<{ host: { id: string }; job: { id: string } }>('POST', '/api/v1/hosts', { token, body: { label: 'alpha', size: 'starter', seats: 5 } });
    assert.equal(created.status, 202);
    const finished = await apiWorker.waitForJob(token, created.body.job.id);
    assert.equal(finished.status, 'succeeded', JSON.stringify(finished));
    for (const replica of [first, apiWorker]) {
      const answer = await replica.api<{ status: string }>('GET', `/api/v1/hosts/${created.body.host.id}`, { token });
      assert.equal(answer.status, 200);
      assert.equal(answer.body.status, 'running');
    }
    const logs = (await first.api<JobDetail>('GET', `/api/v1/jobs/${created.body.job.id}`, { token })).body.logs;
    assert.equal((await jobRow(first, created.body.job.id)).attempts, 1, `the job ran once: ${JSON.stringify(logs)}`);
    assert.equal((await synapseProcesses(first.dataDir, created.body.host.id)).length, 1, 'one Synapse for the host');
    assert.match(first.output, new RegExp(`"jobId":"${created.body.job.id}"[^\\n]*"job finished"`), 'the replica with the local runtime ran the job');
    assert.doesNotMatch(apiWorker.output, /"job finished"/, 'the api,worker replica has no host processes and ran no host job');
  });

  test('a replica whose job lease expired unrenewed stops its running job at once, and the job runs again from the start', async () => {
    const token = await first.createAccount('stalled@example.org');
    const created = await first.api<{ host: { id: string }; job: { id: string } }>('POST', '/api/v1/hosts', { token, body: { label: 'charlie', size: 'starter', seats: 5 } });
    assert.equal(created.status, 202);
    const { host, job } = created.body;
    // Synapse is frozen while the build waits for it to be healthy, so the job is certainly mid-step when the lease goes.
    const frozen = await eventually(async () => {
      const detail = (await first.api<JobDetail>('GET', `/api/v1/jobs/${job.id}`, { token })).body;
      assert.equal(detail.steps.find((step) => step.status === 'running')?.name, 'healthy');
      const pids = await synapseProcesses(first.dataDir, host.id);
      assert.equal(pids.length, 1);
      return pids;
    }, 120_000, 50);
    for (const pid of frozen) process.kill(pid, 'SIGSTOP');
    try {
      await expireWorkerLeases(first);
      await eventually(async () => {
        const detail = (await first.api<JobDetail>('GET', `/api/v1/jobs/${job.id}`, { token })).body;
        assert.ok(detail.logs.some((entry) => /step "healthy" is being stopped: this replica lost its job lease/.test(entry.message)), JSON.stringify(detail.logs));
      }, 60_000);
    } finally {
      for (const pid of frozen) process.kill(pid, 'SIGCONT');
    }
    const finished = await first.waitForJob(token, job.id);
    assert.equal(finished.status, 'succeeded', JSON.stringify(finished));
    const logs = (await first.api<JobDetail>('GET', `/api/v1/jobs/${job.id}`, { token })).body.logs;
    assert.equal((await jobRow(first, job.id)).attempts, 2, `the stopped attempt and the one that finished: ${JSON.stringify(logs)}`);
    assert.equal((await synapseProcesses(first.dataDir, host.id)).length, 1, 'exactly one Synapse runs for the host');
    assert.equal((await first.waitForHostStatus(token, host.id, 'running')).status, 'running');
  });

  test('only one replica reconciles and runs the local runtime: a second one is refused at start', async () => {
    assert.match(await reconcilerHolder(first) ?? '', new RegExp(`:${first.pid}:`), 'the first replica holds the reconciler');

    const secondEdge = await first.replica([], {
      HOMEPORT_EDGE_HTTP_PORT: String(Number(first.env.HOMEPORT_EDGE_HTTP_PORT) + 1000),
      HOMEPORT_EDGE_HTTPS_PORT: String(Number(first.env.HOMEPORT_EDGE_HTTPS_PORT) + 1000),
      HOMEPORT_DEV_FEDERATION_PROXY_PORT: String(Number(first.env.HOMEPORT_DEV_FEDERATION_PROXY_PORT) + 1000),
    });
    replicas.push(secondEdge);
    const refused = await secondEdge.startRefused();
    assert.notEqual(refused.code, 0);
    assert.match(refused.output, /already runs the local runtime on this database: with the local runtime only one replica may have the edge role/);

    const lonelyReconciler = await first.replica(['--roles', 'api,reconciler']);
    replicas.push(lonelyReconciler);
    const alsoRefused = await lonelyReconciler.startRefused();
    assert.notEqual(alsoRefused.code, 0);
    assert.match(alsoRefused.output, /the reconciler role needs the edge role/);
    assert.match(await reconcilerHolder(first) ?? '', new RegExp(`:${first.pid}:`), 'the reconciler stayed where it was');
  });

  test('a replica killed with -9 mid-build: its job is unlocked by another once its lease expires and finished by the next replica with the local runtime, once', async () => {
    const token = await first.createAccount('takeover@example.org');
    const created = await first.api<{ host: { id: string }; job: { id: string } }>('POST', '/api/v1/hosts', { token, body: { label: 'bravo', size: 'starter', seats: 5 } });
    assert.equal(created.status, 202);
    const { host, job } = created.body;

    // Kill the first replica once Synapse has been started and the build waits for it to be healthy.
    let stepAtKill = '';
    await eventually(async () => {
      const detail = (await first.api<JobDetail>('GET', `/api/v1/jobs/${job.id}`, { token })).body;
      const running = detail.steps.find((step) => step.status === 'running');
      assert.ok(running && ['healthy', 'admin access', 'start Synapse'].includes(running.name), `step ${running?.name ?? 'none'}`);
      assert.equal((await synapseProcesses(first.dataDir, host.id)).length, 1);
      stepAtKill = running.name;
    }, 120_000, 50);
    console.log(`# killing the first replica during step "${stepAtKill}"`);
    await first.kill9();
    assert.equal((await jobRow(first, job.id)).attempts, 1, 'the first replica had started the job once');

    // The api,worker replica, still alive, sees the dead replica's lease expire and unlocks its job.
    const takenOver = await eventually(async () => {
      const detail = (await apiWorker.api<JobDetail>('GET', `/api/v1/jobs/${job.id}`, { token })).body;
      const line = detail.logs.find((entry) => /stopped renewing its lease: another replica resumes it/.test(entry.message));
      assert.ok(line, 'the job log tells that the job was taken over');
      return detail;
    }, 120_000);
    assert.notEqual(takenOver.status, 'succeeded', 'nobody finished the job while no replica had the local runtime');

    // A replica with every role takes the local runtime over (the lock died with the first one) and finishes the build.
    const successor = await first.replica([]);
    replicas.push(successor);
    await successor.start();
    const finished = await successor.waitForJob(token, job.id);
    assert.equal(finished.status, 'succeeded', JSON.stringify(finished));
    assert.equal((await successor.waitForHostStatus(token, host.id, 'running')).status, 'running');
    const logs = (await successor.api<JobDetail>('GET', `/api/v1/jobs/${job.id}`, { token })).body.logs;
    assert.equal((await jobRow(successor, job.id)).attempts, 2, `one interrupted attempt, one that finished: the job ran no more than that: ${JSON.stringify(logs)}`);
    assert.equal((await synapseProcesses(successor.dataDir, host.id)).length, 1, 'exactly one Synapse runs for the host');
    for (const replica of [apiWorker, successor]) {
      assert.equal((await replica.api<{ status: string }>('GET', `/api/v1/hosts/${host.id}`, { token })).body.status, 'running');
    }
    // The reconciler moved to the successor once the dead replica's lease expired.
    await eventually(async () => assert.match(await reconcilerHolder(successor) ?? '', new RegExp(`:${successor.pid}:`)), 120_000);

    const admin = await hostAdmin(successor, host.id);
    await admin.upsertUser(`@carol:bravo.${successor.baseDomain}`, { password: 'taken over, still fine' });
    const carol = await loginThroughEdge(successor, 'bravo', 'carol', 'taken over, still fine');
    assert.equal((await carol.whoami()).user_id, `@carol:bravo.${successor.baseDomain}`);
  });
});
