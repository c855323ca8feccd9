// A host's objects on a real API server: applied with server-side apply by a service account
// holding only the runtime's Role, its pod Running on a (kwok) node, removed by label with nothing
// else touched, and the Role keeps Homeport out of every other namespace.
import { ApiException, AppsV1Api, CoreV1Api, KubernetesObjectApi, NetworkingV1Api, RbacAuthorizationV1Api, type KubernetesObject, type V1Pod } from '@kubernetes/client-node';
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { HostObjects } from '../../src/runtime/kubernetes/host-apply.ts';
import { fieldManager, hostObjectName, hostSelector } from '../../src/runtime/kubernetes/host-labels.ts';
import { hostKinds } from '../../src/runtime/kubernetes/host-kinds.ts';
import type { KubernetesHost, KubernetesSettings } from '../../src/runtime/kubernetes/kubernetes-settings.ts';
import { runtimeRole, runtimeRoleName } from '../../src/runtime/kubernetes/runtime-role.ts';
import { eventually } from '../support/eventually.ts';
import { createFakeVolumes, startKubernetesCluster, type KubernetesCluster } from '../support/kubernetes-cluster.ts';
import { kubernetesTestsSkipped } from '../support/kubernetes-tools.ts';

const settings: KubernetesSettings = {
  namespace: 'homeport-hosts',
  synapseImage: 'ghcr.io/element-hq/synapse:v1.150.0',
  ingressClassName: 'nginx',
  clusterIssuer: 'letsencrypt',
  ingressNamespace: 'ingress-nginx',
  controlPlaneNamespace: 'homeport-system',
  databaseCidr: '10.20.0.5/32',
  privateCidrs: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'],
};
const otherNamespace = 'other-tenant';

function fakeHost(id: string, label: string, seats = 10): KubernetesHost {
  return {
    id,
    serverName: `${label}.homeport.test`,
    homeserverConfig: `server_name: ${label}.homeport.test\n`,
    logConfig: 'version: 1\n',
    signingKey: 'ed25519 a_test c2VjcmV0\n',
    seats,
    mediaStorage: '1Gi',
  };
}
const acme = fakeHost('8d4c1f36-2f0a-4d6e-9a51-0c2b7f3e9a01', 'acme');
const globex = fakeHost('5b0e7a92-61c4-4f3b-8d2e-7a9c4e1b6f02', 'globex');

