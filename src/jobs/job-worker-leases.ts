// Several Homeport replicas share one job queue. graphile-worker locks a job with its pool's id
// and frees the lock only after 4 hours if the pool dies, so each pool holds a lease here that it
// renews while it lives; when a lease expires, any replica unlocks that pool's jobs and they run
// again elsewhere (every job step is safe to run again, see job-step.ts). A table with an expiry,
// rather than session advisory locks, because a lease is judged by time on the database's clock:
// it does not depend on TCP noticing a dead peer, survives a connection pooler, and a replica
// that cannot renew in time knows it lost its jobs and stops them (see job-worker.ts).
import { makeWorkerUtils } from 'graphile-worker';
import type pg from 'pg';
import { setTimeout as sleep } from 'node:timers/promises';
import { claimLease, deadJobWorkers, dropJobWorkerLeases, jobWorkerLeasePrefix, jobsLockedBy, releaseLease, renewLease } from '../store/leases.ts';
import { appendJobLog } from '../store/jobs.ts';
import type { HomeportContext } from '../homeport-context.ts';

export interface JobWorkerLeaseOptions {
  leaseSeconds: number;
  /** This replica's name in the lease table and the logs. */
  replicaId: string;
  /** Called when a pool's lease expired before it could renew it: its jobs may run elsewhere now. */
  onLost(poolId: string): void;
}

export class JobWorkerLeases {
  readonly #context: HomeportContext;
  readonly #pool: pg.Pool;
  readonly #options: JobWorkerLeaseOptions;
  readonly #held = new Set<string>();
  readonly #stopped = new AbortController();
  #loop: Promise<void> | undefined;

  constructor(context: HomeportContext, pool: pg.Pool, options: JobWorkerLeaseOptions) {
    this.#context = context;
    this.#pool = pool;
    this.#options = options;
  }

  /** Takes the lease of a graphile-worker pool that has just been created in this replica. */
  async hold(poolId: string): Promise<void> {
    // Renewed from the next round on; until then a lock of this pool is younger than a lease, so nobody takes it.
    const claimed = await claimLease(this.#context.db, jobWorkerLeasePrefix + poolId, this.#options.replicaId, this.#options.leaseSeconds).catch((error: unknown) => {
      this.#context.logger.warn({ err: error, poolId }, 'could not take the job worker lease');
      return false;
    });
    if (claimed) {
      this.#held.add(poolId);
      return;
    }
    // Without a lease its jobs would soon look abandoned to the other replicas: a fresh runner tries again.
    this.#options.onLost(poolId);
  }

  /** A pool that stopped cleanly released its locks itself. */
  async release(poolId: string): Promise<void> {
    this.#held.delete(poolId);
    await releaseLease(this.#context.db, jobWorkerLeasePrefix + poolId, this.#options.replicaId);
  }

  /** Renews this replica's leases and takes over dead pools' jobs, a few times per lease. */
  start(afterTakeOver: () => Promise<void>): void {
    const periodMs = (this.#options.leaseSeconds * 1000) / 3;
    this.#loop = (async () => {
      while (!this.#stopped.signal.aborted) {
        await this.#renew().catch((error: unknown) => this.#context.logger.warn({ err: error }, 'could not renew the job worker lease'));
        const taken = await this.takeOverDeadWorkers().catch((error: unknown) => {
          this.#context.logger.warn({ err: error }, 'could not look for dead job workers');
          return 0;
        });
        if (taken > 0) await afterTakeOver().catch((error: unknown) => this.#context.logger.warn({ err: error }, 'could not fail abandoned jobs'));
        await sleep(periodMs, undefined, { signal: this.#stopped.signal }).catch(() => undefined);
      }
    })();
  }

  /**
   * Renews the lease of `poolId` now and says whether this replica still holds it. A runner asks
   * before it starts a job: another replica may have taken over its jobs before this one noticed,
   * and one of them may be the job the runner just took again.
   */
  async confirm(poolId: string): Promise<boolean> {
    if (!this.#held.has(poolId)) return false;
    if (await renewLease(this.#context.db, jobWorkerLeasePrefix + poolId, this.#options.replicaId, this.#options.leaseSeconds)) return true;
    this.#lost(poolId);
    return false;
  }

  #lost(poolId: string): void {
    if (!this.#held.delete(poolId)) return;
    this.#context.logger.error({ poolId, replica: this.#options.replicaId }, 'the job worker lease expired before it was renewed: its jobs may run on another replica now');
    this.#options.onLost(poolId);
  }

  async #renew(): Promise<void> {
    for (const poolId of [...this.#held]) {
      if (await renewLease(this.#context.db, jobWorkerLeasePrefix + poolId, this.#options.replicaId, this.#options.leaseSeconds)) continue;
      this.#lost(poolId);
    }
  }

  /** Unlocks the jobs of every pool whose lease expired; returns how many pools that was. */
  async takeOverDeadWorkers(): Promise<number> {
    const { db, logger } = this.#context;
    const dead = (await deadJobWorkers(db, this.#options.leaseSeconds)).filter((id) => !this.#held.has(id));
    if (dead.length === 0) {
      await dropJobWorkerLeases(db, []);
      return 0;
    }
    const jobIds = await jobsLockedBy(db, dead);
    const utils = await makeWorkerUtils({ pgPool: this.#pool });
    try {
      await utils.forceUnlockWorkers(dead);
    } finally {
      await utils.release();
    }
    await dropJobWorkerLeases(db, dead);
    for (const jobId of jobIds) {
      await appendJobLog(db, jobId, 'warn', 'the Homeport replica running this job stopped renewing its lease: another replica resumes it');
    }
    logger.warn({ workers: dead, jobs: jobIds, replica: this.#options.replicaId }, 'took over the jobs of job workers whose lease expired');
    return dead.length;
  }

  async stop(): Promise<void> {
    this.#stopped.abort();
    await this.#loop;
  }
}
