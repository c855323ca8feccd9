// The Role Homeport's Kubernetes runtime needs in the hosts' namespace, and nothing more: on the
// kinds a host is made of, server-side apply (patch, and create for an object applied the first
// time), list and delete for a cancel's sweep; get of the owner ConfigMap and the Deployment
// (scaling reads it first); watch of Deployments for the hosts' states. No cluster-wide rights,
// no pods, no RBAC objects, no exec. Deploy manifests are checked against this (deploy/).
import type { V1PolicyRule, V1Role } from '@kubernetes/client-node';
import { hostKinds } from './host-kinds.ts';

export const runtimeRoleName = 'homeport-runtime';

const everyKindVerbs = ['create', 'patch', 'list', 'delete'];
const extraVerbs: Record<string, string[]> = {
  configmaps: ['get'],
  deployments: ['get', 'watch'],
};

/** The rules, one per resource, in the order of hostKinds. */
export function runtimeRules(): V1PolicyRule[] {
  return hostKinds.map((kind) => ({
    apiGroups: [kind.group],
    resources: [kind.resource],
    verbs: [...(extraVerbs[kind.resource] ?? []), ...everyKindVerbs],
  }));
}

export function runtimeRole(namespace: string): V1Role {
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'Role',
    metadata: { name: runtimeRoleName, namespace },
    rules: runtimeRules(),
  };
}
