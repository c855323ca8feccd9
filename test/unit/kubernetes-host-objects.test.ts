// The Kubernetes objects of a host, as built before anything is sent: labelled and owned so a
// cancel finds them all, routed and certified for every name, fenced off from other hosts.
import type { V1Deployment, V1Ingress, V1NetworkPolicy, V1Secret } from '@kubernetes/client-node';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hostSelector } from '../../src/runtime/kubernetes/host-labels.ts';
import { hostStateOf, sleepingAnnotation } from '../../src/runtime/kubernetes/host-state.ts';
import { hostObjects, hostOwner, hostRouting } from '../../src/runtime/kubernetes/host-objects.ts';
import { kubernetesSettingsFromEnvironment, type KubernetesHost, type KubernetesSettings } from '../../src/runtime/kubernetes/kubernetes-settings.ts';

const settings: KubernetesSettings = {
  namespace: 'hosts',
  synapseImage: 'ghcr.io/element-hq/synapse:v1.150.0',
  ingressClassName: 'nginx',
  clusterIssuer: 'letsencrypt',
  ingressNamespace: 'ingress-nginx',
  controlPlaneNamespace: 'homeport-system',
  databaseCidr: '10.20.0.5/32',
  privateCidrs: ['10.0.0.0/8', '192.168.0.0/16', 'fd00::/8'],
};
const host: KubernetesHost = {
  id: '8d4c1f36-2f0a-4d6e-9a51-0c2b7f3e9a01',
  serverName: 'acme.homeport.test',
  homeserverConfig: 'server_name: acme.homeport.test\n',
  logConfig: 'version: 1\n',
  signingKey: 'ed25519 a_test c2VjcmV0\n',
  seats: 10,
  mediaStorage: '5Gi',
};
const hostnames = ['acme.homeport.test', 'matrix.acme.example'];
const ownerUid = 'c0ffee00-0000-4000-8000-000000000001';
const byKind = <T>(kind: string, seats = host.seats) => [...hostObjects({ ...host, seats }, settings, ownerUid), hostRouting(host.id, hostnames, settings, ownerUid)].find((object) => object.kind === kind) as T;
const [labelKey, labelValue] = hostSelector(host.id).split('=');

test("every object of a host carries the host's label and is owned by the host's ConfigMap alone", () => {
  const owner = hostOwner(host, settings);
  assert.equal(owner.metadata?.labels?.[labelKey ?? ''], labelValue);
  const objects = hostObjects(host, settings, ownerUid);
  assert.deepEqual(objects.map((object) => object.kind), ['Secret', 'PersistentVolumeClaim', 'Service', 'NetworkPolicy', 'Deployment'], 'the workload last, once what it mounts exists');
  objects.push(hostRouting(host.id, hostnames, settings, ownerUid));
  for (const object of objects) {
    assert.equal(object.metadata?.labels?.[labelKey ?? ''], labelValue, object.kind);
    assert.equal(object.metadata?.namespace, 'hosts');
    assert.deepEqual(object.metadata?.ownerReferences, [{ apiVersion: 'v1', kind: 'ConfigMap', name: owner.metadata?.name, uid: ownerUid }]);
  }
  const pods = byKind<V1Deployment>('Deployment').spec?.template.metadata?.labels;
  assert.equal(pods?.[labelKey ?? ''], labelValue, 'pods carry the label too');
});

test("the Secret holds the host's homeserver.yaml and signing key, which the pod mounts", () => {
  const secret = byKind<V1Secret>('Secret');
  assert.equal(Buffer.from(secret.data?.['homeserver.yaml'] ?? '', 'base64').toString(), host.homeserverConfig);
  assert.equal(Buffer.from(secret.data?.['signing.key'] ?? '', 'base64').toString(), host.signingKey);
  const pod = byKind<V1Deployment>('Deployment').spec?.template.spec;
  assert.equal(pod?.volumes?.find((volume) => volume.name === 'config')?.secret?.secretName, secret.metadata?.name);
  assert.ok(pod?.containers[0]?.command?.includes('/config/homeserver.yaml'));
  assert.equal(pod?.automountServiceAccountToken, false, "a host's pod gets no token for the cluster's API");
});

test('Synapse asks for more memory and CPU the more seats its host has', () => {
  const requests = (seats: number) => byKind<V1Deployment>('Deployment', seats).spec?.template.spec?.containers[0]?.resources?.requests;
  const memoryMi = (seats: number) => Number.parseInt(requests(seats)?.memory ?? '', 10);
  const cpuMilli = (seats: number) => Number.parseInt(requests(seats)?.cpu ?? '', 10);
  assert.ok(memoryMi(500) > memoryMi(10));
  assert.ok(cpuMilli(500) > cpuMilli(10));
});

