// Starts graphile-worker for host jobs, and again whenever it stops on its own. Several replicas
// may share the queue: a job locked by a runner is left alone while that runner's lease lives,
// and unlocked to run again once it expires (job-worker-leases.ts).
import { EventEmitter } from 'node:events';
import { Logger as WorkerLogger, makeWorkerUtils, run, runMigrations, type Runner, type TaskList, type WorkerEvents } from 'graphile-worker';
import type pg from 'pg';
import { setTimeout as sleep } from 'node:timers/promises';
import { runBillingCheck } from '../billing/billing-check.ts';
import { sendInvoiceMail } from '../billing/invoice-mail.ts';
import { billingCheckJobKey, billingCheckTask as billingCheckTaskName } from '../store/billing-check-queue.ts';
import { exportExpiryTask as exportExpiryTaskName } from '../store/exports.ts';
import { queueDueBackups } from './commands/host-backups.ts';
import { importUploadExpiryTask as importUploadExpiryTaskName } from '../store/import-uploads.ts';
import { invoiceMailTask } from '../store/invoices.ts';
import { delegationCheckTask as delegationCheckTaskName, hostJobTask as hostJobTaskName } from '../store/jobs.ts';
import { failAbandonedJobs } from './abandoned-jobs.ts';
import { delegationCheckTask } from './commands/check-delegation.ts';
import { importUploadExpiryTask } from './portability/import-uploads.ts';
import type { HomeportContext } from '../homeport-context.ts';
import { JobWorkerLeases } from './job-worker-leases.ts';
import { exportExpiryTask } from './portability/portability-cleanup.ts';
import { hostJobTask, type JobLease } from './run-host-job.ts';
import { rolloutPassTask } from './synapse-rollout.ts';
import { rolloutTask } from '../store/synapse-rollouts.ts';

function workerLogger(context: HomeportContext): WorkerLogger {
  const logger = context.logger.child({ component: 'job-worker' });
  return new WorkerLogger(() => (level, message, meta) => {
    const method = level === 'error' ? 'error' : level === 'warning' ? 'warn' : 'debug';
    logger[method](meta ?? {}, message);
  });
}

export async function prepareJobQueue(pool: pg.Pool): Promise<void> {
  await runMigrations({ pgPool: pool });
}

/** The billing check runs on graphile-worker's cron, every HOMEPORT_BILLING_CHECK_MINUTES, once at start, and when an operator asks. */
function everyMinutes(minutes: number): string {
  return minutes >= 60 ? `0 */${Math.min(Math.floor(minutes / 60), 23)} * * *` : `*/${minutes} * * * *`;
}

function billingCrontab(minutes: number): string {
  return `${everyMinutes(minutes)} ${billingCheckTaskName} ?max=1&jobKey=${billingCheckJobKey}\n`;
}

/** Looks for hosts whose scheduled backup is due (their size's `backups.everyHours`), every HOMEPORT_BACKUP_CHECK_MINUTES. */
const backupScheduleTaskName = 'backup-schedule';

function backupCrontab(minutes: number): string {
  return minutes === 0 ? '' : `${everyMinutes(minutes)} ${backupScheduleTaskName} ?max=1\n`;
}

export interface JobWorkerOptions {
  /** This replica's name in the lease table and the logs. */
  replicaId: string;
  leaseSeconds: number;
  /**
   * Whether this replica runs the tasks that need the hosts' runtime (host jobs, export and upload
   * expiry). The local runtime's processes live in one replica; the others run only the rest.
   */
  hostTasks: boolean;
}

function taskList(context: HomeportContext, hostTasks: boolean, lease: JobLease): TaskList {
  const everywhere: TaskList = {
    [delegationCheckTaskName]: delegationCheckTask(context),
    [billingCheckTaskName]: async () => runBillingCheck(context),
    [invoiceMailTask]: async (payload) => {
      await sendInvoiceMail(context, (payload as { invoiceId: string }).invoiceId);
    },
  };
  if (!hostTasks) return everywhere;
  return {
    ...everywhere,
    [hostJobTaskName]: hostJobTask(context, lease),
    [rolloutTask]: rolloutPassTask(context),
    [exportExpiryTaskName]: exportExpiryTask(context),
    [backupScheduleTaskName]: async () => {
      const queued = await queueDueBackups(context);
      if (queued > 0) context.logger.info({ queued }, 'scheduled backups queued');
    },
    [importUploadExpiryTaskName]: importUploadExpiryTask(context),
  };
}

/** graphile-worker's cron schedules each entry once however many replicas run it. */
function crontab(context: HomeportContext, hostTasks: boolean): string {
  // Sweeps exports and uploads past their retention even if their own scheduled deletion was lost.
  const sweeps = hostTasks ? `17 * * * * ${exportExpiryTaskName}\n23 * * * * ${importUploadExpiryTaskName}\n${backupCrontab(context.config.backupCheckMinutes)}` : '';
  return billingCrontab(context.config.billing.checkMinutes) + sweeps;
}

