// The Kubernetes runtime: each host is a set of objects in one namespace (see host-objects.ts),
// applied with server-side apply, owned by the host's ConfigMap and labelled with the host's id;
// its database lives on the operator's PostgreSQL. The cluster runs, restarts and reschedules
// Synapse; Homeport declares what should exist and reads back, through a watch, what does.
import { ApiException, KubernetesObjectApi, PatchStrategy, type KubeConfig, type V1ConfigMap } from '@kubernetes/client-node';
import type { Logger } from '../../logger.ts';
import type { EdgeRefusal, EdgeRoute, HostProcessState, HostRuntime, HostSpec, RuntimeCapacity } from '../runtime.ts';
import type { TrustedKeyServer } from '../../synapse/homeserver-config.ts';
import { HostNotOnCluster, HostObjects, type HeldRouting } from './host-apply.ts';
import { eachConcurrently, holds } from './held-objects.ts';
import { hostObjectName } from './host-labels.ts';
import { HostWatch } from './host-watch.ts';
import { synapsePort } from './host-workload.ts';
import type { HostsDatabaseServer } from './hosts-database-server.ts';
import type { KubernetesHost, KubernetesRuntimeSettings } from './kubernetes-settings.ts';
import { renderPodHomeserverConfig, renderPodLogConfig } from './pod-homeserver-config.ts';

export interface KubernetesRuntimeOptions {
  kubeConfig: KubeConfig;
  settings: KubernetesRuntimeSettings;
  databases: HostsDatabaseServer;
  trustedKeyServers: TrustedKeyServer[];
  logger: Logger;
  onProcessState?(hostId: string, state: HostProcessState): void;
}

/** The field manager of the Element Web config.json kept in the host's ConfigMap. */
const clientConfigFieldManager = 'homeport-client-config';
/** How long a woken host may take to become ready again, and a stopped one to lose its pod. */
const wakeTimeoutMs = 300_000;
/** Hosts whose routes are applied at once when the whole edge is (after a restart). */
const edgeConcurrency = 16;

export class KubernetesRuntime implements HostRuntime {
  readonly #options: KubernetesRuntimeOptions;
  readonly #api: KubernetesObjectApi;
  readonly #objects: HostObjects;
  readonly #watch: HostWatch;

  constructor(options: KubernetesRuntimeOptions) {
    this.#options = options;
    this.#api = KubernetesObjectApi.makeApiClient(options.kubeConfig);
    this.#objects = new HostObjects(this.#api, options.settings);
    this.#watch = new HostWatch(options.kubeConfig, options.settings.namespace, options.logger.child({ component: 'kubernetes-watch' }), (hostId, state) => options.onProcessState?.(hostId, state));
  }

  /** Starts the watch on the hosts' workloads; no state is answered before its first list is in. */
  async open(): Promise<void> {
    await this.#watch.start();
  }

  async close(): Promise<void> {
    await this.#watch.stop();
  }

  /** Nothing to reserve: a host is addressed by its Service's name. */
  async allocate(_hostId: string): Promise<void> {}

  /** The host's Service inside the cluster (Homeport's replicas run in the cluster too). */
  async hostEndpoint(hostId: string): Promise<URL> {
    return new URL(`http://${hostObjectName(hostId)}.${this.#options.settings.namespace}.svc:${synapsePort}/`);
  }

  ensureDatabase(database: HostSpec['database'], options?: { empty?: boolean }): Promise<{ fromTemplate: boolean }> {
    return this.#options.databases.steps.ensure(database, options);
  }

  /** Applies the host's configuration and everything but its workload: a running Synapse takes it at its next start. */
  async writeConfig(spec: HostSpec): Promise<void> {
    await this.#objects.apply(this.#host(spec), { workload: false });
  }

  /** Applies every object of the host and scales its workload to one (waking it when it slept); a new configuration rolls its pod. */
  async start(spec: HostSpec): Promise<void> {
    await this.#objects.apply(this.#host(spec), { workload: true });
    await this.#objects.scale(spec.id, 1);
  }

