// New hosts' databases are copies of a Synapse schema prepared once per Synapse version (by
// Synapse's own update_synapse_database): the copy belongs to the host's own role, Synapse starts
// on it without complaint, with no background update left to run, and a restart of Homeport reuses the template instead of preparing again.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { templateDatabaseName, templateOwner } from '../../src/runtime/local/synapse-schema-template.ts';
import { synapseVersion } from '../../src/runtime/local/synapse-venv.ts';
import { eventually } from '../support/eventually.ts';
import { HomeportProcess } from '../support/homeport-process.ts';
import { hostAdmin, openHomeportDatabase } from '../support/host-admin.ts';
import { loginThroughEdge } from '../support/matrix-user.ts';

describe('the Synapse schema template', () => {
  let homeport: HomeportProcess;
  const template = templateDatabaseName(synapseVersion);

  before(async () => {
    homeport = await HomeportProcess.create('tmpl');
    await homeport.start();
  });
  after(async () => {
    await homeport?.cleanup();
  });

  async function inCluster<T>(database: string, action: (pool: pg.Pool) => Promise<T>): Promise<T> {
    const opened = await openHomeportDatabase(homeport, database);
    try {
      return await action(opened.pool);
    } finally {
      await opened.close();
    }
  }

  const templateRow = () => inCluster('postgres', async (pool) =>
    (await pool.query<{ oid: number; datistemplate: boolean; datallowconn: boolean }>('SELECT oid, datistemplate, datallowconn FROM pg_database WHERE datname = $1', [template])).rows[0]);

  test('is prepared after start, and a new host is a copy owned by its own role', async () => {
    const ready = await eventually(async () => {
      const row = await templateRow();
      assert.ok(row?.datistemplate, 'the template is marked as a template');
      return row;
    }, 120_000);
    assert.equal(ready.datallowconn, false, 'nobody connects to the template');
    const scratch = await inCluster('postgres', async (pool) => (await pool.query("SELECT datname FROM pg_database WHERE datname LIKE '%_wip'")).rows);
    assert.deepEqual(scratch, [], 'no half-prepared template is left');

    const token = await homeport.createAccount('template@example.org');
    const created = await homeport.api<{ host: { id: string }; job: { id: string } }>('POST', '/api/v1/hosts', { token, body: { label: 'copied', size: 'starter', seats: 10 } });
    assert.equal(created.status, 202);
    const job = await homeport.waitForJob(token, created.body.job.id) as { status: string; logs: { message: string }[] };
    assert.equal(job.status, 'succeeded', JSON.stringify(job));
    assert.ok(job.logs.some((line) => /copied from the prepared template/.test(line.message)), JSON.stringify(job.logs.map((line) => line.message)));

    const opened = await openHomeportDatabase(homeport);
    const host = await opened.db.selectFrom('hosts').select('database_name').where('id', '=', created.body.host.id).executeTakeFirstOrThrow();
    await opened.close();
    const owners = await inCluster(host.database_name, async (pool) =>
      (await pool.query<{ owner: string; n: string }>("SELECT tableowner AS owner, count(*) AS n FROM pg_tables WHERE schemaname = 'public' GROUP BY tableowner")).rows);
    assert.deepEqual(owners.map((row) => row.owner), [host.database_name], 'every Synapse table belongs to the host role');
    assert.ok(Number(owners[0]!.n) > 100, `Synapse's schema is there (${owners[0]!.n} tables)`);
    const foreign = await inCluster(host.database_name, async (pool) =>
      (await pool.query("SELECT count(*)::int AS n FROM pg_class c JOIN pg_roles r ON r.oid = c.relowner WHERE r.rolname = $1", [templateOwner])).rows[0]);
    assert.equal(foreign.n, 0, 'nothing in the host database belongs to the template role');
    // The template's background updates ran before it was copied: a new host has none left to run.
    const pending = await inCluster(host.database_name, async (pool) => (await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM background_updates')).rows[0]);
    assert.equal(pending?.n, 0, 'no background update is left for the new host');

    const admin = await hostAdmin(homeport, created.body.host.id);
    await admin.upsertUser(`@ann:copied.${homeport.baseDomain}`, { password: 'a copied schema works' });
    const ann = await loginThroughEdge(homeport, 'copied', 'ann', 'a copied schema works');
    const room = await ann.createRoom({ name: 'on a copied schema' });
    assert.match(room.room_id, /^!/);

    // Cancelling drops the host's role: nothing outside its database may depend on it.
    const cancel = await homeport.api<{ job: { id: string } }>('DELETE', `/api/v1/hosts/${created.body.host.id}`, { token, body: { confirm: 'copied' } });
    assert.equal(cancel.status, 202);
    const cancelled = await homeport.waitForJob(token, cancel.body.job.id);
    assert.equal(cancelled.status, 'succeeded', JSON.stringify(cancelled));
    const templateOwnerNow = await inCluster('postgres', async (pool) =>
      (await pool.query<{ owner: string }>('SELECT pg_get_userbyid(datdba) AS owner FROM pg_database WHERE datname = $1', [template])).rows[0]?.owner);
    assert.notEqual(templateOwnerNow, host.database_name, 'the template database never belongs to a host');
  });

  test('survives a restart of Homeport without being prepared again', async () => {
    const before = await templateRow();
    await homeport.kill9();
    await homeport.start();
    const afterRestart = await templateRow();
    assert.equal(afterRestart?.oid, before?.oid, 'the same template database');
  });
});
