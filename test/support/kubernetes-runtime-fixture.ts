// A real Kubernetes control plane (test/support/kubernetes-cluster.ts) and a real PostgreSQL set up
// as an operator would for the Kubernetes runtime: the hosts' namespace, volumes for their media,
// and Homeport's ServiceAccount holding only the runtime's Role, whose token the runtime acts with.
import { CoreV1Api, RbacAuthorizationV1Api, type KubeConfig } from '@kubernetes/client-node';
import pg from 'pg';
import type { KubernetesRuntimeSettings } from '../../src/runtime/kubernetes/kubernetes-settings.ts';
import { runtimeRole, runtimeRoleName } from '../../src/runtime/kubernetes/runtime-role.ts';
import { createFakeVolumes, startKubernetesCluster, type KubernetesCluster } from './kubernetes-cluster.ts';
import { startThrowawayPostgres, type ThrowawayPostgres } from './throwaway-postgres.ts';

export interface KubernetesRuntimeFixture {
  cluster: KubernetesCluster;
  postgres: ThrowawayPostgres;
  /** The hosts' PostgreSQL as a role that may create roles and databases. */
  adminPool: pg.Pool;
  settings: KubernetesRuntimeSettings;
  /** The cluster as Homeport's ServiceAccount sees it. */
  asHomeport: KubeConfig;
  stop(): Promise<void>;
}

export async function startKubernetesRuntimeFixture(options: { namespace: string; nodes?: number; volumes?: number }): Promise<KubernetesRuntimeFixture> {
  const { namespace } = options;
  const [cluster, postgres] = await Promise.all([startKubernetesCluster({ nodes: options.nodes ?? 2 }), startThrowawayPostgres()]);
  const adminPool = new pg.Pool({ connectionString: `postgres://${postgres.superuser}@127.0.0.1:${postgres.port}/postgres`, max: 3 });
  adminPool.on('error', () => undefined);
  const settings: KubernetesRuntimeSettings = {
    namespace,
    synapseImage: 'ghcr.io/element-hq/synapse:v1.150.0',
    ingressClassName: 'nginx',
    clusterIssuer: 'letsencrypt',
    ingressNamespace: 'ingress-nginx',
    controlPlaneNamespace: 'homeport-system',
    databaseCidr: '127.0.0.1/32',
    privateCidrs: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'],
    hostsDatabaseUrl: `postgres://${postgres.superuser}@127.0.0.1:${postgres.port}/postgres`,
    mediaStorage: '1Gi',
  };
  const config = cluster.kubeConfig();
  const core = config.makeApiClient(CoreV1Api);
  await core.createNamespace({ body: { metadata: { name: namespace } } });
  await createFakeVolumes(config, Array.from({ length: options.volumes ?? 3 }, (_, index) => `media-${index}`), '1Gi');
  await core.createNamespacedServiceAccount({ namespace, body: { metadata: { name: 'homeport' } } });
  const rbac = config.makeApiClient(RbacAuthorizationV1Api);
  await rbac.createNamespacedRole({ namespace, body: runtimeRole(namespace) });
  await rbac.createNamespacedRoleBinding({
    namespace,
    body: {
      metadata: { name: runtimeRoleName },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: runtimeRoleName },
      subjects: [{ kind: 'ServiceAccount', name: 'homeport', namespace }],
    },
  });
  const token = await core.createNamespacedServiceAccountToken({ name: 'homeport', namespace, body: { spec: { audiences: [] } } });
  if (!token.status?.token) throw new Error('the API server gave Homeport\'s ServiceAccount no token');
  return {
    cluster, postgres, adminPool, settings,
    asHomeport: cluster.kubeConfig(token.status.token),
    async stop() {
      await adminPool.end();
      await cluster.stop();
      await postgres.stop();
    },
  };
}
