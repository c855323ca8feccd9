// Runs something on one replica of the control plane at a time (the reconciler): the replica
// holding the lease runs it, the others wait, and one of them takes over when the holder's lease
// expires (it died, or lost the database). A holder that cannot renew in time stops by itself
// before anyone else can start, judged by its own monotonic clock.
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '../logger.ts';
import type { Db } from '../store/database.ts';
import { claimLease, releaseLease } from '../store/leases.ts';

export interface Running {
  stop(): Promise<void>;
}

export interface SingletonLeaseOptions {
  db: Db;
  logger: Logger;
  name: string;
  /** This replica's name in the lease table. */
  holder: string;
  leaseSeconds: number;
  /** Starts the singleton on this replica, once it holds the lease. */
  lead(): Promise<Running>;
}

export class SingletonLease {
  readonly #options: SingletonLeaseOptions;
  readonly #stopped = new AbortController();
  #running: Running | undefined;
  #renewedAt = 0;
  #loop: Promise<void> | undefined;

  constructor(options: SingletonLeaseOptions) {
    this.#options = options;
  }

  get leading(): boolean {
    return this.#running !== undefined;
  }

  /** Tries once at once (so a sole replica leads before start returns), then keeps trying or renewing. */
  async start(): Promise<void> {
    await this.#tick();
    this.#loop = (async () => {
      while (!this.#stopped.signal.aborted) {
        await sleep((this.#options.leaseSeconds * 1000) / 3, undefined, { signal: this.#stopped.signal }).catch(() => undefined);
        if (this.#stopped.signal.aborted) break;
        await this.#tick().catch((error: unknown) => this.#options.logger.error({ err: error, lease: this.#options.name }, 'could not start or stop what the lease guards'));
      }
    })();
  }

  async #tick(): Promise<void> {
    const { db, logger, name, holder, leaseSeconds } = this.#options;
    const askedAt = performance.now();
    const held = await claimLease(db, name, holder, leaseSeconds).catch((error: unknown) => {
      logger.warn({ err: error, lease: name }, 'could not renew the lease');
      return undefined;
    });
    if (held) this.#renewedAt = askedAt;
    const expired = performance.now() - this.#renewedAt >= leaseSeconds * 1000;
    if (held && !this.#running) {
      logger.info({ lease: name, replica: holder }, 'this replica leads now');
      this.#running = await this.#options.lead();
    } else if (this.#running && (held === false || expired)) {
      logger.warn({ lease: name, replica: holder }, 'this replica lost the lease; stopping');
      await this.#stopRunning();
    }
  }

  async #stopRunning(): Promise<void> {
    const running = this.#running;
    this.#running = undefined;
    await running?.stop();
  }

  async stop(): Promise<void> {
    this.#stopped.abort();
    await this.#loop;
    const led = this.leading;
    await this.#stopRunning();
    if (led) await releaseLease(this.#options.db, this.#options.name, this.#options.holder).catch(() => undefined);
  }
}
