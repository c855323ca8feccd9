// The autovacuum launcher's pace against a real PostgreSQL: Homeport's cluster keeps PostgreSQL's
// one-minute naptime while it holds few databases, and stretches it to one second per database
// when it holds many (each database is still visited every round, at most one worker starts a
// second), changing the server's setting only when it is off by more than a tenth.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { createLogger } from '../../src/logger.ts';
import { AutovacuumPace, autovacuumNaptimeSeconds, naptimeNeedsChange } from '../../src/runtime/local/autovacuum-pace.ts';
import { eventually } from '../support/eventually.ts';
import { startThrowawayPostgres, type ThrowawayPostgres } from '../support/throwaway-postgres.ts';

describe('autovacuum pace', () => {
  let postgres: ThrowawayPostgres;
  let admin: pg.Pool;

  /** What a new session sees, so after the reload has reached it. */
  const naptimeInForce = async () => {
    const client = new pg.Client({ connectionString: `postgres://${postgres.superuser}@127.0.0.1:${postgres.port}/postgres` });
    await client.connect();
    try {
      return Number((await client.query<{ setting: string }>("SELECT setting FROM pg_settings WHERE name = 'autovacuum_naptime'")).rows[0]?.setting);
    } finally {
      await client.end();
    }
  };
  const databases = async () => Number((await admin.query<{ n: string }>('SELECT count(*) AS n FROM pg_database')).rows[0]?.n);
  const createDatabases = async (prefix: string, count: number) => {
    for (let index = 0; index < count; index++) await admin.query(`CREATE DATABASE ${prefix}_${index} TEMPLATE template0`);
  };

  before(async () => {
    postgres = await startThrowawayPostgres();
    admin = new pg.Pool({ connectionString: `postgres://${postgres.superuser}@127.0.0.1:${postgres.port}/postgres`, max: 2 });
    admin.on('error', () => undefined);
  });
  after(async () => {
    await admin?.end();
    await postgres?.stop();
  });

  test('the naptime is a minute up to 60 databases, then a second per database', () => {
    assert.equal(autovacuumNaptimeSeconds(3), 60);
    assert.equal(autovacuumNaptimeSeconds(60), 60);
    assert.equal(autovacuumNaptimeSeconds(61), 61);
    assert.equal(autovacuumNaptimeSeconds(1_000), 1_000);
    assert.equal(naptimeNeedsChange(60, 60), false);
    assert.equal(naptimeNeedsChange(1_000, 1_090), false);
    assert.equal(naptimeNeedsChange(1_000, 1_101), true);
    assert.equal(naptimeNeedsChange(1_000, 899), true);
  });

  test('a cluster of few databases keeps PostgreSQL’s minute; many databases stretch it; a few more do not reload the server', async () => {
    const pace = new AutovacuumPace(admin, createLogger('warn'));
    assert.equal(await pace.fit(), 60);
    assert.equal(await naptimeInForce(), 60);
    const autoConf = async () => Number((await admin.query<{ n: string }>("SELECT count(*) AS n FROM pg_file_settings WHERE name = 'autovacuum_naptime' AND sourcefile LIKE '%postgresql.auto.conf'")).rows[0]?.n);
    assert.equal(await autoConf(), 0, 'nothing was written while the default fits');

    await createDatabases('host', 100 - (await databases()));
    assert.equal(await pace.fit(), 100);
    await eventually(async () => assert.equal(await naptimeInForce(), 100), 10_000);
    assert.equal(await autoConf(), 1, 'kept in postgresql.auto.conf, so a restart keeps it');

    await createDatabases('more', 5);
    assert.equal(await pace.fit(), 100, 'within a tenth: left as it is');
    await createDatabases('many', 10);
    assert.equal(await pace.fit(), 115);
    await eventually(async () => assert.equal(await naptimeInForce(), 115), 10_000);
  });
});