/** A graphile-worker runner; `interrupt` stops its host jobs' steps at once (see hostJobTask). */
interface RunningWorker {
  runner: Runner;
  poolId: string;
  interrupt(): void;
}

async function startRunner(context: HomeportContext, pool: pg.Pool, options: JobWorkerOptions, leases: JobWorkerLeases): Promise<RunningWorker> {
  if (options.hostTasks) await failAbandonedJobs(context);
  const utils = await makeWorkerUtils({ pgPool: pool });
  try {
    await utils.addJob(billingCheckTaskName, {}, { jobKey: billingCheckJobKey, maxAttempts: 1 });
  } finally {
    await utils.release();
  }
  const interruption = new AbortController();
  const events: WorkerEvents = new EventEmitter();
  let poolId = '';
  events.on('pool:create', ({ workerPool }) => {
    poolId = workerPool.id;
    void leases.hold(workerPool.id);
  });
  const runner = await run({
    crontab: crontab(context, options.hostTasks),
    pgPool: pool,
    concurrency: 4,
    noHandleSignals: true,
    pollInterval: 1000,
    taskList: taskList(context, options.hostTasks, { interrupted: interruption.signal, stillHeld: (lockedBy) => leases.confirm(lockedBy) }),
    logger: workerLogger(context),
    events,
    // Outcomes recorded in batches: a failure to record one (PostgreSQL gone) then shuts the
    // runner down, and startJobWorker starts it again, instead of leaving an unhandled rejection
    // and the job locked by a runner that goes on without it.
    preset: { worker: { completeJobBatchDelay: 0, failJobBatchDelay: 0 } },
  });
  return { runner, poolId, interrupt: () => interruption.abort() };
}

export interface JobWorker {
  stop(): Promise<void>;
}

/** Waits before the next try to start the worker again after `failures` failed tries. */
function retryDelayMs(failures: number): number {
  return Math.min(1_000 * 2 ** failures, 30_000);
}

/** Unlocks what a runner of this replica held when it died, at once: it is certainly dead. */
async function releaseDeadRunner(pool: pg.Pool, leases: JobWorkerLeases, poolId: string): Promise<void> {
  if (!poolId) return;
  const utils = await makeWorkerUtils({ pgPool: pool });
  try {
    await utils.forceUnlockWorkers([poolId]);
  } finally {
    await utils.release();
  }
  await leases.release(poolId);
}

/**
 * graphile-worker shuts itself down when it cannot record a job's outcome (its database went
 * away mid-job), and Homeport stops it when its lease expired unrenewed. The worker is then
 * started again once the database answers: the jobs the dead runner held are unlocked and resume.
 */
export async function startJobWorker(context: HomeportContext, pool: pg.Pool, options: JobWorkerOptions): Promise<JobWorker> {
  const logger = context.logger.child({ component: 'job-worker' });
  let current: RunningWorker | undefined;
  // A pool can lose its lease while run() is still creating it: it is stopped once it is current.
  const lost = new Set<string>();
  const stopIfLost = () => {
    if (!current || !lost.has(current.poolId)) return;
    // Its jobs may run on another replica now: they stop here at once rather than at their end.
    current.interrupt();
    current.runner.stop().catch((error: unknown) => logger.warn({ err: error }, 'job worker stopped uncleanly'));
  };
  const leases = new JobWorkerLeases(context, pool, {
    leaseSeconds: options.leaseSeconds,
    replicaId: options.replicaId,
    onLost: (poolId) => {
      lost.add(poolId);
      stopIfLost();
    },
  });
  current = await startRunner(context, pool, options, leases);
  let stopping = false;
  let restarting: Promise<void> | undefined;
  const stopped = new AbortController();

  const restart = async (dead: { poolId: string }) => {
    for (let failures = 0; !stopping; failures++) {
      try {
        await releaseDeadRunner(pool, leases, dead.poolId);
        current = await startRunner(context, pool, options, leases);
        watch(current);
        stopIfLost();
        logger.info('job worker started again');
        return;
      } catch (error) {
        const delayMs = retryDelayMs(failures);
        logger.warn({ err: error, delayMs }, 'job worker could not start again; retrying');
        await sleep(delayMs, undefined, { signal: stopped.signal }).catch(() => undefined);
      }
    }
  };
  const watch = (watched: RunningWorker) => {
    watched.runner.promise.then(
      () => undefined,
      (error: unknown) => logger.error({ err: error }, 'job worker stopped with an error'),
    ).finally(() => {
      if (stopping || watched !== current) return;
      logger.warn('job worker stopped unexpectedly; starting it again');
      restarting = restart(watched);
    });
  };
  watch(current);
  stopIfLost();
  leases.start(async () => {
    if (options.hostTasks) await failAbandonedJobs(context);
  });
  return {
    async stop() {
      stopping = true;
      stopped.abort();
      await restarting;
      await leases.stop();
      try {
        await current?.runner.stop();
        // A clean stop released every lock the runner held.
        if (current) await leases.release(current.poolId);
      } catch (error) {
        logger.warn({ err: error }, 'job worker stopped uncleanly');
      }
    },
  };
}
