// The Kubernetes runtime on a real API server (kine, controller manager, scheduler, kwok nodes)
// and a real PostgreSQL, acting as a service account that holds only the runtime's Role: a host
// is built (database, objects, Running from kwok as its readiness), routed, hibernated and woken,
// survives the API server restarting mid-reconcile and its node going away, and a cancel leaves
// nothing of it behind, checked by label and by owner.
import { AppsV1Api, CoreV1Api, KubeConfig, KubernetesObjectApi, NetworkingV1Api, type KubernetesObject } from '@kubernetes/client-node';
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { createLogger } from '../../src/logger.ts';
import { databasePoolFor } from '../../src/domain/sizes.ts';
import { rateLimitsFor } from '../../src/domain/rate-limits.ts';
import { hostKinds } from '../../src/runtime/kubernetes/host-kinds.ts';
import { hostObjectName, hostSelector } from '../../src/runtime/kubernetes/host-labels.ts';
import { HostsDatabaseServer } from '../../src/runtime/kubernetes/hosts-database-server.ts';
import { KubernetesRuntime } from '../../src/runtime/kubernetes/kubernetes-runtime.ts';
import type { KubernetesRuntimeSettings } from '../../src/runtime/kubernetes/kubernetes-settings.ts';
import { ensureHostDatabase } from '../../src/runtime/local/host-databases.ts';
import { RetiredDatabases } from '../../src/runtime/local/retired-databases.ts';
import { databaseConnections } from '../../src/runtime/local/machine-capacity.ts';
import type { EdgeRoute, HostProcessState, HostSpec } from '../../src/runtime/runtime.ts';
import { generateHomeserverSecrets } from '../../src/synapse/host-secrets.ts';
import { eventually } from '../support/eventually.ts';
import type { KubernetesCluster } from '../support/kubernetes-cluster.ts';
import { startKubernetesRuntimeFixture, type KubernetesRuntimeFixture } from '../support/kubernetes-runtime-fixture.ts';
import { noSingleSignOn } from '../../src/domain/single-sign-on.ts';
import { kubernetesTestsSkipped } from '../support/kubernetes-tools.ts';
import type { ThrowawayPostgres } from '../support/throwaway-postgres.ts';

const namespace = 'homeport-hosts';
const convergeMs = 180_000;

function hostSpec(id: string, label: string): HostSpec {
  const serverName = `${label}.homeport.test`;
  return {
    id, label, serverName,
    publicBaseUrl: `https://${serverName}/`,
    edgeHostname: serverName,
    seats: 10,
    maxUploadSize: '50M',
    rateLimits: rateLimitsFor('starter'),
    databasePool: databasePoolFor('starter'),
    supportEmail: null,
    database: { name: `host_${label}`, user: `host_${label}`, password: `pw-${label}` },
    secrets: generateHomeserverSecrets(),
    federation: { mode: 'open', allowedServers: [] },
    placement: { kind: 'own' },
    singleSignOn: noSingleSignOn,
    synapseRelease: null,
  };
}

function route(spec: HostSpec, customNames: string[]): EdgeRoute {
  return {
    id: spec.id, edgeHostname: spec.edgeHostname, publicBaseUrl: spec.publicBaseUrl, supportEmail: null,
    customNames, previousNames: [], movedNames: [], delegatedServer: `${spec.serverName}:443`,
    clientConfig: { default_server_config: { 'm.homeserver': { base_url: spec.publicBaseUrl } } }, homeportUserId: `@homeport:${spec.serverName}`,
  };
}

const acme = hostSpec('8d4c1f36-2f0a-4d6e-9a51-0c2b7f3e9a01', 'acme');
const globex = hostSpec('5b0e7a92-61c4-4f3b-8d2e-7a9c4e1b6f02', 'globex');

