// The Role Homeport's Kubernetes runtime needs in the hosts' namespace, and nothing more: the
// objects of hosts (create through server-side apply, change, remove), and pods read-only, for
// the hosts' state. No cluster-wide rights, no RBAC objects, no pod exec.
import type { V1Role } from '@kubernetes/client-node';
import { hostKinds } from './host-kinds.ts';

export const runtimeRoleName = 'homeport-runtime';

export function runtimeRole(namespace: string): V1Role {
  const groups = [...new Set(hostKinds.map((kind) => kind.group))];
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'Role',
    metadata: { name: runtimeRoleName, namespace },
    rules: [
      ...groups.map((group) => ({
        apiGroups: [group],
        resources: hostKinds.filter((kind) => kind.group === group).map((kind) => kind.resource),
        verbs: ['get', 'list', 'watch', 'create', 'patch', 'delete'],
      })),
      { apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'watch'] },
    ],
  };
}
