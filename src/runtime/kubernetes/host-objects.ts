// The Kubernetes objects of one host, as pure functions of the host and the operator's settings.
// One ConfigMap is the host's owner: every other object names it in its ownerReferences, so that
// deleting it lets the cluster's garbage collector remove the rest, pods and volumes included.
import { createHash } from 'node:crypto';
import type { KubernetesObject, V1ConfigMap, V1Ingress, V1OwnerReference, V1PersistentVolumeClaim, V1Secret, V1Service } from '@kubernetes/client-node';
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

function ownedMetadata(hostId: string, settings: KubernetesSettings, ownerUid: string): Metadata {
  const owner: V1OwnerReference = { apiVersion: 'v1', kind: 'ConfigMap', name: hostObjectName(hostId), uid: ownerUid };
  return { name: hostObjectName(hostId), namespace: settings.namespace, labels: hostLabels(hostId), ownerReferences: [owner] };
}

/**
 * Every other object of the host but its routing, owned by the owner object with the given uid,
 * in the order to apply them: the workload last, once what it mounts exists.
 */
export function hostObjects(host: KubernetesHost, settings: KubernetesSettings, ownerUid: string): KubernetesObject[] {
  const metadata = () => ownedMetadata(host.id, settings, ownerUid);
  return [
    hostSecret(host, metadata()),
    hostMediaVolume(host, settings, metadata()),
    hostService(host, metadata()),
    hostNetworkPolicy(host, settings, metadata()),
    hostDeployment(host, settings, metadata(), configChecksum(host)),
  ];
}

/** The host's Ingress for every name it answers on (its own first), owned like the rest. */
export function hostRouting(hostId: string, hostnames: string[], settings: KubernetesSettings, ownerUid: string): V1Ingress {
  return hostIngress({ id: hostId, hostnames }, settings, ownedMetadata(hostId, settings, ownerUid));
}

/** Changes with the Secret's contents: in the pod template, so a new configuration starts a new pod. */
function configChecksum(host: KubernetesHost): string {
  return createHash('sha256').update(host.homeserverConfig).update('\0').update(host.logConfig).update('\0').update(host.signingKey).digest('hex');
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
    data: { 'homeserver.yaml': base64(host.homeserverConfig), 'log.config.yaml': base64(host.logConfig), 'signing.key': base64(host.signingKey) },
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
