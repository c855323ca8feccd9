// Fails the jobs that can never run again: their queue entry is gone or used its last attempt in
// a Homeport that died. Without this their host would wait in its status forever. Runs at start
// and whenever dead replicas' jobs were unlocked (job-worker-leases.ts).
import { sql } from 'kysely';
import { moveHostStatus } from '../store/hosts.ts';
import { appendJobLog, finishJob } from '../store/jobs.ts';
import type { JobKind } from '../store/schema.ts';
import { hostJobs } from './host-jobs.ts';
import { runAfterFailure } from './run-host-job.ts';
import type { HomeportContext } from '../homeport-context.ts';

/** A job locked by a runner (here or in another replica) is not abandoned: its runner's lease decides. */
export async function failAbandonedJobs(context: HomeportContext): Promise<number> {
  const { db, logger } = context;
  const { rows } = await sql<{ id: string; host_id: string; kind: JobKind }>`
    SELECT j.id, j.host_id, j.kind FROM jobs j
    WHERE j.status IN ('queued', 'running')
      AND NOT EXISTS (
        SELECT 1 FROM graphile_worker.jobs g
        WHERE g.key = j.id::text AND (g.attempts < g.max_attempts OR g.locked_by IS NOT NULL)
      )`.execute(db);
  for (const job of rows) {
    const reason = 'the job was interrupted in its last attempt and cannot run again; rebuild the host to retry';
    await appendJobLog(db, job.id, 'error', reason);
    await finishJob(db, job.id, { status: 'failed', error: reason });
    const definition = hostJobs[job.kind];
    await runAfterFailure(context, definition, job.host_id, job.id);
    await moveHostStatus(db, job.host_id, [definition.activeStatus], definition.failedStatus);
    logger.warn({ jobId: job.id, hostId: job.host_id }, 'failed an abandoned job');
  }
  return rows.length;
}
