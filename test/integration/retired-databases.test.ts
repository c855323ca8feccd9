// A removed host's database against a real PostgreSQL: retiring it ends its connections, refuses
// new ones (also its role's), frees its name at once and forces no checkpoint (PostgreSQL 15's
// DROP DATABASE does, which is why removal no longer drops); the sweep drops every retired
// database and role, also ones a crashed Homeport left.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { createLogger } from '../../src/logger.ts';
import { ensureHostDatabase } from '../../src/runtime/local/host-databases.ts';
import { RetiredDatabases } from '../../src/runtime/local/retired-databases.ts';
import { databaseLeftovers } from '../support/database-leftovers.ts';
import { eventually } from '../support/eventually.ts';
import { startThrowawayPostgres, type ThrowawayPostgres } from '../support/throwaway-postgres.ts';

describe('retired host databases', () => {
  let postgres: ThrowawayPostgres;
  let admin: pg.Pool;
  const logger = createLogger('warn');
  const acme = { name: 'host_acme_0a1b2c', user: 'host_acme_0a1b2c', password: 'acme-secret-1' };

  const requestedCheckpoints = async () => Number((await admin.query<{ n: string }>('SELECT checkpoints_req::text AS n FROM pg_stat_bgwriter')).rows[0]?.n);
  const connectAs = (database: typeof acme) => new pg.Client({ host: '127.0.0.1', port: postgres.port, database: database.name, user: database.user, password: database.password });

  before(async () => {
    postgres = await startThrowawayPostgres();
    admin = new pg.Pool({ connectionString: `postgres://${postgres.superuser}@127.0.0.1:${postgres.port}/postgres`, max: 3 });
    admin.on('error', () => undefined);
  });
  after(async () => {
    await admin?.end();
    await postgres?.stop();
  });

  test('retiring ends the connections, refuses new ones, frees the name without a checkpoint; the sweep drops it and its role', async () => {
    await ensureHostDatabase(admin, acme);
    const synapse = connectAs(acme);
    synapse.on('error', () => undefined);
    await synapse.connect();
    await synapse.query('CREATE TABLE events (id integer)');
    await synapse.query('INSERT INTO events SELECT generate_series(1, 1000)');
    const retired = new RetiredDatabases(admin, logger, { sweepDelayMs: 3_600_000 });
    try {
      const checkpointsBefore = await requestedCheckpoints();
      await retired.retireHostDatabase(acme);
      assert.equal(await requestedCheckpoints(), checkpointsBefore, 'retiring forced a checkpoint');
      await assert.rejects(synapse.query('SELECT 1'), 'a connection to the retired database is still open');
      await assert.rejects(connectAs(acme).connect(), 'the retired role could still log in');
      const left = await databaseLeftovers(admin, acme);
      assert.equal(left.length, 2, `expected the retired database and role, found ${left.join(', ')}`);
      assert.ok(left.every((what) => /^(database|role) retired_/.test(what)), left.join(', '));
      // The name is free at once: a database and role of that name can be made again, and the sweep leaves them.
      await ensureHostDatabase(admin, acme);
      assert.deepEqual(await retired.sweep(), { databases: 1, roles: 1 });
      assert.deepEqual(await databaseLeftovers(admin, acme), [`database ${acme.name}`, `role ${acme.user}`]);
      await retired.retireHostDatabase(acme);
      await retired.sweep();
      assert.deepEqual(await databaseLeftovers(admin, acme), []);
      // Retiring what does not exist is harmless.
      await retired.retireHostDatabase(acme);
    } finally {
      await retired.close();
      await synapse.end().catch(() => undefined);
    }
  });

  test('a retire interrupted between refusing connections and the rename (Homeport killed) leaves a database the host build step opens again, contents untouched', async () => {
    const initech = { name: 'host_initech_6a7b8c', user: 'host_initech_6a7b8c', password: 'initech-secret-1' };
    await ensureHostDatabase(admin, initech);
    const before = connectAs(initech);
    await before.connect();
    await before.query('CREATE TABLE events (id integer)');
    await before.query('INSERT INTO events SELECT generate_series(1, 10)');
    await before.end();
    // What retireHostDatabase has done when a kill falls after its first database statement.
    await admin.query(`ALTER ROLE ${initech.user} NOLOGIN`);
    await admin.query(`ALTER DATABASE ${initech.name} WITH ALLOW_CONNECTIONS false`);
    await assert.rejects(connectAs(initech).connect(), 'the half-retired database still took a connection');
    await ensureHostDatabase(admin, initech);
    const after = connectAs(initech);
    await after.connect();
    try {
      assert.equal((await after.query<{ n: number }>('SELECT count(*)::int AS n FROM events')).rows[0]?.n, 10);
    } finally {
      await after.end();
    }
    // The job's later step retires it again, whole this time.
    const retired = new RetiredDatabases(admin, logger, { sweepDelayMs: 3_600_000 });
    try {
      await retired.retireHostDatabase(initech);
      await retired.sweep();
      assert.deepEqual(await databaseLeftovers(admin, initech), []);
    } finally {
      await retired.close();
    }
  });

  test('what a crashed Homeport left retired is dropped when the next one starts', async () => {
    const globex = { name: 'host_globex_3d4e5f', user: 'host_globex_3d4e5f', password: 'globex-secret-1' };
    await ensureHostDatabase(admin, globex);
    const crashed = new RetiredDatabases(admin, logger, { sweepDelayMs: 3_600_000 });
    await crashed.retireHostDatabase(globex);
    // No sweep ran and no close: the process is gone.
    assert.equal((await databaseLeftovers(admin, globex)).length, 2);
    const next = new RetiredDatabases(admin, logger, { sweepDelayMs: 3_600_000 });
    try {
      next.start();
      await eventually(async () => assert.deepEqual(await databaseLeftovers(admin, globex), []), 30_000, 200);
    } finally {
      await next.close();
      await crashed.close();
    }
  });
});
