// The idle policy: a running host that has had no request from clients or other servers for the
// installation's hibernation time is put to sleep, costing neither a process nor a database
// connection until its next request wakes it (the runtime holds that request, it is not refused).
import { hostsWithStatus, moveHostStatus } from '../store/hosts.ts';
import type { HostRow } from '../store/schema.ts';
import { loadHostSpec } from './host-spec.ts';
import type { HomeportContext } from '../homeport-context.ts';
import { RepeatingPass } from './repeating-pass.ts';

/** How often the hosts' idle times are looked at, at most; shorter for short hibernation times. */
const maxCheckIntervalMs = 30_000;

export class HostHibernation {
  readonly #context: HomeportContext;
  readonly #idleMs: number;
  readonly #passes = new RepeatingPass(() => this.sleepIdleHosts(), (error) => {
    this.#context.logger.warn({ err: error }, 'looking for idle hosts failed; trying again');
  });

  constructor(context: HomeportContext, hibernateAfterSeconds: number) {
    this.#context = context;
    this.#idleMs = hibernateAfterSeconds * 1000;
  }

  /** Puts to sleep every running host idle for the hibernation time; safe to repeat at any time. */
  async sleepIdleHosts(now = Date.now()): Promise<void> {
    const { db, runtime } = this.#context;
    // Only a healthy host: a degraded one belongs to the reconciler, a busy one to its job.
    for (const host of await hostsWithStatus(db, ['running'])) {
      const lastActivity = runtime.lastActivity(host.id);
      if (lastActivity === undefined || now - lastActivity < this.#idleMs || (await runtime.processState(host.id)) !== 'running') continue;
      await this.#sleep(host);
    }
  }

  async #sleep(host: HostRow): Promise<void> {
    const { db, runtime, logger } = this.#context;
    try {
      // The runtime first: from this call on the reconciler leaves the host's process alone.
      await runtime.sleep(await loadHostSpec(this.#context, host.id));
      if (!(await moveHostStatus(db, host.id, ['running'], 'sleeping'))) {
        // Its status changed meanwhile (the reconciler found it degraded, a job took it): asleep in
        // the runtime only, the reconciler would leave it alone for good, so it is woken again.
        await runtime.wake(host.id);
        logger.info({ host: host.label }, 'host changed status while being put to sleep; woken again');
        return;
      }
      logger.info({ host: host.label }, 'host is idle; it sleeps until its next request');
    } catch (error) {
      logger.warn({ host: host.label, err: error }, 'could not put the idle host to sleep');
    }
  }

  start(): void {
    if (this.#idleMs <= 0) return;
    const intervalMs = Math.min(maxCheckIntervalMs, Math.max(1000, this.#idleMs / 4));
    this.#passes.start(intervalMs);
  }

  stop(): Promise<void> {
    return this.#passes.stop();
  }
}
