// Killing Homeport (kill -9) in the middle of an export or an import loses nothing: after a
// restart the job finishes or is cleanly failed, the exported host runs again, and a failed
// import leaves no partial host. Also: an import that would not fit on the disk is refused.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Static } from 'typebox';
import type { Job } from '../../src/contract/jobs.ts';
import { eventually } from '../support/eventually.ts';
import { HomeportProcess, type Problem } from '../support/homeport-process.ts';
import { openHomeportDatabase } from '../support/host-admin.ts';
import { fillHost, textMessages, type HostContent } from '../support/host-content.ts';
import { loginThroughEdge } from '../support/matrix-user.ts';
import { synapseProcesses } from '../support/processes.ts';

type JobView = Static<typeof Job>;

/** Polls a job until one of the steps runs, then kills Homeport; answers the step it was in. */
async function killDuring(homeport: HomeportProcess, jobPath: string, token: string, steps: string[]): Promise<string> {
  const deadline = Date.now() + 300_000;
  while (Date.now() < deadline) {
    const job = (await homeport.api<JobView>('GET', jobPath, { token })).body;
    const running = job.steps.find((step) => step.status === 'running');
    if (running && steps.includes(running.name)) {
      await homeport.kill9();
      return running.name;
    }
    if (job.status === 'succeeded' || job.status === 'failed') break;
    await new Promise((done) => setTimeout(done, 25));
  }
  throw new Error(`the job never ran one of: ${steps.join(', ')}`);
}

async function waitForJobAt(homeport: HomeportProcess, jobPath: string, token: string): Promise<JobView & { error: string | null }> {
  const deadline = Date.now() + 600_000;
  while (Date.now() < deadline) {
    const job = (await homeport.api<JobView & { error: string | null }>('GET', jobPath, { token })).body;
    if (job.status === 'succeeded' || job.status === 'failed') return job;
    await new Promise((done) => setTimeout(done, 250));
  }
  throw new Error(`${jobPath} did not finish`);
}

