// What the operator tells the Kubernetes runtime about the cluster its hosts run in.
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
  /** The namespace of the ingress controller: the only one whose pods may reach a host's Synapse. */
  ingressNamespace: string;
  /** Where the hosts' PostgreSQL answers (CIDR), reachable from every host. */
  databaseCidr: string;
  /** The cluster's private ranges (pods, services, nodes, API server): hosts reach none of them but DNS and the database. */
  privateCidrs: string[];
}

/** One host as the Kubernetes runtime runs it. */
export interface KubernetesHost {
  id: string;
  serverName: string;
  /** Every name the host answers on at the edge: its own name first, then the customer's. */
  hostnames: string[];
  /** The rendered homeserver.yaml (paths as mounted in the pod: see host-workload.ts). */
  homeserverConfig: string;
  /** The signing key file's contents: the server's identity. */
  signingKey: string;
  seats: number;
  /** The media volume's size, e.g. "10Gi". */
  mediaStorage: string;
}
