// The leases replicas share through PostgreSQL: one holder at a time, a dead job worker's locks
// recognised once its lease expired (and not before), and a singleton that moves to another
// replica when its holder stops renewing.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { runMigrations } from 'graphile-worker';
import { sql } from 'kysely';
import { SingletonLease } from '../../src/jobs/singleton-lease.ts';
import { createLogger } from '../../src/logger.ts';
import { migrate, openDatabase, type OpenedDatabase } from '../../src/store/database.ts';
import { claimLease, deadJobWorkers, jobWorkerLeasePrefix, leaseHolder, renewLease } from '../../src/store/leases.ts';
import { eventually } from '../support/eventually.ts';
import { startThrowawayPostgres, type ThrowawayPostgres } from '../support/throwaway-postgres.ts';

describe('leases', () => {
  let postgres: ThrowawayPostgres;
  let connection: string;
  let database: OpenedDatabase;

  before(async () => {
    postgres = await startThrowawayPostgres();
    connection = `postgres://${postgres.superuser}@127.0.0.1:${postgres.port}/postgres`;
    database = openDatabase(connection, 4);
    await migrate(database.db);
    await runMigrations({ pgPool: database.pool });
  });
  after(async () => {
    await database?.close();
    await postgres?.stop();
  });

  test('one holder at a time; only the holder renews; an expired lease goes to the next who asks', async () => {
    const { db } = database;
    assert.equal(await claimLease(db, 'one', 'replica-a', 60), true);
    assert.equal(await claimLease(db, 'one', 'replica-b', 60), false);
    assert.equal(await renewLease(db, 'one', 'replica-b', 60), false);
    assert.equal(await renewLease(db, 'one', 'replica-a', 60), true);
    assert.equal(await leaseHolder(db, 'one'), 'replica-a');
    await db.updateTable('leases').set({ expires_at: sql<Date>`now() - interval '1 second'` }).where('name', '=', 'one').execute();
    assert.equal(await renewLease(db, 'one', 'replica-a', 60), false, 'a lease that expired cannot be renewed: its jobs may run elsewhere already');
    assert.equal(await claimLease(db, 'one', 'replica-b', 60), true);
    assert.equal(await leaseHolder(db, 'one'), 'replica-b');
  });

  test("a job worker's locks count as dead once its lease expired, or when it never had one and locked long ago", async () => {
    const { db, pool } = database;
    const lock = async (key: string, worker: string, lockedAgo: string) => {
      await pool.query("SELECT graphile_worker.add_job('test-task', '{}'::json, job_key => $1)", [key]);
      await pool.query(`UPDATE graphile_worker._private_jobs SET locked_by = $1, locked_at = now() - $2::interval WHERE key = $3`, [worker, lockedAgo, key]);
    };
    await lock('live', 'pool-live', '10 minutes');
    await claimLease(db, jobWorkerLeasePrefix + 'pool-live', 'replica-a', 60);
    await lock('expired', 'pool-expired', '1 second');
    await claimLease(db, jobWorkerLeasePrefix + 'pool-expired', 'replica-b', 60);
    await db.updateTable('leases').set({ expires_at: sql<Date>`now() - interval '1 second'` }).where('name', '=', jobWorkerLeasePrefix + 'pool-expired').execute();
    await lock('just-locked', 'pool-starting', '1 second');
    await lock('orphan', 'pool-orphan', '10 minutes');

    assert.deepEqual((await deadJobWorkers(db, 60)).sort(), ['pool-expired', 'pool-orphan']);
  });

  test('a singleton runs on one replica; when its holder stops renewing, it moves to the other, never running on both', async () => {
    const logger = createLogger('silent');
    const running = new Set<string>();
    let overlaps = 0;
    const replica = (name: string, opened: OpenedDatabase) => new SingletonLease({
      db: opened.db, logger, name: 'reconciler-test', holder: name, leaseSeconds: 2,
      lead: async () => {
        running.add(name);
        if (running.size > 1) overlaps++;
        return { stop: async () => { running.delete(name); } };
      },
    });
    const dbA = openDatabase(connection, 2);
    const dbB = openDatabase(connection, 2);
    const a = replica('replica-a', dbA);
    const b = replica('replica-b', dbB);
    try {
      await a.start();
      await b.start();
      assert.equal(a.leading, true);
      assert.equal(b.leading, false);
      // Replica A loses its database for good: it can no longer renew.
      await dbA.close();
      await eventually(async () => assert.equal(b.leading, true), 60_000, 100);
      assert.equal(a.leading, false, 'A stopped by itself before its lease could expire in the database');
      assert.equal(overlaps, 0);
      assert.deepEqual([...running], ['replica-b']);
    } finally {
      await b.stop();
      await a.stop();
      await dbB.close();
    }
  });
});
