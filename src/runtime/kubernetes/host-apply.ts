// Puts a host's objects into the cluster with server-side apply under Homeport's one field
// manager (applying again converges, whatever changed), and removes them all. Both are safe to
// repeat: a step interrupted halfway is finished by the next run.
import { ApiException, KubernetesObjectApi, PatchStrategy, type KubernetesObject, type V1Deployment } from '@kubernetes/client-node';
import type { HostProcessState } from '../runtime.ts';
import { fieldManager, hostObjectName, hostSelector } from './host-labels.ts';
import { hostKinds } from './host-kinds.ts';
import { hostObjects, hostOwner } from './host-objects.ts';
import { hostStateOf } from './host-state.ts';
import type { KubernetesHost, KubernetesSettings } from './kubernetes-settings.ts';

export class HostObjects {
  private readonly api: KubernetesObjectApi;
  private readonly settings: KubernetesSettings;

  constructor(api: KubernetesObjectApi, settings: KubernetesSettings) {
    this.api = api;
    this.settings = settings;
  }

  /** Applies the host's owner object, then everything it owns. */
  async apply(host: KubernetesHost): Promise<void> {
    const owner = await this.serverSideApply(hostOwner(host, this.settings));
    const ownerUid = owner.metadata?.uid;
    if (!ownerUid) throw new Error(`the API server gave ${hostObjectName(host.id)} no uid`);
    for (const object of hostObjects(host, this.settings, ownerUid)) await this.serverSideApply(object);
  }

  /**
   * Deletes the host's owner object, whose dependents the garbage collector then deletes (pods and
   * volumes included), and every object still carrying the host's label: one applied before its
   * owner existed, or whose owner reference was lost, is removed too.
   */
  async remove(hostId: string): Promise<void> {
    const namespace = this.settings.namespace;
    for (const { apiVersion, kind } of hostKinds) {
      const found = await this.api.list(apiVersion, kind, namespace, undefined, undefined, undefined, undefined, hostSelector(hostId));
      for (const object of found.items) {
        await ignoreMissing(this.api.delete({ apiVersion, kind, metadata: { name: object.metadata?.name, namespace } }, undefined, undefined, undefined, undefined, 'Background'));
      }
    }
  }

  /** The host's state, from its Deployment's readiness; stopped when it has none. */
  async state(hostId: string): Promise<HostProcessState> {
    const header = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: hostObjectName(hostId), namespace: this.settings.namespace } };
    try {
      return hostStateOf(await this.api.read<V1Deployment>(header));
    } catch (error) {
      if (error instanceof ApiException && error.code === 404) return 'stopped';
      throw error;
    }
  }

  private async serverSideApply<T extends KubernetesObject>(object: T): Promise<T> {
    // force: Homeport owns these objects; a field another manager took is taken back.
    return this.api.patch(object, undefined, undefined, fieldManager, true, PatchStrategy.ServerSideApply);
  }
}

async function ignoreMissing(deletion: Promise<unknown>): Promise<void> {
  try {
    await deletion;
  } catch (error) {
    if (!(error instanceof ApiException && error.code === 404)) throw error;
  }
}