describe('the Kubernetes runtime', { skip: kubernetesTestsSkipped() }, () => {
  let fixture: KubernetesRuntimeFixture | undefined;
  let cluster: KubernetesCluster;
  let postgres: ThrowawayPostgres;
  let adminPool: pg.Pool;
  let asHomeport: KubeConfig;
  let settings: KubernetesRuntimeSettings;
  const runtimes: KubernetesRuntime[] = [];
  const states: Array<[string, HostProcessState]> = [];

  const retired: RetiredDatabases[] = [];

  const openRuntime = async (kubeConfig?: KubeConfig) => {
    const retiredDatabases = new RetiredDatabases(adminPool, createLogger('warn'));
    retired.push(retiredDatabases);
    const databases = new HostsDatabaseServer(adminPool, {
      ensure: (database) => ensureHostDatabase(adminPool, database),
      drop: (database) => retiredDatabases.retireHostDatabase(database),
      connections: (names) => databaseConnections(adminPool, names),
    });
    const runtime = new KubernetesRuntime({
      kubeConfig: kubeConfig ?? asHomeport, settings, databases, trustedKeyServers: [], logger: createLogger('warn'),
      onProcessState: (hostId, state) => states.push([hostId, state]),
    });
    await runtime.open();
    runtimes.push(runtime);
    return runtime;
  };
  let runtime: KubernetesRuntime;

  const admin = () => KubernetesObjectApi.makeApiClient(cluster.kubeConfig());
  const pods = async (hostId: string) => (await cluster.kubeConfig().makeApiClient(CoreV1Api).listNamespacedPod({ namespace, labelSelector: hostSelector(hostId) })).items;
  const databaseExists = async (name: string) => Boolean((await adminPool.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])).rowCount);

  before(async () => {
    fixture = await startKubernetesRuntimeFixture({ namespace });
    ({ cluster, postgres, adminPool, settings, asHomeport } = fixture);
    runtime = await openRuntime();
  });
  after(async () => {
    for (const opened of retired) await opened.close();
    for (const opened of runtimes) await opened.close();
    await fixture?.stop();
  });

  test('a host is built: its database on the PostgreSQL, its configuration in a Secret, its pod Running and the state from the watch', async () => {
    await runtime.ensureDatabase(acme.database);
    assert.ok(await databaseExists(acme.database.name));
    await runtime.writeConfig(acme);
    assert.equal(await runtime.processState(acme.id), 'stopped', 'writing the configuration starts nothing');
    assert.equal((await pods(acme.id)).length, 0);
    const secret = await cluster.kubeConfig().makeApiClient(CoreV1Api).readNamespacedSecret({ name: hostObjectName(acme.id), namespace });
    const homeserverYaml = Buffer.from(secret.data?.['homeserver.yaml'] ?? '', 'base64').toString();
    assert.match(homeserverYaml, new RegExp(`port: ${postgres.port}`), 'Synapse reaches the operator\'s PostgreSQL');
    assert.match(homeserverYaml, /bind_addresses:\n\s+- 0\.0\.0\.0/, 'Synapse listens for its Service, not on loopback');
    assert.equal(Buffer.from(secret.data?.['signing.key'] ?? '', 'base64').toString(), acme.secrets.signingKey);

    await runtime.start(acme);
    await runtime.waitHealthy(acme, convergeMs);
    assert.equal(await runtime.processState(acme.id), 'running');
    assert.ok(states.some(([hostId, state]) => hostId === acme.id && state === 'running'), 'the reconciler is told');
    const running = await pods(acme.id);
    assert.equal(running.length, 1);
    assert.ok(cluster.nodeNames.includes(running[0]?.spec?.nodeName ?? ''));
  });

  test("the edge is an Ingress per host with a cert-manager certificate for every name; a name the API server refuses is the host's refusal", async () => {
    const refusals = await runtime.applyEdge([route(acme, ['matrix.acme.example'])]);
    assert.deepEqual(refusals, []);
    const ingress = await cluster.kubeConfig().makeApiClient(NetworkingV1Api).readNamespacedIngress({ name: hostObjectName(acme.id), namespace });
    assert.deepEqual(ingress.spec?.tls?.[0]?.hosts, ['acme.homeport.test', 'matrix.acme.example']);
    assert.deepEqual(ingress.spec?.rules?.map((rule) => rule.host), ['acme.homeport.test', 'matrix.acme.example']);
    assert.equal(ingress.metadata?.annotations?.['cert-manager.io/cluster-issuer'], 'letsencrypt');
    const refused = await runtime.applyEdgeHost(acme.id, route(acme, ['not_a valid.name']));
    assert.match(refused?.reason ?? '', /refused/);
    assert.deepEqual(await runtime.applyEdge([route(acme, ['matrix.acme.example']), route(globex, [])]), [{ id: globex.id, reason: 'the host is not on the cluster yet' }]);
  });

  test('the whole edge again (a restart) sends only what differs from what the API server holds: two lists when nothing changed', async () => {
    // Homeport's requests to the API server, as its credentials are added to each of them.
    const requests: string[] = [];
    const counting = Object.create(asHomeport) as KubeConfig;
    counting.applySecurityAuthentication = async (context) => {
      requests.push(`${context.getHttpMethod()} ${context.getUrl()}`);
      await asHomeport.applySecurityAuthentication.call(counting, context);
    };
    const restarted = await openRuntime(counting);
    const edgeRequests = () => requests.filter((request) => /\/(configmaps|ingresses)\b/.test(request)).map((request) => request.replace(/\?.*/, ''));
    const edge = [route(acme, ['matrix.acme.example'])];
    assert.deepEqual(await restarted.applyEdge(edge), []);
    requests.length = 0;
    assert.deepEqual(await restarted.applyEdge(edge), []);
    assert.deepEqual(edgeRequests().map((request) => request.split(' ')[0]), ['GET', 'GET'], `only the two lists: ${edgeRequests().join(', ')}`);

    requests.length = 0;
    assert.deepEqual(await restarted.applyEdge([route(acme, ['chat.acme.example'])]), []);
    assert.deepEqual(edgeRequests().filter((request) => !request.startsWith('GET')), [`PATCH ${cluster.kubeConfig().getCurrentCluster()?.server}/apis/networking.k8s.io/v1/namespaces/${namespace}/ingresses/${hostObjectName(acme.id)}`], 'a changed name: the Ingress alone');
    const networking = cluster.kubeConfig().makeApiClient(NetworkingV1Api);
    assert.deepEqual((await networking.readNamespacedIngress({ name: hostObjectName(acme.id), namespace })).spec?.tls?.[0]?.hosts, ['acme.homeport.test', 'chat.acme.example']);

    requests.length = 0;
    const newClientConfig = { ...route(acme, ['chat.acme.example']), clientConfig: { brand: 'Acme Chat' } };
    assert.deepEqual(await restarted.applyEdge([newClientConfig]), []);
    assert.deepEqual(edgeRequests().filter((request) => !request.startsWith('GET')).map((request) => request.replace(/.*\//, '')), [hostObjectName(acme.id)], 'a changed client config: the ConfigMap alone');
    const owner = await cluster.kubeConfig().makeApiClient(CoreV1Api).readNamespacedConfigMap({ name: hostObjectName(acme.id), namespace });
    assert.deepEqual(JSON.parse(owner.data?.['element-web-config.json'] ?? '{}'), { brand: 'Acme Chat' });

    assert.deepEqual(await restarted.applyEdge([]), []);
    await assert.rejects(networking.readNamespacedIngress({ name: hostObjectName(acme.id), namespace }), 'a host left out loses its Ingress');
    assert.deepEqual(await restarted.applyEdge(edge), []);
    assert.deepEqual((await networking.readNamespacedIngress({ name: hostObjectName(acme.id), namespace })).spec?.tls?.[0]?.hosts, ['acme.homeport.test', 'matrix.acme.example']);
  });

  test('a host put to sleep is scaled to zero and stays asleep for a restarted Homeport; waking brings it back ready', async () => {
    await runtime.sleep(acme);
    await eventually(async () => {
      assert.equal(await runtime.processState(acme.id), 'sleeping');
      assert.equal((await pods(acme.id)).length, 0);
    }, convergeMs, 250);
    const restarted = await openRuntime();
    assert.equal(await restarted.processState(acme.id), 'sleeping', 'told apart from stopped by the workload itself');
    await restarted.wake(acme.id);
    assert.equal(await restarted.processState(acme.id), 'running');
    await eventually(async () => assert.equal(await runtime.processState(acme.id), 'running'), convergeMs, 250);
  });

  test('with the API server gone mid-reconcile a host cannot be applied; once it is back, the same step converges and the watch sees it', async () => {
    await runtime.ensureDatabase(globex.database);
    await cluster.stopApiServer();
    try {
      await assert.rejects(runtime.start(globex));
    } finally {
      await cluster.startApiServer();
    }
    await runtime.start(globex);
    await runtime.waitHealthy(globex, convergeMs);
    assert.equal(await runtime.processState(acme.id), 'running', 'what ran before is still known');
  });

  test("a host's node deleted: its pod is rescheduled on another node and the host is running again", async () => {
    const [pod] = await pods(globex.id);
    const node = pod?.spec?.nodeName;
    assert.ok(node);
    await cluster.kubeConfig().makeApiClient(CoreV1Api).deleteNode({ name: node });
    await eventually(async () => {
      const now = await pods(globex.id);
      assert.equal(now.length, 1);
      assert.notEqual(now[0]?.spec?.nodeName, node);
      assert.equal(now[0]?.status?.phase, 'Running');
      assert.equal(await runtime.processState(globex.id), 'running');
    }, convergeMs, 500);
  });

  test('a cancel leaves nothing of the host, by label nor by owner, drops its database, and touches nothing of the other host', async () => {
    const apps = cluster.kubeConfig().makeApiClient(AppsV1Api);
    const owner = await cluster.kubeConfig().makeApiClient(CoreV1Api).readNamespacedConfigMap({ name: hostObjectName(acme.id), namespace });
    await runtime.remove(acme.id, acme.database);
    const everything = [...hostKinds, { apiVersion: 'v1', kind: 'Pod' }, { apiVersion: 'apps/v1', kind: 'ReplicaSet' }];
    const left = async (selector?: string) => {
      const found: KubernetesObject[] = [];
      for (const { apiVersion, kind } of everything) {
        const list = await admin().list(apiVersion, kind, namespace, undefined, undefined, undefined, undefined, selector);
        found.push(...list.items.map((item) => ({ ...item, kind })));
      }
      return found;
    };
    await eventually(async () => {
      assert.deepEqual((await left(hostSelector(acme.id))).map((object) => `${object.kind}/${object.metadata?.name}`), []);
      const owned = (await left()).filter((object) => object.metadata?.ownerReferences?.some((reference) => reference.uid === owner.metadata?.uid));
      assert.deepEqual(owned.map((object) => `${object.kind}/${object.metadata?.name}`), []);
    }, convergeMs, 500);
    assert.equal(await databaseExists(acme.database.name), false);
    assert.equal(await runtime.processState(acme.id), 'stopped');
    assert.equal((await apps.readNamespacedDeployment({ name: hostObjectName(globex.id), namespace })).status?.readyReplicas, 1);
    assert.ok(await databaseExists(globex.database.name));
    await runtime.remove(acme.id, acme.database);
  });
});
