// The kinds of object a host is made of, as the API names them: what a cancel looks for by label,
// and what the runtime's Role lets Homeport touch.
export interface HostKind {
  apiVersion: string;
  kind: string;
  /** The API group and resource, as a Role names them. */
  group: string;
  resource: string;
}

export const hostKinds: HostKind[] = [
  { apiVersion: 'v1', kind: 'ConfigMap', group: '', resource: 'configmaps' },
  { apiVersion: 'v1', kind: 'Secret', group: '', resource: 'secrets' },
  { apiVersion: 'v1', kind: 'PersistentVolumeClaim', group: '', resource: 'persistentvolumeclaims' },
  { apiVersion: 'v1', kind: 'Service', group: '', resource: 'services' },
  { apiVersion: 'apps/v1', kind: 'Deployment', group: 'apps', resource: 'deployments' },
  { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', group: 'networking.k8s.io', resource: 'networkpolicies' },
  { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', group: 'networking.k8s.io', resource: 'ingresses' },
];
