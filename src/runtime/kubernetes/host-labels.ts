// How Homeport names and labels the Kubernetes objects of one host: every object carries the
// same labels, so that one label selector finds (and a cancel removes) all of them and nothing else.
import type { V1OwnerReference } from '@kubernetes/client-node';

/** The field manager of every server-side apply Homeport makes. */
export const fieldManager = 'homeport';

/** The metadata every owned object of a host carries. */
export interface HostObjectMetadata {
  name: string;
  namespace: string;
  labels: Record<string, string>;
  ownerReferences: V1OwnerReference[];
}

const hostLabel = 'homeport.io/host';

/** Labels of every object of the host. */
export function hostLabels(hostId: string): Record<string, string> {
  return {
    'app.kubernetes.io/managed-by': 'homeport',
    'app.kubernetes.io/name': 'synapse',
    'app.kubernetes.io/instance': hostObjectName(hostId),
    [hostLabel]: hostId,
  };
}

/** The label selector that finds every object of every host. */
export const managedSelector = 'app.kubernetes.io/managed-by=homeport';

/** The host a labelled object belongs to. */
export function hostIdOf(labels: Record<string, string> | undefined): string | undefined {
  return labels?.[hostLabel];
}

/** The label selector that finds every object of the host. */
export function hostSelector(hostId: string): string {
  return `${hostLabel}=${hostId}`;
}

/** The selector of the host's Synapse pods (what its Service and NetworkPolicy point at). */
export function hostPodLabels(hostId: string): Record<string, string> {
  return { [hostLabel]: hostId, 'app.kubernetes.io/name': 'synapse' };
}

/** The name of the host's objects, one of each kind: `host-<id>` (a host id is a UUID, so it fits a DNS label). */
export function hostObjectName(hostId: string): string {
  return `host-${hostId}`;
}