  async waitHealthy(spec: HostSpec, timeoutMs: number): Promise<void> {
    await this.#watch.waitFor(spec.id, (state) => state === 'running', timeoutMs, 'ready');
  }

  /** Scales the workload to zero and waits until its pod is gone, so that nothing uses the host's database any more. */
  async stop(hostId: string): Promise<void> {
    await this.#objects.scale(hostId, 0);
    await this.#watch.waitFor(hostId, (state, pods) => state !== 'running' && state !== 'starting' && state !== 'restarting' && pods === 0, wakeTimeoutMs, 'stopped');
  }

  processState(hostId: string): Promise<HostProcessState> {
    // What the watch on the Deployments last reported: its first list after a (re)start corrects what it missed.
    return Promise.resolve(this.#watch.state(hostId));
  }

  /**
   * Hibernation: the workload scaled to zero, marked as sleeping. Requests through the ingress get
   * its answer for a missing backend until the host is woken (by Homeport's own calls or a job):
   * the cluster's ingress does not hold them.
   */
  async sleep(spec: HostSpec): Promise<void> {
    await this.#objects.scale(spec.id, 0, { sleeping: true });
    // As the contract has it: sleeping once this resolves, its pod gone (the database no longer used).
    await this.#watch.waitFor(spec.id, (state, pods) => state === 'sleeping' && pods === 0, wakeTimeoutMs, 'asleep');
  }

  async wake(hostId: string): Promise<void> {
    if ((await this.processState(hostId)) !== 'sleeping') return;
    await this.#objects.scale(hostId, 1);
    await this.#watch.waitFor(hostId, (state) => state === 'running', wakeTimeoutMs, 'awake');
  }

  lastActivity(): number | undefined {
    // The ingress tells Homeport of no request: an idle host is never put to sleep on its own (only asked to).
    return undefined;
  }

  /**
   * Every host's routes at once, as after a restart: the owner objects and Ingresses are read in
   * two lists, and only what differs from them is applied, a few hosts at a time (an unchanged
   * edge of any size costs two requests). Routes of hosts left out are removed.
   */
  async applyEdge(hosts: EdgeRoute[]): Promise<EdgeRefusal[]> {
    const held = await this.#objects.heldRouting();
    const refusals: EdgeRefusal[] = [];
    await eachConcurrently(hosts, edgeConcurrency, async (route) => {
      const refusal = await this.#routeHost(route, held.get(route.id) ?? {});
      if (refusal) refusals.push(refusal);
    });
    const wanted = new Set(hosts.map((route) => route.id));
    const unwanted = [...held].flatMap(([hostId, { ingress }]) => ingress && !wanted.has(hostId) ? [hostId] : []);
    await eachConcurrently(unwanted, edgeConcurrency, (hostId) => this.#objects.removeRouting(hostId));
    return refusals;
  }

  /**
   * The host's Ingress for its own name and every name of the customer's still serving it, each
   * with a certificate from cert-manager; names moved away are left out (no longer routed).
   */
  async applyEdgeHost(hostId: string, route: EdgeRoute | undefined): Promise<EdgeRefusal | undefined> {
    if (!route) {
      await this.#objects.removeRouting(hostId);
      return undefined;
    }
    return this.#routeHost(route);
  }

  /** One host's client config and Ingress; with `held`, compared with what the API server holds and applied only where they differ. */
  async #routeHost(route: EdgeRoute, held?: HeldRouting): Promise<EdgeRefusal | undefined> {
    const hostId = route.id;
    const names = [...new Set([route.edgeHostname, ...route.customNames, ...route.previousNames].map((name) => name.toLowerCase()))];
    try {
      await this.#writeClientConfig(hostId, route.clientConfig, held);
      await this.#objects.applyRouting(hostId, names, held);
      return undefined;
    } catch (error) {
      if (error instanceof HostNotOnCluster) return { id: hostId, reason: 'the host is not on the cluster yet' };
      // The API server refused the Ingress (a name it does not accept): the host keeps no half route.
      if (error instanceof ApiException && (error.code === 422 || error.code === 400)) {
        await this.#objects.removeRouting(hostId);
        return { id: hostId, reason: `the cluster refused this host's routes: ${String(error.body)}` };
      }
      throw error;
    }
  }

  whenEdgeRestarted(): void {
    // The routes are Ingress objects the cluster keeps: an ingress controller that restarts reads them again.
  }

  /** Keeps the host's Element Web config.json in its ConfigMap, under a field manager of its own. */
  async writeClientConfig(hostId: string, config: Record<string, unknown>): Promise<void> {
    await this.#writeClientConfig(hostId, config);
  }

  /** With `held` (the owner object as listed), nothing is read, and nothing is applied when it holds this config already. */
  async #writeClientConfig(hostId: string, config: Record<string, unknown>, held?: HeldRouting): Promise<void> {
    const metadata = { name: hostObjectName(hostId), namespace: this.#options.settings.namespace };
    const data = { 'element-web-config.json': JSON.stringify(config, null, 2) + '\n' };
    // Applying to a ConfigMap that does not exist would create one nobody owns.
    if (held) {
      if (!held.owner || held.owner.metadata?.deletionTimestamp) throw new HostNotOnCluster(`${hostObjectName(hostId)} is not on the cluster`);
      if (holds(held.owner.data, data)) return;
    } else {
      try {
        await this.#api.read({ apiVersion: 'v1', kind: 'ConfigMap', metadata });
      } catch (error) {
        if (error instanceof ApiException && error.code === 404) throw new HostNotOnCluster(`${hostObjectName(hostId)} is not on the cluster`);
        throw error;
      }
    }
    const patch: V1ConfigMap = { apiVersion: 'v1', kind: 'ConfigMap', metadata, data };
    await this.#api.patch(patch, undefined, undefined, clientConfigFieldManager, true, PatchStrategy.ServerSideApply);
  }

  /**
   * The hosts' PostgreSQL as it stands. Memory is the cluster's to schedule (a pod that does not
   * fit stays Pending): no node is Homeport's to measure, so none is counted against new hosts.
   */
  async capacity(hosts: Array<{ id: string; databaseName: string }>): Promise<RuntimeCapacity> {
    const connections = await this.#options.databases.steps.connections(hosts.map((host) => host.databaseName));
    return {
      memory: { totalBytes: Number.MAX_SAFE_INTEGER, availableBytes: Number.MAX_SAFE_INTEGER },
      databaseConnections: { max: connections.max, reserved: connections.reserved, used: connections.used },
      hosts: new Map(hosts.map((host) => [host.id, { memoryBytes: 0, databaseConnections: connections.perDatabase.get(host.databaseName) ?? 0 }])),
    };
  }

  /** Deletes the host's owner object and sweeps what carries its label, then drops its database and role; safe to repeat. */
  async remove(hostId: string, database: Pick<HostSpec['database'], 'name' | 'user'>): Promise<void> {
    await this.#objects.remove(hostId);
    await this.#watch.waitFor(hostId, (state, pods) => state === 'stopped' && pods === 0, wakeTimeoutMs, 'removed');
    await this.#options.databases.steps.drop(database);
  }

  #host(spec: HostSpec): KubernetesHost {
    const { settings, databases, trustedKeyServers } = this.#options;
    return {
      id: spec.id,
      serverName: spec.serverName,
      homeserverConfig: renderPodHomeserverConfig({ spec, databaseEndpoint: databases.endpoint, federation: { trustedKeyServers } }),
      logConfig: renderPodLogConfig(),
      signingKey: spec.secrets.signingKey,
      seats: spec.seats,
      mediaStorage: settings.mediaStorage,
    };
  }
}
