// How a host is reached, and what it may reach. The Ingress routes every name the host answers on
// to its Service, with a certificate cert-manager issues for those names. The NetworkPolicy lets
// in only the ingress controller and Homeport's own pods (admin API, health), and lets Synapse out to DNS, the database and the public
// internet (federation, URL previews) but to nothing else private: not other hosts, not the
// control plane, not the cluster's API. (`_from` is the client's name for the API's `from`.)
import type { V1Ingress, V1NetworkPolicy, V1NetworkPolicyPeer } from '@kubernetes/client-node';
import { hostObjectName, hostPodLabels, type HostObjectMetadata } from './host-labels.ts';
import { synapsePort } from './host-workload.ts';
import type { KubernetesSettings } from './kubernetes-settings.ts';

export function hostIngress(host: { id: string; hostnames: string[] }, settings: KubernetesSettings, metadata: HostObjectMetadata): V1Ingress {
  const name = hostObjectName(host.id);
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { ...metadata, annotations: { 'cert-manager.io/cluster-issuer': settings.clusterIssuer } },
    spec: {
      ingressClassName: settings.ingressClassName,
      tls: [{ hosts: host.hostnames, secretName: `${name}-tls` }],
      rules: host.hostnames.map((hostname) => ({
        host: hostname,
        http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name, port: { name: 'http' } } } }] },
      })),
    },
  };
}

export function hostNetworkPolicy(host: { id: string }, settings: KubernetesSettings, metadata: HostObjectMetadata): V1NetworkPolicy {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata,
    spec: {
      podSelector: { matchLabels: hostPodLabels(host.id) },
      policyTypes: ['Ingress', 'Egress'],
      ingress: [{
        _from: [
          { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': settings.ingressNamespace } } },
          {
            namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': settings.controlPlaneNamespace } },
            podSelector: { matchLabels: { 'app.kubernetes.io/name': 'homeport' } },
          },
        ],
        ports: [{ protocol: 'TCP', port: synapsePort }],
      }],
      egress: [
        {
          to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
          ports: [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }],
        },
        { to: [{ ipBlock: { cidr: settings.databaseCidr } }] },
        { to: publicInternet(settings.privateCidrs) },
      ],
    },
  };
}

function publicInternet(privateCidrs: string[]): V1NetworkPolicyPeer[] {
  const ipv6 = privateCidrs.filter((cidr) => cidr.includes(':'));
  const ipv4 = privateCidrs.filter((cidr) => !cidr.includes(':'));
  return [
    { ipBlock: { cidr: '0.0.0.0/0', except: ipv4 } },
    { ipBlock: { cidr: '::/0', except: ipv6 } },
  ];
}
