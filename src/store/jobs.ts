// Jobs as the customer sees them (kind, status, steps, log lines), enqueued on graphile-worker
// in the same transaction that records them, so a job is never recorded without being run.
import { sql } from 'kysely';
import type { Db } from './database.ts';
import type { JobKind, JobLogRow, JobRow, JobStepRow, StepStatus } from './schema.ts';

export const hostJobTask = 'host-job';
export const delegationCheckTask = 'delegation-check';

export interface JobDetail extends JobRow {
  steps: JobStepRow[];
  logs: JobLogRow[];
}

export async function createJob(db: Db, hostId: string, kind: JobKind, stepNames: readonly string[]): Promise<JobRow> {
  const job = await db
    .insertInto('jobs')
    .values({ host_id: hostId, kind, error: null, started_at: null, finished_at: null })
    .returningAll()
    .executeTakeFirstOrThrow();
  await db
    .insertInto('job_steps')
    .values(stepNames.map((name, position) => ({ job_id: job.id, position, name, started_at: null, finished_at: null })))
    .execute();
  // One queue per host keeps a host's jobs in order (a cancel never overtakes its build).
  // The queue entry's key is the job's id, so the two can always be matched up again.
  await sql`SELECT graphile_worker.add_job(${hostJobTask}, json_build_object('jobId', ${job.id}::text), queue_name => ${'host:' + hostId}, max_attempts => 5, job_key => ${job.id}::text)`.execute(db);
  return job;
}

/** Whether a job of this kind is queued or running for the host. */
export async function hasUnfinishedJob(db: Db, hostId: string, kind: JobKind): Promise<boolean> {
  const row = await db.selectFrom('jobs').select('id').where('host_id', '=', hostId).where('kind', '=', kind).where('status', 'in', ['queued', 'running']).executeTakeFirst();
  return row !== undefined;
}

/** Queues a host's delegation check for `runAt`; a host has one pending check at most, the newest. */
export async function queueDelegationCheck(db: Db, hostId: string, runAt: Date): Promise<void> {
  await sql`SELECT graphile_worker.add_job(${delegationCheckTask}, json_build_object('hostId', ${hostId}::text), run_at => ${runAt.toISOString()}::timestamptz, max_attempts => 3, job_key => ${'delegation-check:' + hostId}, job_key_mode => 'replace')`.execute(db);
}

export async function findJob(db: Db, jobId: string): Promise<JobRow | undefined> {
  return db.selectFrom('jobs').selectAll().where('id', '=', jobId).executeTakeFirst();
}

export async function jobDetail(db: Db, job: JobRow, logsAfter = 0): Promise<JobDetail> {
  const [steps, logs] = await Promise.all([
    db.selectFrom('job_steps').selectAll().where('job_id', '=', job.id).orderBy('position').execute(),
    db.selectFrom('job_logs').selectAll().where('job_id', '=', job.id).where('id', '>', String(logsAfter)).orderBy('id').limit(1000).execute(),
  ]);
  return { ...job, steps, logs };
}

export async function startJobAttempt(db: Db, jobId: string): Promise<void> {
  await db
    .updateTable('jobs')
    .set({ status: 'running', error: null, attempts: sql`attempts + 1`, started_at: sql`coalesce(started_at, now())` })
    .where('id', '=', jobId)
    .execute();
}

export async function setStepStatus(db: Db, jobId: string, position: number, status: StepStatus): Promise<void> {
  const times = status === 'running' ? { started_at: sql<Date>`now()`, finished_at: null } : { finished_at: sql<Date>`now()` };
  await db.updateTable('job_steps').set({ status, ...times }).where('job_id', '=', jobId).where('position', '=', position).execute();
}

export async function appendJobLog(db: Db, jobId: string, level: JobLogRow['level'], message: string): Promise<void> {
  await db.insertInto('job_logs').values({ job_id: jobId, level, message }).execute();
}

export async function finishJob(db: Db, jobId: string, outcome: { status: 'succeeded' } | { status: 'failed'; error: string } | { status: 'queued'; error: string }): Promise<void> {
  await db
    .updateTable('jobs')
    .set({
      status: outcome.status,
      error: outcome.status === 'succeeded' ? null : outcome.error,
      finished_at: outcome.status === 'queued' ? null : sql<Date>`now()`,
    })
    .where('id', '=', jobId)
    .execute();
}

/** Recent jobs of every host, for the operator console. */
export async function listJobs(db: Db, options: { status?: JobRow['status']; hostId?: string; limit: number }): Promise<JobRow[]> {
  let query = db.selectFrom('jobs').selectAll().orderBy('created_at', 'desc').limit(options.limit);
  if (options.status) query = query.where('status', '=', options.status);
  if (options.hostId) query = query.where('host_id', '=', options.hostId);
  return query.execute();
}
