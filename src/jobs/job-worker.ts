// Starts graphile-worker for host jobs, and again whenever it stops on its own. The local runtime
// runs one Homeport per database, so any job still locked at (re)start belonged to a runner that
// died: it is unlocked and resumed.
import { Logger as WorkerLogger, makeWorkerUtils, run, runMigrations, type Runner } from 'graphile-worker';
import type pg from 'pg';
import { setTimeout as sleep } from 'node:timers/promises';
import { runBillingCheck } from '../billing/billing-check.ts';
import { sendInvoiceMail } from '../billing/invoice-mail.ts';
import { billingCheckJobKey, billingCheckTask as billingCheckTaskName } from '../store/billing-check-queue.ts';
import { exportExpiryTask as exportExpiryTaskName } from '../store/exports.ts';
import { importUploadExpiryTask as importUploadExpiryTaskName } from '../store/import-uploads.ts';
import { invoiceMailTask } from '../store/invoices.ts';
import { delegationCheckTask as delegationCheckTaskName, hostJobTask as hostJobTaskName } from '../store/jobs.ts';
import { failAbandonedJobs } from './abandoned-jobs.ts';
import { delegationCheckTask } from './commands/check-delegation.ts';
import { importUploadExpiryTask } from './commands/import-uploads.ts';
import type { HomeportContext } from './job-context.ts';
import { exportExpiryTask } from './portability/portability-cleanup.ts';
import { hostJobTask } from './run-host-job.ts';

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

async function unlockJobsOfDeadWorkers(pool: pg.Pool): Promise<void> {
  const { rows } = await pool.query<{ locked_by: string }>(
    'SELECT DISTINCT locked_by FROM graphile_worker.jobs WHERE locked_by IS NOT NULL',
  );
  if (rows.length === 0) return;
  const utils = await makeWorkerUtils({ pgPool: pool });
  try {
    await utils.forceUnlockWorkers(rows.map((row) => row.locked_by));
  } finally {
    await utils.release();
  }
}

/** The billing check runs on graphile-worker's cron, every HOMEPORT_BILLING_CHECK_MINUTES, once at start, and when an operator asks. */
function billingCrontab(minutes: number): string {
  const schedule = minutes >= 60 ? `0 */${Math.min(Math.floor(minutes / 60), 23)} * * *` : `*/${minutes} * * * *`;
  return `${schedule} ${billingCheckTaskName} ?max=1&jobKey=${billingCheckJobKey}\n`;
}

async function startRunner(context: HomeportContext, pool: pg.Pool): Promise<Runner> {
  await unlockJobsOfDeadWorkers(pool);
  await failAbandonedJobs(context);
  const utils = await makeWorkerUtils({ pgPool: pool });
  try {
    await utils.addJob(billingCheckTaskName, {}, { jobKey: billingCheckJobKey, maxAttempts: 1 });
  } finally {
    await utils.release();
  }
  return run({
    // Billing checks on their schedule; sweeps exports past their retention even if their own scheduled deletion was lost.
    crontab: billingCrontab(context.config.billing.checkMinutes) + `17 * * * * ${exportExpiryTaskName}\n` + `23 * * * * ${importUploadExpiryTaskName}\n`,
    pgPool: pool,
    concurrency: 4,
    noHandleSignals: true,
    pollInterval: 1000,
    taskList: {
      [hostJobTaskName]: hostJobTask(context),
      [delegationCheckTaskName]: delegationCheckTask(context),
      [exportExpiryTaskName]: exportExpiryTask(context),
      [billingCheckTaskName]: async () => runBillingCheck(context),
      [importUploadExpiryTaskName]: importUploadExpiryTask(context),
      [invoiceMailTask]: async (payload) => {
        await sendInvoiceMail(context, (payload as { invoiceId: string }).invoiceId);
      },
    },
    logger: workerLogger(context),
    // Outcomes recorded in batches: a failure to record one (PostgreSQL gone) then shuts the
    // runner down, and startJobWorker starts it again, instead of leaving an unhandled rejection
    // and the job locked by a runner that goes on without it.
    preset: { worker: { completeJobBatchDelay: 0, failJobBatchDelay: 0 } },
  });
}

export interface JobWorker {
  stop(): Promise<void>;
}

/** Waits before the next try to start the worker again after `failures` failed tries. */
function retryDelayMs(failures: number): number {
  return Math.min(1_000 * 2 ** failures, 30_000);
}

/**
 * graphile-worker shuts itself down when it cannot record a job's outcome (its database went
 * away mid-job). The worker is then started again once the database answers: the jobs the dead
 * runner held are unlocked and resume.
 */
export async function startJobWorker(context: HomeportContext, pool: pg.Pool): Promise<JobWorker> {
  const logger = context.logger.child({ component: 'job-worker' });
  let runner = await startRunner(context, pool);
  let stopping = false;
  let restarting: Promise<void> | undefined;
  const stopped = new AbortController();

  const restart = async () => {
    for (let failures = 0; !stopping; failures++) {
      try {
        runner = await startRunner(context, pool);
        watch(runner);
        logger.info('job worker started again');
        return;
      } catch (error) {
        const delayMs = retryDelayMs(failures);
        logger.warn({ err: error, delayMs }, 'job worker could not start again; retrying');
        await sleep(delayMs, undefined, { signal: stopped.signal }).catch(() => undefined);
      }
    }
  };
  const watch = (watched: Runner) => {
    watched.promise.then(
      () => undefined,
      (error: unknown) => logger.error({ err: error }, 'job worker stopped with an error'),
    ).finally(() => {
      if (stopping || watched !== runner) return;
      logger.warn('job worker stopped unexpectedly; starting it again');
      restarting = restart();
    });
  };
  watch(runner);
  return {
    async stop() {
      stopping = true;
      stopped.abort();
      await restarting;
      try {
        await runner.stop();
      } catch (error) {
        logger.warn({ err: error }, 'job worker stopped uncleanly');
      }
    },
  };
}
