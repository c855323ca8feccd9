// Leases held by the control plane's replicas, timed by the database's clock so that replicas
// whose clocks disagree still agree on who holds what.
import { sql } from 'kysely';
import type { Db } from './database.ts';

/**
 * Takes the lease, or renews it when `holder` has it already; true when `holder` holds it
 * afterwards. A lease whose holder let it expire goes to whoever asks first.
 */
export async function claimLease(db: Db, name: string, holder: string, seconds: number): Promise<boolean> {
  const { rows } = await sql<{ holder: string }>`
    INSERT INTO leases (name, holder, expires_at) VALUES (${name}, ${holder}, now() + make_interval(secs => ${seconds}))
    ON CONFLICT (name) DO UPDATE SET
      holder = excluded.holder,
      expires_at = excluded.expires_at,
      acquired_at = CASE WHEN leases.holder = excluded.holder THEN leases.acquired_at ELSE now() END
    WHERE leases.holder = excluded.holder OR leases.expires_at < now()
    RETURNING holder`.execute(db);
  return rows.length === 1;
}

/** Renews a lease `holder` still has; false when it expired or another replica took it over meanwhile. */
export async function renewLease(db: Db, name: string, holder: string, seconds: number): Promise<boolean> {
  const result = await db.updateTable('leases')
    .set({ expires_at: sql`now() + make_interval(secs => ${seconds})` })
    .where('name', '=', name).where('holder', '=', holder).where('expires_at', '>', sql<Date>`now()`)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function releaseLease(db: Db, name: string, holder: string): Promise<void> {
  await db.deleteFrom('leases').where('name', '=', name).where('holder', '=', holder).execute();
}

/** Who holds a lease now, if anyone does. */
export async function leaseHolder(db: Db, name: string): Promise<string | undefined> {
  const row = await db.selectFrom('leases').select('holder')
    .where('name', '=', name).where('expires_at', '>', sql<Date>`now()`).executeTakeFirst();
  return row?.holder;
}

/** The prefix of a job worker's lease; the rest is the graphile-worker pool id that locks its jobs. */
export const jobWorkerLeasePrefix = 'job-worker:';

/**
 * The graphile-worker pools that lock jobs or job queues but are dead: their lease expired, or
 * they never took one and locked longer ago than a lease lasts (a pool takes its lease as it
 * starts, before its first job can be a lease long).
 */
export async function deadJobWorkers(db: Db, leaseSeconds: number): Promise<string[]> {
  const { rows } = await sql<{ locked_by: string }>`
    WITH locks AS (
      SELECT locked_by, locked_at FROM graphile_worker._private_jobs WHERE locked_by IS NOT NULL
      UNION ALL
      SELECT locked_by, locked_at FROM graphile_worker._private_job_queues WHERE locked_by IS NOT NULL
    )
    SELECT DISTINCT locks.locked_by FROM locks
    LEFT JOIN leases ON leases.name = ${jobWorkerLeasePrefix} || locks.locked_by
    WHERE leases.expires_at < now()
       OR (leases.name IS NULL AND locks.locked_at < now() - make_interval(secs => ${leaseSeconds}))`.execute(db);
  return rows.map((row) => row.locked_by);
}

/** Forgets the leases of job workers whose locks were released, and of any that expired holding nothing. */
export async function dropJobWorkerLeases(db: Db, workerIds: string[]): Promise<void> {
  await db.deleteFrom('leases')
    .where((eb) => eb.or([
      eb('name', 'in', ['', ...workerIds.map((id) => jobWorkerLeasePrefix + id)]),
      eb.and([eb('name', 'like', `${jobWorkerLeasePrefix}%`), eb('expires_at', '<', sql<Date>`now()`)]),
    ]))
    .execute();
}

/** The host jobs (their ids in `jobs`) that the given graphile-worker pools hold locked. */
export async function jobsLockedBy(db: Db, workerIds: string[]): Promise<string[]> {
  const { rows } = await sql<{ id: string }>`
    SELECT jobs.id FROM jobs JOIN graphile_worker._private_jobs g ON g.key = jobs.id::text
    WHERE g.locked_by = ANY(${workerIds}::text[])`.execute(db);
  return rows.map((row) => row.id);
}