describe('a host on Kubernetes', { skip: kubernetesTestsSkipped() }, () => {
  let cluster: KubernetesCluster;
  let admin: KubernetesObjectApi;
  let homeport: HostObjects;
  let asHomeport: KubernetesObjectApi;

  const objectsOf = async (hostId: string) => {
    const found: KubernetesObject[] = [];
    for (const { apiVersion, kind } of [...hostKinds, { apiVersion: 'v1', kind: 'Pod' }, { apiVersion: 'apps/v1', kind: 'ReplicaSet' }]) {
      const list = await admin.list(apiVersion, kind, settings.namespace, undefined, undefined, undefined, undefined, hostSelector(hostId));
      found.push(...list.items.map((item) => ({ ...item, apiVersion, kind })));
    }
    return found;
  };
  const runningPods = async (hostId: string) => {
    const pods = await cluster.kubeConfig().makeApiClient(CoreV1Api).listNamespacedPod({ namespace: settings.namespace, labelSelector: hostSelector(hostId) });
    return pods.items.filter((pod) => pod.status?.phase === 'Running' && pod.status.conditions?.some((condition) => condition.type === 'Ready' && condition.status === 'True'));
  };

  before(async () => {
    cluster = await startKubernetesCluster();
    const config = cluster.kubeConfig();
    admin = KubernetesObjectApi.makeApiClient(config);
    const core = config.makeApiClient(CoreV1Api);
    for (const name of [settings.namespace, otherNamespace]) await core.createNamespace({ body: { metadata: { name } } });
    // The operator's storage: one volume per host's media claim.
    await createFakeVolumes(config, ['media-0', 'media-1'], '1Gi');
    // What the operator installs for Homeport: a service account bound to the runtime's Role.
    await core.createNamespacedServiceAccount({ namespace: settings.namespace, body: { metadata: { name: 'homeport' } } });
    const rbac = config.makeApiClient(RbacAuthorizationV1Api);
    await rbac.createNamespacedRole({ namespace: settings.namespace, body: runtimeRole(settings.namespace) });
    await rbac.createNamespacedRoleBinding({
      namespace: settings.namespace,
      body: {
        metadata: { name: runtimeRoleName },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: runtimeRoleName },
        subjects: [{ kind: 'ServiceAccount', name: 'homeport', namespace: settings.namespace }],
      },
    });
    const token = await core.createNamespacedServiceAccountToken({ name: 'homeport', namespace: settings.namespace, body: { spec: { audiences: [] } } });
    assert.ok(token.status?.token);
    asHomeport = KubernetesObjectApi.makeApiClient(cluster.kubeConfig(token.status.token));
    homeport = new HostObjects(asHomeport, settings);
  });
  after(async () => {
    await cluster?.stop();
  });

  test('the runtime service account applies two hosts with server-side apply, every object labelled, owned and managed by Homeport', async () => {
    for (const host of [acme, globex]) {
      await homeport.apply(host);
      await homeport.applyRouting(host.id, [host.serverName, `matrix.${host.serverName}`]);
    }
    const objects = await objectsOf(acme.id);
    const owner = objects.find((object) => object.kind === 'ConfigMap');
    assert.ok(owner?.metadata?.uid);
    const applied = objects.filter((object) => hostKinds.some((kind) => kind.kind === object.kind));
    assert.deepEqual(applied.map((object) => object.kind).sort(), hostKinds.map((kind) => kind.kind).sort());
    for (const object of applied) {
      assert.equal(object.metadata?.name, hostObjectName(acme.id));
      assert.equal(object.metadata?.labels?.['app.kubernetes.io/managed-by'], 'homeport');
      const managers = object.metadata?.managedFields?.filter((entry) => entry.operation === 'Apply').map((entry) => entry.manager);
      assert.deepEqual(managers, [fieldManager], `${object.kind} is applied by ${fieldManager} alone`);
      if (object !== owner) assert.deepEqual(object.metadata?.ownerReferences?.map((reference) => reference.uid), [owner.metadata.uid], `${object.kind} is owned by the host's ConfigMap`);
    }
  });

  test('the NetworkPolicy reached the API server whole (the client renames its `from`)', async () => {
    const policy = await cluster.kubeConfig().makeApiClient(NetworkingV1Api).readNamespacedNetworkPolicy({ name: hostObjectName(acme.id), namespace: settings.namespace });
    assert.equal(policy.spec?.ingress?.[0]?._from?.[0]?.namespaceSelector?.matchLabels?.['kubernetes.io/metadata.name'], settings.ingressNamespace);
  });

  test("each host's Synapse pod is scheduled and reaches Running on a kwok node", async () => {
    for (const host of [acme, globex]) {
      await eventually(async () => {
        const pods = await runningPods(host.id);
        assert.equal(pods.length, 1, `one Running, Ready pod of ${host.serverName}`);
        assert.ok(cluster.nodeNames.includes(pods[0]?.spec?.nodeName ?? ''));
        assert.equal(await homeport.state(host.id), 'running');
      }, 120_000, 500);
    }
  });

  test('applying again with more seats changes the workload in place', async () => {
    const apps = cluster.kubeConfig().makeApiClient(AppsV1Api);
    const before = await apps.readNamespacedDeployment({ name: hostObjectName(acme.id), namespace: settings.namespace });
    await homeport.apply({ ...acme, seats: 200 });
    const afterApply = await apps.readNamespacedDeployment({ name: hostObjectName(acme.id), namespace: settings.namespace });
    const memory = (deployment: typeof before) => deployment.spec?.template.spec?.containers[0]?.resources?.requests?.memory;
    assert.notEqual(memory(afterApply), memory(before));
    assert.equal(afterApply.metadata?.uid, before.metadata?.uid);
  });

  test("removing a host deletes every object of it, pods and volume claim included, and nothing of the other host", async () => {
    await homeport.remove(acme.id);
    await eventually(async () => assert.deepEqual((await objectsOf(acme.id)).map((object) => `${object.kind}/${object.metadata?.name}`), []), 120_000, 500);
    const left = await objectsOf(globex.id);
    assert.deepEqual([...new Set(left.map((object) => object.kind))].sort(), [...hostKinds.map((kind) => kind.kind), 'Pod', 'ReplicaSet'].sort());
    assert.equal((await runningPods(globex.id)).length, 1);
    await homeport.remove(acme.id);
    assert.equal(await homeport.state(acme.id), 'stopped');
  });

  test('the Role gives Homeport nothing outside the hosts namespace', async () => {
    const refused = async (attempt: Promise<unknown>) => {
      await assert.rejects(attempt, (error) => error instanceof ApiException && error.code === 403);
    };
    const elsewhere = new HostObjects(asHomeport, { ...settings, namespace: otherNamespace });
    await refused(elsewhere.apply(fakeHost('0f6a3c2d-9b1e-4c7a-8e5f-3d2b1a0c9e03', 'initech')));
    await assert.rejects(elsewhere.applyRouting(acme.id, ['initech.homeport.test']), (error) => error instanceof ApiException && error.code === 403);
    await refused(asHomeport.list('v1', 'Secret', otherNamespace));
    await refused(asHomeport.list('v1', 'Node'));
    await refused(asHomeport.patch(runtimeRole(settings.namespace), undefined, undefined, fieldManager, true, 'application/apply-patch+yaml'));
    const intruder: V1Pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'intruder', namespace: settings.namespace }, spec: { containers: [{ name: 'shell', image: 'busybox' }] } };
    await refused(asHomeport.create(intruder));
  });
});
