// The Kubernetes objects of one host, as pure functions of the host and the operator's settings.
// One ConfigMap is the host's owner: every other object names it in its ownerReferences, so that
// deleting it lets the cluster's garbage collector remove the rest, pods and volumes included.
import type { KubernetesObject, V1ConfigMap, V1OwnerReference, V1PersistentVolumeClaim, V1Secret, V1Service } from '@kubernetes/client-node';
import { hostLabels, hostObjectName, hostPodLabels, type HostObjectMetadata as Metadata } from './host-labels.ts';
import { hostNetworkPolicy, hostIngress } from './host-network.ts';
import { hostDeployment, synapsePort } from './host-workload.ts';
import type { KubernetesHost, KubernetesSettings } from './kubernetes-settings.ts';

/** The host's owner object; applied first, since the others need its uid. */
export function hostOwner(host: KubernetesHost, settings: KubernetesSettings): V1ConfigMap {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: hostObjectName(host.id), namespace: settings.namespace, labels: hostLabels(host.id) },
    data: { serverName: host.serverName },
  };
}

/** Every other object of the host, owned by the owner object with the given uid, in the order to apply them. */
export function hostObjects(host: KubernetesHost, settings: KubernetesSettings, ownerUid: string): KubernetesObject[] {
  const owner: V1OwnerReference = { apiVersion: 'v1', kind: 'ConfigMap', name: hostObjectName(host.id), uid: ownerUid };
  const metadata = (): Metadata => ({ name: hostObjectName(host.id), namespace: settings.namespace, labels: hostLabels(host.id), ownerReferences: [owner] });
  return [
    hostSecret(host, metadata()),
    hostMediaVolume(host, settings, metadata()),
    hostService(host, metadata()),
    hostDeployment(host, settings, metadata()),
    hostNetworkPolicy(host, settings, metadata()),
    hostIngress(host, settings, metadata()),
  ];
}

function base64(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64');
}

function hostSecret(host: KubernetesHost, metadata: Metadata): V1Secret {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata,
    type: 'Opaque',
    data: { 'homeserver.yaml': base64(host.homeserverConfig), 'signing.key': base64(host.signingKey) },
  };
}

function hostMediaVolume(host: KubernetesHost, settings: KubernetesSettings, metadata: Metadata): V1PersistentVolumeClaim {
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata,
    spec: {
      accessModes: ['ReadWriteOnce'],
      resources: { requests: { storage: host.mediaStorage } },
      ...(settings.storageClassName ? { storageClassName: settings.storageClassName } : {}),
    },
  };
}

function hostService(host: KubernetesHost, metadata: Metadata): V1Service {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata,
    spec: {
      type: 'ClusterIP',
      selector: hostPodLabels(host.id),
      ports: [{ name: 'http', port: synapsePort, targetPort: 'http', protocol: 'TCP' }],
    },
  };
}
