// Runs one host job from its first step to its last, recording each step, its log and the
// outcome. Every step is idempotent, so after a crash the whole job simply runs again.
import type { Task } from 'graphile-worker';
import { HomeportError } from '../domain/errors.ts';
import { appendJobLog, findJob, finishJob, setStepStatus, startJobAttempt } from '../store/jobs.ts';
import { moveHostStatus } from '../store/hosts.ts';
import { hostJobs, type HostJobDefinition } from './host-jobs.ts';
import type { HomeportContext } from '../homeport-context.ts';
import { PermanentJobError, type JobStep, type StepInput } from './job-step.ts';
import { PermanentStoreError } from '../runtime/runtime.ts';

/** The replica running the job lost its lease: another runner may have the job already, so this one lets go of it. */
class JobInterrupted extends Error {}

/**
 * Runs a step until it ends, its timeout, or `interrupted`. An interrupted step is told to stop
 * (its signal) and waited for until it ends or times out, so that a retry of the job never runs
 * beside the rest of it; then JobInterrupted is thrown and no later step runs.
 */
async function runStepWithTimeout(step: JobStep, input: Omit<StepInput, 'signal'>, interrupted: AbortSignal): Promise<'done' | 'skipped'> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(new Error(`step "${step.name}" took longer than ${Math.round(step.timeoutMs / 1000)} s`));
    }, step.timeoutMs);
  });
  const stopped = new AbortController();
  const interruption = new Promise<'interrupted'>((resolve) => {
    const interrupt = () => resolve('interrupted');
    if (interrupted.aborted) interrupt();
    else interrupted.addEventListener('abort', interrupt, { once: true, signal: stopped.signal });
  });
  const work = step.run({ ...input, signal: controller.signal });
  try {
    const outcome = await Promise.race([work, timedOut, interruption]);
    if (outcome !== 'interrupted') return outcome === 'skipped' ? 'skipped' : 'done';
    controller.abort();
    await input.log(`step "${step.name}" is being stopped: this replica lost its job lease, so the job runs again from the start (its steps are safe to repeat)`);
    await Promise.race([work.then(() => undefined, () => undefined), timedOut.catch(() => undefined)]);
    throw new JobInterrupted(`step "${step.name}" was stopped: this replica lost its job lease`);
  } finally {
    clearTimeout(timer);
    stopped.abort();
  }
}

/** A failed clean-up is logged, never thrown: the job has failed already and says why. */
export async function runAfterFailure(context: HomeportContext, definition: HostJobDefinition, hostId: string, jobId: string): Promise<void> {
  try {
    await definition.afterFailure?.(context, hostId, jobId);
  } catch (error) {
    context.logger.error({ jobId, hostId, err: error }, 'cleaning up after a failed job failed');
  }
}

/** Whatever an attempt stopped is started again before the next one: a host's downtime never outlasts one attempt. */
async function runAfterFailedAttempt(context: HomeportContext, definition: HostJobDefinition, hostId: string, jobId: string, log: (message: string) => Promise<void>): Promise<void> {
  try {
    await definition.afterFailedAttempt?.(context, hostId, log);
  } catch (error) {
    context.logger.error({ jobId, hostId, err: error }, 'restoring the host after a failed attempt failed');
  }
}

function describe(error: unknown): string {
  if (error instanceof HomeportError) return error.message;
  return error instanceof Error ? error.message : String(error);
}

/** The lease under which a runner of this replica runs its jobs (see job-worker-leases.ts). */
export interface JobLease {
  /** Aborts when the lease expired unrenewed. */
  interrupted: AbortSignal;
  /** Whether the runner that locked a job (graphile-worker's locked_by) still holds its lease. */
  stillHeld(lockedBy: string): Promise<boolean>;
}

/**
 * `interrupted` aborts when this replica's job lease expired unrenewed: the running step is
 * abandoned at once and the job is left as it is (no outcome, no clean-up), because another
 * runner may be running it already; it runs again from its first step, as after a crash. A job
 * taken by a runner whose lease has gone (another replica unlocked its jobs before it noticed)
 * is not started at all.
 */
export function hostJobTask(context: HomeportContext, { interrupted, stillHeld }: JobLease): Task {
  return async (payload, helpers) => {
    const { jobId } = payload as { jobId: string };
    if (helpers.job.locked_by !== null && !(await stillHeld(helpers.job.locked_by))) {
      context.logger.warn({ jobId }, 'host job not started: the runner that took it lost its job lease');
      throw new JobInterrupted('this replica lost its job lease before the job started');
    }
    const job = await findJob(context.db, jobId);
    if (!job || job.status === 'succeeded' || job.status === 'failed') return;
    const definition = hostJobs[job.kind];
    const { db } = context;
    const log = (message: string) => appendJobLog(db, jobId, 'info', message);
    await startJobAttempt(db, jobId);
    await moveHostStatus(db, job.host_id, definition.startsFrom, definition.activeStatus);
    if (helpers.job.attempts > 1) await log(`attempt ${helpers.job.attempts} of ${helpers.job.max_attempts}: resuming`);
    for (const [position, step] of definition.steps.entries()) {
      await setStepStatus(db, jobId, position, 'running');
      let outcome: 'done' | 'skipped';
      try {
        outcome = await runStepWithTimeout(step, { context, hostId: job.host_id, jobId, log }, interrupted);
      } catch (error) {
        const message = describe(error);
        if (error instanceof JobInterrupted) {
          context.logger.warn({ jobId, hostId: job.host_id, step: step.name }, 'host job interrupted: the job lease was lost');
          throw error;
        }
        await setStepStatus(db, jobId, position, 'failed');
        await appendJobLog(db, jobId, 'error', `${step.name}: ${message}`);
        context.logger.warn({ jobId, hostId: job.host_id, step: step.name, error: message }, 'job step failed');
        await runAfterFailedAttempt(context, definition, job.host_id, jobId, log);
        // A store that refused for good (access denied, no such bucket) refuses the same on a retry.
        const permanent = error instanceof PermanentJobError || error instanceof PermanentStoreError;
        if (!permanent && helpers.job.attempts < helpers.job.max_attempts) {
          await finishJob(db, jobId, { status: 'queued', error: message });
          throw error;
        }
        if (permanent) await log('this cannot succeed on a retry: the job stops here');
        await finishJob(db, jobId, { status: 'failed', error: message });
        await runAfterFailure(context, definition, job.host_id, jobId);
        await moveHostStatus(db, job.host_id, [definition.activeStatus], definition.failedStatus);
        // A host that never got built must not go on restarting a Synapse that cannot start.
        if (job.kind === 'build') await context.runtime.stop(job.host_id);
        return;
      }
      await setStepStatus(db, jobId, position, outcome);
    }
    // Only from the job's own status: a host cancelled meanwhile stays cancelling.
    await moveHostStatus(db, job.host_id, [definition.activeStatus], definition.finalStatus);
    await definition.afterSuccess?.(context, job.host_id, jobId);
    await finishJob(db, jobId, { status: 'succeeded' });
    context.logger.info({ jobId, hostId: job.host_id, kind: job.kind }, 'job finished');
  };
}
