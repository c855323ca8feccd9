// Converges what runs with what the database says: hosts that should serve are started (or
// adopted after a restart of Homeport), the edge is re-applied, and a host whose Synapse is
// down shows `degraded` until it answers /health again.
import type { HostProcessState } from '../runtime/runtime.ts';
import { hostsWithStatus, moveHostStatus, servingStatuses } from '../store/hosts.ts';
import { waitForHealth } from '../synapse/synapse-http.ts';
import { applyEdgeFromDatabase } from './edge-hosts.ts';
import { loadHostSpec } from './host-spec.ts';
import type { HomeportContext } from './job-context.ts';

export class HostReconciler {
  readonly #context: HomeportContext;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;

  constructor(context: HomeportContext) {
    this.#context = context;
  }

  /** Called by the runtime whenever a host's process changes state. */
  onProcessState(hostId: string, state: HostProcessState): void {
    if (state === 'restarting') {
      this.#context.logger.warn({ hostId }, 'Synapse exited unexpectedly; restarting it');
      moveHostStatus(this.#context.db, hostId, ['running'], 'degraded').catch((error: unknown) => {
        this.#context.logger.error({ hostId, err: error }, 'could not mark the host degraded');
      });
    }
  }

  /** One pass; safe to repeat at any time. */
  async reconcileOnce(): Promise<void> {
    const { db, runtime, logger } = this.#context;
    for (const host of await hostsWithStatus(db, servingStatuses)) {
      try {
        const spec = await loadHostSpec(this.#context, host.id);
        if (runtime.processState(host.id) === 'stopped') await runtime.start(spec);
        const healthy = await waitForHealth(`http://127.0.0.1:${spec.httpPort}`, 1000).then(() => true, () => false);
        if (!healthy && host.status === 'running') {
          await moveHostStatus(db, host.id, ['running'], 'degraded');
          logger.warn({ host: host.label }, 'host does not answer /health');
        }
        if (healthy && host.status === 'degraded') {
          await moveHostStatus(db, host.id, ['degraded'], 'running');
          logger.info({ host: host.label }, 'host is healthy again');
        }
      } catch (error) {
        logger.debug({ host: host.label, err: error }, 'host not converged yet');
      }
    }
  }

  async start(intervalMs = 1000): Promise<void> {
    await applyEdgeFromDatabase(this.#context);
    await this.reconcileOnce();
    const tick = () => {
      this.#running = this.reconcileOnce().finally(() => {
        if (this.#timer) this.#timer = setTimeout(tick, intervalMs);
      });
    };
    this.#timer = setTimeout(tick, intervalMs);
  }

  async stop(): Promise<void> {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#running;
  }
}
