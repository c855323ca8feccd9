// The Helm chart that runs Homeport itself (deploy/helm/homeport), rendered by the real helm and
// sent to a real API server with server-side apply as a dry run: every object is valid as the
// cluster sees it. Its Role is the runtime's (runtime-role.ts), and the API server's own access
// reviews show the ServiceAccount may do exactly what the runtime does in the hosts' namespace,
// and nothing there or anywhere else beyond it.
import { AuthorizationV1Api, CoreV1Api, KubernetesObjectApi, PatchStrategy, type KubernetesObject, type V1Deployment, type V1Role } from '@kubernetes/client-node';
import { execFile } from 'node:child_process';
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { parseAllDocuments } from 'yaml';
import { fieldManager } from '../../src/runtime/kubernetes/host-labels.ts';
import { hostKinds } from '../../src/runtime/kubernetes/host-kinds.ts';
import { runtimeRules } from '../../src/runtime/kubernetes/runtime-role.ts';
import { startKubernetesCluster, type KubernetesCluster } from '../support/kubernetes-cluster.ts';
import { helmBinary, kubernetesTestsSkipped } from '../support/kubernetes-tools.ts';

const run = promisify(execFile);
const chart = resolve(import.meta.dirname, '..', '..', 'deploy', 'helm', 'homeport');
const namespace = 'homeport';
const hostsNamespace = 'homeport-hosts';
const serviceAccount = `system:serviceaccount:${namespace}:homeport`;

async function render(): Promise<KubernetesObject[]> {
  const { stdout } = await run(helmBinary() ?? 'helm', [
    'template', 'homeport', chart, '--namespace', namespace,
    '--set', 'image.repository=registry.example.test/homeport',
    '--set', 'baseDomain=hosts.example.test',
    '--set', 'hosts.databaseCidr=10.20.0.5/32',
    '--set', 'ingress.enabled=true', '--set', 'ingress.host=panel.example.test', '--set', 'ingress.clusterIssuer=letsencrypt',
  ]);
  return parseAllDocuments(stdout).map((document) => document.toJS() as KubernetesObject).filter(Boolean);
}

const skipped = kubernetesTestsSkipped() || (helmBinary() ? false : 'helm is not built: run scripts/install-kubernetes-test-tools.sh');

describe('the Helm chart of Homeport', { skip: skipped }, () => {
  let cluster: KubernetesCluster;
  let objects: KubernetesObject[];
  const ofKind = <T extends KubernetesObject>(kind: string) => objects.filter((object) => object.kind === kind) as T[];

  before(async () => {
    [cluster, objects] = await Promise.all([startKubernetesCluster(), render()]);
    const core = cluster.kubeConfig().makeApiClient(CoreV1Api);
    for (const name of [namespace, hostsNamespace]) await core.createNamespace({ body: { metadata: { name } } });
  });
  after(async () => {
    await cluster?.stop();
  });

  test('renders two replicas of Homeport on the Kubernetes runtime, its database and master key from a Secret', () => {
    assert.deepEqual(objects.map((object) => object.kind).sort(), ['Deployment', 'Ingress', 'Role', 'RoleBinding', 'Service', 'ServiceAccount']);
    const [deployment] = ofKind<V1Deployment>('Deployment');
    assert.equal(deployment?.spec?.replicas, 2);
    const container = deployment?.spec?.template.spec?.containers[0];
    assert.deepEqual(container?.envFrom, [{ secretRef: { name: 'homeport' } }]);
    assert.equal(container?.env?.find((variable) => variable.name === 'HOMEPORT_RUNTIME')?.value, 'kubernetes');
    // The hosts' NetworkPolicy admits Homeport's pods from the namespace the chart is installed in.
    assert.deepEqual(container?.env?.find((variable) => variable.name === 'HOMEPORT_CONTROL_PLANE_NAMESPACE')?.valueFrom, { fieldRef: { fieldPath: 'metadata.namespace' } });
    assert.equal(deployment?.spec?.template.metadata?.labels?.['app.kubernetes.io/name'], 'homeport');
    assert.equal(deployment?.spec?.template.spec?.serviceAccountName, 'homeport');
  });

  test("the chart's Role is the runtime's", () => {
    const [role] = ofKind<V1Role>('Role');
    assert.equal(role?.metadata?.namespace, hostsNamespace);
    const normalise = (rules: V1Role['rules']) => (rules ?? []).map((rule) => ({ ...rule, verbs: [...rule.verbs].sort() }));
    assert.deepEqual(normalise(role?.rules), normalise(runtimeRules()));
  });

  test('every rendered object is accepted by the API server (server-side apply, dry run)', async () => {
    const api = KubernetesObjectApi.makeApiClient(cluster.kubeConfig());
    for (const object of objects) {
      const accepted = await api.patch(object, undefined, 'All', fieldManager, true, PatchStrategy.ServerSideApply);
      assert.equal(accepted.metadata?.name, object.metadata?.name);
    }
  });

  test("its ServiceAccount may do in the hosts' namespace exactly what the runtime does, and nothing in Homeport's own", async () => {
    const api = KubernetesObjectApi.makeApiClient(cluster.kubeConfig());
    for (const object of objects.filter((item) => ['ServiceAccount', 'Role', 'RoleBinding'].includes(item.kind ?? ''))) {
      await api.patch(object, undefined, undefined, fieldManager, true, PatchStrategy.ServerSideApply);
    }
    const authorization = cluster.kubeConfig().makeApiClient(AuthorizationV1Api);
    const allowed = async (group: string, resource: string, verb: string, inNamespace?: string) => {
      const review = await authorization.createSubjectAccessReview({
        body: { spec: { user: serviceAccount, groups: ['system:serviceaccounts', `system:serviceaccounts:${namespace}`], resourceAttributes: { group, resource, verb, namespace: inNamespace } } },
      });
      return review.status?.allowed === true;
    };
    const verbs = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete', 'deletecollection'];
    const rules = runtimeRules();
    for (const { group, resource } of [...hostKinds, { group: '', resource: 'pods' }, { group: 'rbac.authorization.k8s.io', resource: 'roles' }]) {
      const granted = rules.find((rule) => rule.resources?.includes(resource))?.verbs ?? [];
      for (const verb of verbs) {
        assert.equal(await allowed(group, resource, verb, hostsNamespace), granted.includes(verb), `${verb} ${resource} in the hosts' namespace`);
        assert.equal(await allowed(group, resource, verb, namespace), false, `${verb} ${resource} in Homeport's namespace`);
      }
    }
    assert.equal(await allowed('', 'nodes', 'list'), false, 'nothing cluster-wide');
    assert.equal(await allowed('', 'namespaces', 'create'), false, 'nothing cluster-wide');
  });
});
