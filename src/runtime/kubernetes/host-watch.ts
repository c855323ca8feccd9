// The hosts' states as the cluster reports them, kept current by a watch on their Deployments
// (an informer: one list, then changes), so that asking a host's state costs no request. When
// the watch breaks (the API server restarted, the network went away) it is started again, and
// the list it starts with corrects whatever changed meanwhile.
import { AppsV1Api, makeInformer, type Informer, type KubeConfig, type ObjectCache, type V1Deployment } from '@kubernetes/client-node';
import type { Logger } from '../../logger.ts';
import type { HostProcessState } from '../runtime.ts';
import { hostIdOf, managedSelector } from './host-labels.ts';
import { hostStateOf } from './host-state.ts';

const restartDelayMs = 2_000;

export class HostWatch {
  readonly #informer: Informer<V1Deployment> & ObjectCache<V1Deployment>;
  readonly #states = new Map<string, HostProcessState>();
  /** Pods each host's workload still has, running or ending (status.replicas). */
  readonly #pods = new Map<string, number>();
  readonly #waiters = new Set<() => void>();
  readonly #logger: Logger;
  #stopped = false;
  #restart: NodeJS.Timeout | undefined;

  constructor(kubeConfig: KubeConfig, namespace: string, logger: Logger, onChange: (hostId: string, state: HostProcessState) => void) {
    this.#logger = logger;
    const apps = kubeConfig.makeApiClient(AppsV1Api);
    this.#informer = makeInformer(kubeConfig, `/apis/apps/v1/namespaces/${namespace}/deployments`, () => apps.listNamespacedDeployment({ namespace, labelSelector: managedSelector }), managedSelector);
    const seen = (deployment: V1Deployment, state: HostProcessState) => {
      const hostId = hostIdOf(deployment.metadata?.labels);
      if (!hostId) return;
      const pods = deployment.status?.replicas ?? 0;
      if (pods > 0) this.#pods.set(hostId, pods);
      else this.#pods.delete(hostId);
      const before = this.#states.get(hostId) ?? 'stopped';
      if (state === 'stopped') this.#states.delete(hostId);
      else this.#states.set(hostId, state);
      if (before !== state) onChange(hostId, state);
      for (const wake of this.#waiters) wake();
    };
    this.#informer.on('add', (deployment) => seen(deployment, hostStateOf(deployment)));
    this.#informer.on('update', (deployment) => seen(deployment, hostStateOf(deployment)));
    this.#informer.on('delete', (deployment) => seen({ ...deployment, status: { replicas: 0 } }, 'stopped'));
    this.#informer.on('error', (error) => {
      if (this.#stopped) return;
      this.#logger.warn({ err: error }, 'the watch on the hosts\' workloads broke; starting it again');
      this.#restart = setTimeout(() => {
        this.#informer.start().catch((startError: unknown) => this.#logger.warn({ err: startError }, 'could not start the watch again'));
      }, restartDelayMs);
    });
  }

  /** Resolves once the first list is in, so that no state is answered before the cluster was asked. */
  async start(): Promise<void> {
    await this.#informer.start();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#restart);
    await this.#informer.stop();
  }

  state(hostId: string): HostProcessState {
    return this.#states.get(hostId) ?? 'stopped';
  }

  pods(hostId: string): number {
    return this.#pods.get(hostId) ?? 0;
  }

  /** Resolves when the host's state (and its number of pods) satisfies `done`; rejects after the timeout. */
  async waitFor(hostId: string, done: (state: HostProcessState, pods: number) => boolean, timeoutMs: number, what: string): Promise<void> {
    const check = () => done(this.state(hostId), this.pods(hostId));
    if (check()) return;
    await new Promise<void>((resolve, reject) => {
      const finish = (error?: Error) => {
        clearTimeout(timer);
        this.#waiters.delete(listener);
        if (error) reject(error);
        else resolve();
      };
      const listener = () => {
        if (check()) finish();
      };
      const timer = setTimeout(() => finish(new Error(`host ${hostId} was not ${what} within ${timeoutMs} ms (it is ${this.state(hostId)})`)), timeoutMs);
      this.#waiters.add(listener);
    });
  }
}