describe('a crash of Homeport during an export or an import', () => {
  let homeport: HomeportProcess;
  let token: string;
  let operator: string;
  let hostId: string;
  let content: HostContent;
  let work: string;

  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'homeport-portability-crash-'));
    homeport = await HomeportProcess.create('pc');
    await homeport.start();
    token = await homeport.createAccount('owner@example.org');
    const created = await homeport.cli(['account', 'create', '--email', 'ops@example.org', '--name', 'Ops', '--operator', '--with-token']);
    operator = /^token (\S+)$/m.exec(created.stdout)?.[1] ?? '';
    const built = await homeport.cli(['host', 'create', 'acme', '--size', 'starter', '--seats', '10', '--wait'], token);
    assert.equal(built.code, 0, built.stdout + built.stderr);
    hostId = (await homeport.api<{ id: string }>('GET', '/api/v1/hosts/acme', { token })).body.id;
    content = await fillHost(homeport, token, 'acme', hostId, 40);
    await writeFile(join(work, 'alice-password'), content.users[0]!.password);
  });
  after(async () => {
    await homeport?.cleanup();
    await rm(work, { recursive: true, force: true });
  });

  test('during an export: after the restart the export finishes and the host runs again', async () => {
    const started = await homeport.api<{ export: { id: string }; job: { id: string } }>('POST', '/api/v1/hosts/acme/exports', { token, body: {} });
    assert.equal(started.status, 202);
    const step = await killDuring(homeport, `/api/v1/jobs/${started.body.job.id}`, token, ['database dump', 'media archive', 'start Synapse', 'database zip', 'config document', 'checksums']);
    console.log(`# killed Homeport during the export step "${step}"`);
    await homeport.start();
    const job = await waitForJobAt(homeport, `/api/v1/jobs/${started.body.job.id}`, token);
    assert.equal(job.status, 'succeeded', JSON.stringify(job));
    await homeport.waitForHostStatus(token, hostId, 'running');
    assert.equal((await synapseProcesses(homeport.dataDir, hostId)).length, 1, 'exactly one Synapse runs for the host');
    // The edge client's pooled connections may predate the crash: the first tries may fail.
    const alice = await eventually(() => loginThroughEdge(homeport, 'acme', 'alice', content.users[0]!.password), 30_000);
    assert.deepEqual(await textMessages(alice, content.roomId), content.messages);
    const shown = await homeport.api<{ status: string; files: { name: string }[] }>('GET', `/api/v1/hosts/acme/exports/${started.body.export.id}`, { token });
    assert.equal(shown.body.status, 'ready');
    assert.equal(shown.body.files.length, 4);
    const download = await homeport.cli(['host', 'download', 'acme', started.body.export.id, '--to', join(work, 'export')], token);
    assert.equal(download.code, 0, download.stdout + download.stderr);
  });

  test('an import that would not fit on the disk is refused before any change', async () => {
    const cancel = await homeport.cli(['host', 'cancel', 'acme', '--confirm', 'acme', '--wait'], token);
    assert.equal(cancel.code, 0, cancel.stdout + cancel.stderr);
    await homeport.stop();
    homeport.env.HOMEPORT_IMPORT_DISK_RESERVE_MB = String(1024 * 1024 * 1024);
    await homeport.start();
    const refused = await homeport.api<Problem>('POST', '/api/v1/operator/imports', {
      token: operator,
      body: { from: join(work, 'export'), label: 'acme', accountEmail: 'owner@example.org', size: 'starter', seats: 10, verifyUser: 'alice', verifyPassword: content.users[0]!.password },
    });
    assert.equal(refused.status, 409, JSON.stringify(refused.body));
    assert.match(refused.body.detail, /HOMEPORT_IMPORT_DISK_RESERVE_MB/);
    const hosts = await homeport.api<{ hosts: { status: string }[] }>('GET', '/api/v1/operator/hosts', { token: operator });
    assert.deepEqual(hosts.body.hosts.map((host) => host.status), ['cancelled']);
    await homeport.stop();
    delete homeport.env.HOMEPORT_IMPORT_DISK_RESERVE_MB;
    await homeport.start();
  });

  test('during an import: after the restart the import finishes, or fails leaving no partial host', async () => {
    const started = await homeport.api<{ host: { id: string }; job: { id: string } }>('POST', '/api/v1/operator/imports', {
      token: operator,
      body: { from: join(work, 'export'), label: 'acme', accountEmail: 'owner@example.org', size: 'starter', seats: 10, verifyUser: 'alice', verifyPassword: content.users[0]!.password },
    });
    assert.equal(started.status, 202, JSON.stringify(started.body));
    const jobPath = `/api/v1/operator/jobs/${started.body.job.id}`;
    const step = await killDuring(homeport, jobPath, operator, ['database restore', 'sequences and keys', 'media', 'start Synapse', 'healthy', 'admin access', 'verify login']);
    console.log(`# killed Homeport during the import step "${step}"`);
    await homeport.start();
    const job = await waitForJobAt(homeport, jobPath, operator);
    const importedId = started.body.host.id;
    const opened = await openHomeportDatabase(homeport);
    const host = await opened.db.selectFrom('hosts').select(['status', 'database_name']).where('id', '=', importedId).executeTakeFirstOrThrow();
    await opened.close();
    if (job.status === 'succeeded') {
      assert.equal(host.status, 'running');
      assert.equal((await synapseProcesses(homeport.dataDir, importedId)).length, 1);
      const alice = await eventually(() => loginThroughEdge(homeport, 'acme', 'alice', content.users[0]!.password), 30_000);
      assert.deepEqual(await textMessages(alice, content.roomId), content.messages);
    } else {
      console.log(`# the import failed cleanly: ${job.error}`);
      assert.equal(host.status, 'cancelled');
      assert.deepEqual(await synapseProcesses(homeport.dataDir, importedId), []);
      assert.equal(existsSync(join(homeport.dataDir, 'hosts', importedId)), false);
      const postgres = await openHomeportDatabase(homeport, 'postgres');
      const databases = await postgres.pool.query('SELECT 1 FROM pg_database WHERE datname = $1', [host.database_name]);
      await postgres.close();
      assert.equal(databases.rowCount, 0);
    }
  });
});
