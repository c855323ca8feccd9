// What the Kubernetes runtime compares before applying a host's routes again: the fields Homeport
// sets, against an object as the API server holds it (with its defaults and other managers' fields).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { eachConcurrently, holds } from '../../src/runtime/kubernetes/held-objects.ts';

const wanted = {
  metadata: { name: 'host-a', labels: { 'homeport.io/host': 'a' }, annotations: { 'cert-manager.io/cluster-issuer': 'letsencrypt' } },
  spec: { tls: [{ hosts: ['a.example', 'chat.a.example'] }], rules: [{ host: 'a.example', http: { paths: [{ path: '/', pathType: 'Prefix' }] } }] },
};
const held = {
  metadata: {
    name: 'host-a', uid: 'u1', resourceVersion: '7', creationTimestamp: new Date(0), labels: { 'homeport.io/host': 'a' },
    annotations: { 'cert-manager.io/cluster-issuer': 'letsencrypt', 'kubectl.kubernetes.io/last-applied': 'x' },
  },
  spec: { ingressClassName: 'nginx', tls: [{ hosts: ['a.example', 'chat.a.example'], secretName: 'host-a-tls' }], rules: [{ host: 'a.example', http: { paths: [{ path: '/', pathType: 'Prefix', backend: {} }] } }] },
  status: { loadBalancer: {} },
};

test('an object holds what Homeport applies whatever the API server or others added', () => {
  assert.equal(holds(held, wanted), true);
  assert.equal(holds(held, { ...wanted, spec: { ...wanted.spec, ingressClassName: undefined } }), true, 'a field Homeport leaves out is not compared');
});

test('a field Homeport sets that differs, is missing, or a list of another length is a difference', () => {
  assert.equal(holds(held, { ...wanted, spec: { ...wanted.spec, tls: [{ hosts: ['a.example'] }] } }), false, 'a name fewer');
  assert.equal(holds(held, { ...wanted, spec: { ...wanted.spec, tls: [{ hosts: ['a.example', 'chat.a.example', 'b.example'] }] } }), false, 'a name more');
  assert.equal(holds(held, { ...wanted, metadata: { ...wanted.metadata, annotations: { 'cert-manager.io/cluster-issuer': 'other' } } }), false);
  assert.equal(holds({ ...held, metadata: { ...held.metadata, labels: {} } }, wanted), false, 'a label removed by hand');
  assert.equal(holds(undefined, wanted), false);
  assert.equal(holds({ data: { 'config.json': '{}\n' } }, { data: { 'config.json': '{"a":1}\n' } }), false);
  assert.equal(holds({ spec: 'x' }, { spec: { a: 1 } }), false);
  assert.equal(holds({ spec: [1] }, { spec: { 0: 1 } }), false);
});

test('eachConcurrently runs every step, never more than the limit at once, and reports a failure after all have settled', async () => {
  let running = 0;
  let most = 0;
  const done: number[] = [];
  const step = async (item: number) => {
    running++;
    most = Math.max(most, running);
    await new Promise((resolve) => setTimeout(resolve, (item % 3) * 5));
    running--;
    if (item === 4) throw new Error('four failed');
    done.push(item);
  };
  await assert.rejects(eachConcurrently(Array.from({ length: 20 }, (_, index) => index), 5, step), /four failed/);
  assert.equal(most, 5);
  assert.equal(done.length, 19);
  await eachConcurrently([], 5, step);
});
