// Puts a host's objects into the cluster with server-side apply under Homeport's one field
// manager (applying again converges, whatever changed), scales its workload, and removes them all.
// Every step is safe to repeat: a step interrupted halfway is finished by the next run.
import { ApiException, KubernetesObjectApi, PatchStrategy, type KubernetesObject, type V1ConfigMap, type V1Deployment, type V1Ingress } from '@kubernetes/client-node';
import type { HostProcessState } from '../runtime.ts';
import { fieldManager, hostIdOf, hostObjectName, hostSelector, managedSelector } from './host-labels.ts';
import { hostKinds } from './host-kinds.ts';
import { holds } from './held-objects.ts';
import { hostObjects, hostOwner, hostRouting } from './host-objects.ts';
import { hostStateOf, sleepingAnnotation } from './host-state.ts';
import type { KubernetesHost, KubernetesSettings } from './kubernetes-settings.ts';

/**
 * The field manager of the workload's scale alone (sleep, wake, stop): its own, so that applying
 * the scale does not drop the fields Homeport's main manager applies, and the other way round.
 */
export const scaleFieldManager = 'homeport-scale';

/** The host has no owner object yet: it was never built on this cluster, or it is being removed. */
export class HostNotOnCluster extends Error {}

/** A host's owner object and Ingress as the API server holds them (see HostObjects.heldRouting). */
export interface HeldRouting {
  owner?: V1ConfigMap;
  ingress?: V1Ingress;
}

export class HostObjects {
  private readonly api: KubernetesObjectApi;
  private readonly settings: KubernetesSettings;

  constructor(api: KubernetesObjectApi, settings: KubernetesSettings) {
    this.api = api;
    this.settings = settings;
  }

  /** Applies the host's owner object, then everything it owns; the workload only with `workload` (it starts Synapse). */
  async apply(host: KubernetesHost, options: { workload: boolean } = { workload: true }): Promise<void> {
    const owner = await this.serverSideApply(hostOwner(host, this.settings));
    const ownerUid = owner.metadata?.uid;
    if (!ownerUid) throw new Error(`the API server gave ${hostObjectName(host.id)} no uid`);
    for (const object of hostObjects(host, this.settings, ownerUid)) {
      if (object.kind === 'Deployment' && !options.workload) continue;
      await this.serverSideApply(object);
    }
  }

  /**
   * Routes the given names to the host (its Ingress), owned by its owner object like everything
   * else. With `held` (what heldRouting read), nothing is read, and nothing is applied when the
   * Ingress held already is what would be applied.
   */
  async applyRouting(hostId: string, hostnames: string[], held?: HeldRouting): Promise<void> {
    const owner = held ? held.owner : await this.read<V1ConfigMap>('v1', 'ConfigMap', hostId);
    const ownerUid = owner?.metadata?.uid;
    if (!ownerUid || owner.metadata?.deletionTimestamp) throw new HostNotOnCluster(`${hostObjectName(hostId)} is not on the cluster`);
    const routing = hostRouting(hostId, hostnames, this.settings, ownerUid);
    // (Items of a list carry no apiVersion and kind: the rest is compared.)
    if (held?.ingress && holds(held.ingress, { metadata: routing.metadata, spec: routing.spec })) return;
    await this.serverSideApply(routing);
  }

  /** Every host's owner object and Ingress, by host id, in two lists: what applying the whole edge compares against. */
  async heldRouting(): Promise<Map<string, HeldRouting>> {
    const namespace = this.settings.namespace;
    const [owners, ingresses] = await Promise.all([
      this.api.list<V1ConfigMap>('v1', 'ConfigMap', namespace, undefined, undefined, undefined, undefined, managedSelector),
      this.api.list<V1Ingress>('networking.k8s.io/v1', 'Ingress', namespace, undefined, undefined, undefined, undefined, managedSelector),
    ]);
    // Only the host's own objects (by name): anything else carrying its label is neither its owner nor its route.
    const hostOf = (object: KubernetesObject) => {
      const hostId = hostIdOf(object.metadata?.labels);
      return hostId && object.metadata?.name === hostObjectName(hostId) ? hostId : undefined;
    };
    const held = new Map<string, HeldRouting>();
    for (const owner of owners.items) {
      const hostId = hostOf(owner);
      if (hostId) held.set(hostId, { ...held.get(hostId), owner });
    }
    for (const ingress of ingresses.items) {
      const hostId = hostOf(ingress);
      if (hostId) held.set(hostId, { ...held.get(hostId), ingress });
    }
    return held;
  }

  async removeRouting(hostId: string): Promise<void> {
    await this.deleteNamed('networking.k8s.io/v1', 'Ingress', hostObjectName(hostId));
  }

  /** Sets the workload's replicas; `sleeping` marks a scale to zero as hibernation rather than a stop. */
  async scale(hostId: string, replicas: 0 | 1, options: { sleeping?: boolean } = {}): Promise<void> {
    const annotations = options.sleeping ? { [sleepingAnnotation]: 'true' } : undefined;
    const deployment: V1Deployment = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: hostObjectName(hostId), namespace: this.settings.namespace, ...(annotations ? { annotations } : {}) },
      spec: { replicas } as V1Deployment['spec'],
    };
    // Applying a partial object creates an invalid one when none exists: a host without a workload has nothing to scale.
    if (!(await this.read('apps/v1', 'Deployment', hostId))) return;
    await this.api.patch(deployment, undefined, undefined, scaleFieldManager, true, PatchStrategy.ServerSideApply);
  }

  /**
   * Deletes the host's owner object, whose dependents the garbage collector then deletes (pods and
   * volumes included), and every object still carrying the host's label: one applied before its
   * owner existed, or whose owner reference was lost, is removed too. Nothing without the label is touched.
   */
  async remove(hostId: string): Promise<void> {
    await this.deleteNamed('v1', 'ConfigMap', hostObjectName(hostId));
    const namespace = this.settings.namespace;
    for (const { apiVersion, kind } of hostKinds) {
      const found = await this.api.list(apiVersion, kind, namespace, undefined, undefined, undefined, undefined, hostSelector(hostId));
      for (const object of found.items) await this.deleteNamed(apiVersion, kind, object.metadata?.name ?? '');
    }
  }

  /** The host's state, read now from its Deployment's readiness; stopped when it has none. */
  async state(hostId: string): Promise<HostProcessState> {
    return hostStateOf(await this.read<V1Deployment>('apps/v1', 'Deployment', hostId));
  }

  private async read<T extends KubernetesObject>(apiVersion: string, kind: string, hostId: string): Promise<T | undefined> {
    try {
      return await this.api.read<T>({ apiVersion, kind, metadata: { name: hostObjectName(hostId), namespace: this.settings.namespace } });
    } catch (error) {
      if (error instanceof ApiException && error.code === 404) return undefined;
      throw error;
    }
  }

  private async deleteNamed(apiVersion: string, kind: string, name: string): Promise<void> {
    try {
      await this.api.delete({ apiVersion, kind, metadata: { name, namespace: this.settings.namespace } }, undefined, undefined, undefined, undefined, 'Background');
    } catch (error) {
      if (!(error instanceof ApiException && error.code === 404)) throw error;
    }
  }

  private async serverSideApply<T extends KubernetesObject>(object: T): Promise<T> {
    // force: Homeport owns these objects; a field another manager took is taken back.
    return this.api.patch(object, undefined, undefined, fieldManager, true, PatchStrategy.ServerSideApply);
  }
}