test('the Ingress routes and certifies every name the host answers on through cert-manager', () => {
  const ingress = byKind<V1Ingress>('Ingress');
  assert.equal(ingress.metadata?.annotations?.['cert-manager.io/cluster-issuer'], 'letsencrypt');
  assert.deepEqual(ingress.spec?.rules?.map((rule) => rule.host), hostnames);
  assert.deepEqual(ingress.spec?.tls?.[0]?.hosts, hostnames);
  assert.equal(ingress.spec?.ingressClassName, 'nginx');
});

test("the NetworkPolicy lets only the ingress controller and Homeport's pods in and no private address out but DNS and the database", () => {
  const policy = byKind<V1NetworkPolicy>('NetworkPolicy').spec;
  assert.deepEqual(policy?.policyTypes, ['Ingress', 'Egress']);
  assert.deepEqual(policy?.ingress?.map((rule) => rule._from), [[
    { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } } },
    { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'homeport-system' } }, podSelector: { matchLabels: { 'app.kubernetes.io/name': 'homeport' } } },
  ]]);
  const blocks = policy?.egress?.flatMap((rule) => rule.to ?? []).flatMap((peer) => (peer.ipBlock ? [peer.ipBlock] : [])) ?? [];
  assert.deepEqual(blocks, [
    { cidr: '10.20.0.5/32' },
    { cidr: '0.0.0.0/0', except: ['10.0.0.0/8', '192.168.0.0/16'] },
    { cidr: '::/0', except: ['fd00::/8'] },
  ]);
});

test("a host's state is read from its Deployment's readiness", () => {
  const deployment = (generation: number, status: V1Deployment['status'], replicas = 1): V1Deployment => ({ metadata: { generation }, spec: { replicas, selector: {}, template: {} }, status });
  assert.equal(hostStateOf(undefined), 'stopped');
  assert.equal(hostStateOf(deployment(1, {}, 0)), 'stopped');
  const hibernated = deployment(1, {}, 0);
  hibernated.metadata = { ...hibernated.metadata, annotations: { [sleepingAnnotation]: 'true' } };
  assert.equal(hostStateOf(hibernated), 'sleeping', 'scaled to zero for hibernation, told apart from stopped after a restart of Homeport');
  assert.equal(hostStateOf(deployment(1, {})), 'starting');
  assert.equal(hostStateOf(deployment(1, { observedGeneration: 1, replicas: 1, updatedReplicas: 1, readyReplicas: 1 })), 'running');
  assert.equal(hostStateOf(deployment(2, { observedGeneration: 1, replicas: 1, updatedReplicas: 1, readyReplicas: 1 })), 'starting', 'the change is not seen yet');
  assert.equal(hostStateOf(deployment(2, { observedGeneration: 2, replicas: 1, updatedReplicas: 0, readyReplicas: 0 })), 'restarting');
});

test("a new configuration changes the pod template, so the pod is rolled; the same one leaves it alone", () => {
  const template = (config: string) => JSON.stringify((hostObjects({ ...host, homeserverConfig: config }, settings, ownerUid).find((object) => object.kind === 'Deployment') as V1Deployment).spec?.template);
  assert.equal(template(host.homeserverConfig), template(host.homeserverConfig));
  assert.notEqual(template(host.homeserverConfig), template('server_name: acme.homeport.test\nmax_upload_size: 1M\n'));
});

test('the Kubernetes settings: required ones named, the database address fenced as a CIDR', () => {
  const env = { DATABASE_URL: 'postgres://homeport:pw@10.20.0.5:5432/homeport', HOMEPORT_SYNAPSE_IMAGE: 'ghcr.io/element-hq/synapse:v1.150.0', HOMEPORT_CERT_ISSUER: 'letsencrypt' };
  const parsed = kubernetesSettingsFromEnvironment(env);
  assert.equal(parsed.databaseCidr, '10.20.0.5/32');
  assert.equal(parsed.namespace, 'homeport-hosts');
  assert.equal(parsed.kubeconfig, undefined, 'in-cluster by default');
  assert.throws(() => kubernetesSettingsFromEnvironment({ ...env, HOMEPORT_SYNAPSE_IMAGE: '' }), /HOMEPORT_SYNAPSE_IMAGE is required/);
  assert.throws(() => kubernetesSettingsFromEnvironment({ ...env, DATABASE_URL: 'postgres://u:p@db.internal/homeport' }), /HOMEPORT_HOSTS_DATABASE_CIDR is required/);
  assert.throws(() => kubernetesSettingsFromEnvironment({ ...env, HOMEPORT_CLUSTER_PRIVATE_CIDRS: '10.0.0.0/33' }), /CIDRs/);
  assert.throws(() => kubernetesSettingsFromEnvironment({ ...env, HOMEPORT_KUBERNETES_NAMESPACE: 'Hosts!' }), /DNS label/);
});
