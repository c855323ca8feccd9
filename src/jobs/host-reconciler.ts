// Converges what runs with what the database says: hosts that should serve are started (or
// adopted after a restart of Homeport), the edge is re-applied whole (at start and whenever it
// restarted), and a host whose Synapse is down shows `degraded` until it answers /health again. A
// sleeping host is left asleep (put back to sleep after a restart of Homeport) and shows `running`
// again once a request has woken it.
import type { HostProcessState } from '../runtime/runtime.ts';
import { hostStatesWithStatus, moveHostStatus, type HostState } from '../store/hosts.ts';
import { waitForHealth } from '../synapse/synapse-http.ts';
import { intactAdminClient } from './admin-access-repair.ts';
import { applyEdgeFromDatabase } from './edge-hosts.ts';
import { hostAllocated, loadHostSpec } from './host-spec.ts';
import type { HomeportContext } from '../homeport-context.ts';
import { RepeatingPass } from './repeating-pass.ts';

const reconcileConcurrency = 8;
const healthyRecheckMs = 15_000;
/** How often a running host's admin access is checked (one admin API call), and repaired when changed inside the host. */
const adminAccessRecheckMs = 60_000;

export class HostReconciler {
  readonly #context: HomeportContext;
  readonly #lastHealthy = new Map<string, number>();
  readonly #lastAccessCheck = new Map<string, number>();
  // The database may be gone for a while (PostgreSQL restarting): the next pass tries again.
  readonly #passes = new RepeatingPass(() => this.reconcileOnce(), (error) => {
    this.#context.logger.warn({ err: error }, 'reconciling hosts failed; trying again');
  });

  constructor(context: HomeportContext) {
    this.#context = context;
  }

  /** Called by the runtime whenever a host's process changes state. */
  onProcessState(hostId: string, state: HostProcessState): void {
    if (state === 'running') this.#markAwake(hostId);
    if (state === 'restarting') {
      this.#context.logger.warn({ hostId }, 'Synapse exited unexpectedly; restarting it');
      this.#lastHealthy.delete(hostId);
      moveHostStatus(this.#context.db, hostId, ['running'], 'degraded').catch((error: unknown) => {
        this.#context.logger.error({ hostId, err: error }, 'could not mark the host degraded');
      });
    }
  }

  #markAwake(hostId: string): void {
    moveHostStatus(this.#context.db, hostId, ['sleeping'], 'running').catch((error: unknown) => {
      this.#context.logger.error({ hostId, err: error }, 'could not mark the woken host running');
    });
  }

  /** One pass; safe to repeat at any time. Hosts are looked at a few at a time. */
  async reconcileOnce(): Promise<void> {
    // A rebuilding host belongs to its job, which stops and starts it on purpose.
    const hosts = await hostStatesWithStatus(this.#context.db, ['running', 'degraded', 'sleeping']);
    for (let index = 0; index < hosts.length; index += reconcileConcurrency) {
      await Promise.all(hosts.slice(index, index + reconcileConcurrency).map((host) => this.#reconcileHost(host)));
    }
  }

  async #reconcileHost(host: HostState): Promise<void> {
    const { db, runtime, logger } = this.#context;
    try {
      if (host.status === 'sleeping') return await this.#keepAsleep(host);
      // Being put to sleep: its status follows; asking its port for /health would wake it.
      const state = await runtime.processState(host.id);
      if (state === 'sleeping') return;
      if (state === 'stopped') await runtime.start(await loadHostSpec(this.#context, host.id));
      const suspect = host.status !== 'running' || (await runtime.processState(host.id)) !== 'running';
      // A host that was healthy a moment ago and whose process still runs need not be asked again yet.
      if (!suspect && Date.now() - (this.#lastHealthy.get(host.id) ?? 0) < healthyRecheckMs) return;
      const healthy = await waitForHealth((await runtime.hostEndpoint(host.id)).href, 1000).then(() => true, () => false);
      if (healthy) this.#lastHealthy.set(host.id, Date.now());
      if (!healthy && host.status === 'running') {
        await moveHostStatus(db, host.id, ['running'], 'degraded');
        logger.warn({ host: host.label }, 'host does not answer /health');
      }
      if (healthy && host.status === 'degraded') {
        await moveHostStatus(db, host.id, ['degraded'], 'running');
        logger.info({ host: host.label }, 'host is healthy again');
      }
      if (healthy) await this.#checkAdminAccess(host);
    } catch (error) {
      logger.debug({ host: host.label, err: error }, 'host not converged yet');
    }
  }

  /** Sleeping is a desired state: the host is not started, only its port is held for its next request. */
  async #keepAsleep(host: HostState): Promise<void> {
    const state = await this.#context.runtime.processState(host.id);
    if (state === 'stopped') await this.#context.runtime.sleep(await loadHostSpec(this.#context, host.id));
    else if (state === 'running') this.#markAwake(host.id);
  }

  async #checkAdminAccess(host: HostState): Promise<void> {
    if (!hostAllocated(host) || Date.now() - (this.#lastAccessCheck.get(host.id) ?? 0) < adminAccessRecheckMs) return;
    this.#lastAccessCheck.set(host.id, Date.now());
    await intactAdminClient(this.#context, { id: host.id, server_name: host.server_name }).catch((error: unknown) => {
      this.#context.logger.warn({ host: host.label, err: error }, "Homeport's admin access to the host could not be checked or restored");
    });
  }

  async start(intervalMs = 1000): Promise<void> {
    // Host changes reach the edge one host at a time; an edge that restarted lost them, so it gets all again.
    this.#context.runtime.whenEdgeRestarted(async () => {
      await applyEdgeFromDatabase(this.#context);
      this.#context.logger.info('edge restored from the database after it restarted');
    });
    await applyEdgeFromDatabase(this.#context);
    await this.reconcileOnce();
    this.#passes.start(intervalMs);
  }

  stop(): Promise<void> {
    return this.#passes.stop();
  }
}
