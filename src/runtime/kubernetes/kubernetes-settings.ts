// What the operator tells the Kubernetes runtime about the cluster its hosts run in, read from the
// environment when HOMEPORT_RUNTIME=kubernetes (see README's settings table).
import { isIP } from 'node:net';

export interface KubernetesSettings {
  /** The namespace holding every host's objects. */
  namespace: string;
  /** The Synapse container image hosts run, e.g. ghcr.io/element-hq/synapse:v1.150.0. */
  synapseImage: string;
  /** The IngressClass routing the hosts' names. */
  ingressClassName: string;
  /** The cert-manager ClusterIssuer that certifies every name a host answers on. */
  clusterIssuer: string;
  /** The StorageClass of media volumes; the cluster's default when absent. */
  storageClassName?: string;
  /** The namespace of the ingress controller, whose pods may reach a host's Synapse. */
  ingressNamespace: string;
  /** The namespace of Homeport's own pods (labelled app.kubernetes.io/name=homeport): they reach a host's Synapse for its admin API and health. */
  controlPlaneNamespace: string;
  /** Where the hosts' PostgreSQL answers (CIDR), reachable from every host. */
  databaseCidr: string;
  /** The cluster's private ranges (pods, services, nodes, API server): hosts reach none of them but DNS and the database. */
  privateCidrs: string[];
}

/** How Homeport reaches the cluster and the hosts' PostgreSQL, beside the settings of the hosts' objects. */
export interface KubernetesRuntimeSettings extends KubernetesSettings {
  /** A kubeconfig file; undefined: the pod's own service account (in-cluster). */
  kubeconfig?: string;
  /** The hosts' PostgreSQL as a role that may create roles and databases; pods reach it at the same address. */
  hostsDatabaseUrl: string;
  /** The size of each host's media volume, e.g. "10Gi". */
  mediaStorage: string;
}

/** One host as the Kubernetes runtime runs it. */
export interface KubernetesHost {
  id: string;
  serverName: string;
  /** The rendered homeserver.yaml (paths as mounted in the pod: see host-workload.ts). */
  homeserverConfig: string;
  /** The rendered Python logging config: Synapse logs to the console, which the cluster keeps. */
  logConfig: string;
  /** The signing key file's contents: the server's identity. */
  signingKey: string;
  seats: number;
  /** The media volume's size, e.g. "10Gi". */
  mediaStorage: string;
}

export class KubernetesSettingsError extends Error {}

const defaultPrivateCidrs = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10', 'fc00::/7'];
const dnsLabel = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const quantity = /^[1-9][0-9]*(Mi|Gi|Ti)$/;

function cidr(name: string, value: string): string {
  const [address, bits, ...rest] = value.split('/');
  const family = isIP(address ?? '');
  const max = family === 6 ? 128 : 32;
  if (!family || rest.length > 0 || !/^\d+$/.test(bits ?? '') || Number(bits) > max) throw new KubernetesSettingsError(`${name} must be CIDRs such as 10.0.0.0/8, got "${value}"`);
  return value;
}

function label(name: string, value: string): string {
  if (!dnsLabel.test(value)) throw new KubernetesSettingsError(`${name} must be a DNS label (lowercase letters, digits, '-'), got "${value}"`);
  return value;
}

function required(env: NodeJS.ProcessEnv, name: string): string {
  const value = env[name];
  if (!value) throw new KubernetesSettingsError(`${name} is required with HOMEPORT_RUNTIME=kubernetes`);
  return value;
}

/** The hosts' PostgreSQL as a CIDR: given, or the URL's host when that is an address. */
function databaseCidr(env: NodeJS.ProcessEnv, databaseUrl: string): string {
  if (env.HOMEPORT_HOSTS_DATABASE_CIDR) return cidr('HOMEPORT_HOSTS_DATABASE_CIDR', env.HOMEPORT_HOSTS_DATABASE_CIDR);
  const host = new URL(databaseUrl).hostname.replace(/^\[|\]$/g, '');
  const family = isIP(host);
  if (!family) throw new KubernetesSettingsError('HOMEPORT_HOSTS_DATABASE_CIDR is required when the hosts\' database URL names its server (hosts may reach that address alone)');
  return `${host}/${family === 6 ? 128 : 32}`;
}

export function kubernetesSettingsFromEnvironment(env: NodeJS.ProcessEnv): KubernetesRuntimeSettings {
  const hostsDatabaseUrl = env.HOMEPORT_HOSTS_DATABASE_URL || required(env, 'DATABASE_URL');
  if (!/^postgres(ql)?:\/\//.test(hostsDatabaseUrl)) throw new KubernetesSettingsError('HOMEPORT_HOSTS_DATABASE_URL must be a postgres:// URL');
  const mediaStorage = env.HOMEPORT_KUBERNETES_MEDIA_STORAGE || '10Gi';
  if (!quantity.test(mediaStorage)) throw new KubernetesSettingsError(`HOMEPORT_KUBERNETES_MEDIA_STORAGE must be a size such as 10Gi, got "${mediaStorage}"`);
  return {
    kubeconfig: env.HOMEPORT_KUBECONFIG || undefined,
    namespace: label('HOMEPORT_KUBERNETES_NAMESPACE', env.HOMEPORT_KUBERNETES_NAMESPACE || 'homeport-hosts'),
    synapseImage: required(env, 'HOMEPORT_SYNAPSE_IMAGE'),
    ingressClassName: label('HOMEPORT_INGRESS_CLASS', env.HOMEPORT_INGRESS_CLASS || 'nginx'),
    ingressNamespace: label('HOMEPORT_INGRESS_NAMESPACE', env.HOMEPORT_INGRESS_NAMESPACE || 'ingress-nginx'),
    controlPlaneNamespace: label('HOMEPORT_CONTROL_PLANE_NAMESPACE', env.HOMEPORT_CONTROL_PLANE_NAMESPACE || 'homeport'),
    clusterIssuer: label('HOMEPORT_CERT_ISSUER', required(env, 'HOMEPORT_CERT_ISSUER')),
    storageClassName: env.HOMEPORT_STORAGE_CLASS ? label('HOMEPORT_STORAGE_CLASS', env.HOMEPORT_STORAGE_CLASS) : undefined,
    hostsDatabaseUrl,
    databaseCidr: databaseCidr(env, hostsDatabaseUrl),
    privateCidrs: (env.HOMEPORT_CLUSTER_PRIVATE_CIDRS?.split(',').map((value) => value.trim()).filter(Boolean) ?? defaultPrivateCidrs).map((value) => cidr('HOMEPORT_CLUSTER_PRIVATE_CIDRS', value)),
    mediaStorage,
  };
}
