// An export on a full disk: the exports directory is a real 64 MiB tmpfs that the test fills.
// When the disk is full before the export, it fails at once and Synapse is never stopped; when it
// fills up while Synapse is stopped, Synapse serves again after that attempt, and the next attempt
// fails at once at the free-space check instead of stopping Synapse again.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { HomeportProcess } from '../support/homeport-process.ts';
import { hostAdmin, openHomeportDatabase } from '../support/host-admin.ts';
import { loginThroughEdge } from '../support/matrix-user.ts';
import { eventually } from '../support/eventually.ts';
import { synapseProcesses } from '../support/processes.ts';

const run = promisify(execFile);

interface JobAnswer {
  status: string;
  error: string;
  attempts: number;
  steps: { name: string; status: string }[];
  logs: { message: string }[];
}

describe('an export on a full disk', () => {
  let homeport: HomeportProcess;
  let exportsDir: string;
  let mounted = false;
  let token: string;
  let hostId: string;
  const filler = () => join(exportsDir, 'filler');

  /** Writes zeros until the tmpfs has no byte left (dd stops with "No space left on device"). */
  async function fillDisk(): Promise<void> {
    await run('dd', ['if=/dev/zero', `of=${filler()}`, 'bs=1M']).catch(() => undefined);
  }

  async function startExport(): Promise<string> {
    const started = await homeport.api<{ job: { id: string } }>('POST', '/api/v1/hosts/acme/exports', { token, body: {} });
    assert.equal(started.status, 202, JSON.stringify(started.body));
    return started.body.job.id;
  }

  async function assertClientWorks(): Promise<void> {
    const dana = await eventually(() => loginThroughEdge(homeport, 'acme', 'dana', 'keeps chatting'), 120_000);
    assert.equal((await dana.whoami()).user_id, `@dana:acme.${homeport.baseDomain}`);
  }

  before(async () => {
    homeport = await HomeportProcess.create('diskfull', { HOMEPORT_IMPORT_DISK_RESERVE_MB: '1' });
    exportsDir = join(homeport.dataDir, 'exports');
    await mkdir(exportsDir, { recursive: true });
    await run('mount', ['-t', 'tmpfs', '-o', 'size=64m,mode=0700', 'tmpfs', exportsDir]);
    mounted = true;
    await homeport.start();
    token = await homeport.createAccount('full@example.org');
    const created = await homeport.api<{ host: { id: string }; job: { id: string } }>('POST', '/api/v1/hosts', { token, body: { label: 'acme', size: 'starter', seats: 5 } });
    assert.equal(created.status, 202);
    hostId = created.body.host.id;
    assert.equal((await homeport.waitForJob(token, created.body.job.id)).status, 'succeeded');
    const admin = await hostAdmin(homeport, hostId);
    await admin.upsertUser(`@dana:acme.${homeport.baseDomain}`, { password: 'keeps chatting' });
  });
  after(async () => {
    await homeport?.stop();
    if (mounted) await run('umount', [exportsDir]);
    await homeport?.cleanup();
  });

  test('already full: fails after one attempt with the reason, and Synapse is never stopped', async () => {
    await fillDisk();
    const synapseBefore = await synapseProcesses(homeport.dataDir, hostId);
    assert.equal(synapseBefore.length, 1);

    const job = await homeport.waitForJob(token, await startExport()) as unknown as JobAnswer;
    assert.equal(job.status, 'failed');
    assert.match(job.error, /The export needs about \d+ MB plus the 1 MB reserve .* only 0 MB are free/);
    assert.match(job.error, /Synapse was not stopped/);
    assert.equal(job.attempts, 1, 'not retried');
    assert.ok(!job.logs.some((line) => /Synapse stopped/.test(line.message)), JSON.stringify(job.logs));

    assert.deepEqual(await synapseProcesses(homeport.dataDir, hostId), synapseBefore, 'the same Synapse process ran throughout');
    assert.equal((await homeport.api<{ status: string }>('GET', `/api/v1/hosts/${hostId}`, { token })).body.status, 'running');
    await assertClientWorks();
    await rm(filler());
  });

  test('filling up while Synapse is stopped: Synapse serves again after that attempt, and the next one does not stop it', async () => {
    // pg_dump waits for this lock, so the disk fills while Synapse is stopped for the copy.
    const opened = await openHomeportDatabase(homeport);
    const { database_name: databaseName } = await opened.db.selectFrom('hosts').select('database_name').where('id', '=', hostId).executeTakeFirstOrThrow();
    await opened.close();
    const hostDatabase = await openHomeportDatabase(homeport, databaseName);
    const locker = await hostDatabase.pool.connect();
    try {
      await locker.query('BEGIN');
      await locker.query('LOCK TABLE schema_version IN ACCESS EXCLUSIVE MODE');
      const jobId = await startExport();
      await eventually(async () => {
        const { rows } = await hostDatabase.pool.query<{ waiting: number }>("SELECT count(*)::int AS waiting FROM pg_locks WHERE relation = 'schema_version'::regclass AND NOT granted");
        assert.equal(rows[0]?.waiting, 1, 'pg_dump waits for the lock');
      }, 120_000);
      assert.deepEqual(await synapseProcesses(homeport.dataDir, hostId), [], 'Synapse is stopped for the copy');
      await fillDisk();
      await locker.query('ROLLBACK');

      const job = await homeport.waitForJob(token, jobId) as unknown as JobAnswer;
      assert.equal(job.status, 'failed', JSON.stringify(job));
      assert.equal(job.attempts, 2, 'the second attempt saw the full disk and stopped there');
      assert.match(job.error, /The export needs about \d+ MB .* Synapse was not stopped/);
      const messages = job.logs.map((line) => line.message);
      const order = [/^Synapse stopped/, /^database dump: /, /^Synapse started again after the failed attempt/, /^attempt 2 of 5/, /^stop Synapse: The export needs about/]
        .map((pattern) => messages.findIndex((message) => pattern.test(message)));
      assert.ok(order.every((index, position) => index >= 0 && (position === 0 || index > order[position - 1]!)), JSON.stringify(messages, null, 1));
      assert.equal(messages.filter((message) => /^Synapse stopped/.test(message)).length, 1, 'Synapse was stopped once');
    } finally {
      locker.release();
      await hostDatabase.close();
      await rm(filler(), { force: true });
    }
    assert.equal((await synapseProcesses(homeport.dataDir, hostId)).length, 1);
    await homeport.waitForHostStatus(token, hostId, 'running');
    await assertClientWorks();
  });
});
