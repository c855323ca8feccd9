// The host runtime contract (test/runtime-contract) against the Kubernetes runtime, on a real API
// server with kwok's fake nodes and a real PostgreSQL, the runtime acting as Homeport's
// ServiceAccount. The nodes run no Synapse and the hosts' Services are inside the cluster, so the
// contract checks states, instances (pods) and what is kept, not Synapse's answers. A restart of
// Homeport is a new runtime (a new watch) on the same cluster.
import { CoreV1Api, KubernetesObjectApi, type KubernetesObject } from '@kubernetes/client-node';
import { parse } from 'yaml';
import { createLogger } from '../../src/logger.ts';
import { hostKinds } from '../../src/runtime/kubernetes/host-kinds.ts';
import { hostObjectName, hostSelector } from '../../src/runtime/kubernetes/host-labels.ts';
import { HostsDatabaseServer } from '../../src/runtime/kubernetes/hosts-database-server.ts';
import { KubernetesRuntime } from '../../src/runtime/kubernetes/kubernetes-runtime.ts';
import { ensureHostDatabase } from '../../src/runtime/local/host-databases.ts';
import { databaseConnections } from '../../src/runtime/local/machine-capacity.ts';
import type { HostSpec } from '../../src/runtime/runtime.ts';
import { contractHostSpec } from '../support/contract-host-spec.ts';
import { kubernetesTestsSkipped } from '../support/kubernetes-tools.ts';
import { startKubernetesRuntimeFixture } from '../support/kubernetes-runtime-fixture.ts';
import { databaseLeftovers } from '../support/database-leftovers.ts';
import { RetiredDatabases } from '../../src/runtime/local/retired-databases.ts';
import { hostRuntimeContract, type RuntimeUnderTest } from '../runtime-contract/host-runtime-contract.ts';

const namespace = 'homeport-hosts';

hostRuntimeContract('kubernetes', async (): Promise<RuntimeUnderTest> => {
  const fixture = await startKubernetesRuntimeFixture({ namespace });
  const { cluster, adminPool } = fixture;
  const retiredDatabases = new RetiredDatabases(adminPool, createLogger('warn'), { sweepDelayMs: 1000 });
  const databases = new HostsDatabaseServer(adminPool, {
    ensure: (database) => ensureHostDatabase(adminPool, database),
    drop: (database) => retiredDatabases.retireHostDatabase(database),
    connections: (names) => databaseConnections(adminPool, names),
  });
  const open = async () => {
    const runtime = new KubernetesRuntime({
      kubeConfig: fixture.asHomeport, settings: fixture.settings, databases, trustedKeyServers: [], logger: createLogger('warn'),
    });
    await runtime.open();
    return runtime;
  };
  const core = () => cluster.kubeConfig().makeApiClient(CoreV1Api);
  let runtime = await open();
  const under: RuntimeUnderTest = {
    runtime,
    servesRequests: false,
    async writtenConfig(spec) {
      const secret = await core().readNamespacedSecret({ name: hostObjectName(spec.id), namespace });
      return parse(Buffer.from(secret.data?.['homeserver.yaml'] ?? '', 'base64').toString()) as Record<string, unknown>;
    },
    async restart() {
      await runtime.close();
      runtime = await open();
      under.runtime = runtime;
    },
    async instanceOf(spec) {
      const pods = (await core().listNamespacedPod({ namespace, labelSelector: hostSelector(spec.id) })).items;
      return pods.find((pod) => !pod.metadata?.deletionTimestamp)?.metadata?.uid;
    },
    async newHostSpec(): Promise<HostSpec> {
      return contractHostSpec('homeport.test');
    },
    async leftovers(spec): Promise<string[]> {
      const found: string[] = [];
      const objects = KubernetesObjectApi.makeApiClient(cluster.kubeConfig());
      for (const { apiVersion, kind } of [...hostKinds, { apiVersion: 'v1', kind: 'Pod' }, { apiVersion: 'apps/v1', kind: 'ReplicaSet' }]) {
        const list = await objects.list<KubernetesObject>(apiVersion, kind, namespace, undefined, undefined, undefined, undefined, hostSelector(spec.id));
        found.push(...list.items.filter((item) => !item.metadata?.deletionTimestamp).map((item) => `${kind}/${item.metadata?.name}`));
      }
      found.push(...await databaseLeftovers(adminPool, spec.database));
      return found;
    },
    async close() {
      await retiredDatabases.close();
      await runtime.close();
      await fixture.stop();
    },
  };
  return under;
}, { skip: kubernetesTestsSkipped() });
