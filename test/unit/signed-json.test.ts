// Matrix's canonical JSON and signature check, against the test vectors of the Matrix
// specification's appendices (canonical JSON, signing JSON).
import assert from 'node:assert/strict';
import { createPrivateKey, sign } from 'node:crypto';
import { test } from 'node:test';
import { canonicalJson, hasValidSignature } from '../../src/synapse/signed-json.ts';
import { parseSigningKey } from '../../src/synapse/signing-key.ts';

test('canonical JSON follows the specification\'s examples', () => {
  const cases: [string, string][] = [
    ['{}', '{}'],
    ['{"one": 1, "two": "Two"}', '{"one":1,"two":"Two"}'],
    ['{"b": "2", "a": "1"}', '{"a":"1","b":"2"}'],
    ['{"b":"2","a":"1"}', '{"a":"1","b":"2"}'],
    [
      '{"auth": {"success": true, "mxid": "@john.doe:example.com", "profile": {"display_name": "John Doe", "three_pids": [{"medium": "email", "address": "john.doe@example.org"}, {"medium": "msisdn", "address": "123456789"}]}}}',
      '{"auth":{"mxid":"@john.doe:example.com","profile":{"display_name":"John Doe","three_pids":[{"address":"john.doe@example.org","medium":"email"},{"address":"123456789","medium":"msisdn"}]},"success":true}}',
    ],
    ['{"a": "日本語"}', '{"a":"日本語"}'],
    ['{"本": 2, "日": 1}', '{"日":1,"本":2}'],
    ['{"a": "\\u65E5"}', '{"a":"日"}'],
    ['{"a": null}', '{"a":null}'],
    ['{"a": -0, "b": 1e10}', '{"a":0,"b":10000000000}'],
    ['{"a": "\\u0000\\u001f\\t\\"\\\\/"}', '{"a":"\\u0000\\u001f\\t\\"\\\\/"}'],
  ];
  for (const [input, expected] of cases) assert.equal(canonicalJson(JSON.parse(input)), expected, input);
});

test('keys sort by code point: a character beyond the BMP comes after U+FFFD', () => {
  assert.equal(canonicalJson({ '\u{1F600}': 1, '\uFFFD': 2 }), '{"\uFFFD":2,"\u{1F600}":1}');
});

test('canonical JSON refuses fractions, which Matrix never signs', () => {
  assert.throws(() => canonicalJson({ a: 1.5 }), TypeError);
});

// The specification's signing example: key ed25519:1 of server "domain".
const seed = 'YJDBA9Xnr2sVqXD9Vj7XVUnmFZcZrlw8Md7kMW+3XA1';
const specKey = parseSigningKey(`ed25519 1 ${seed}\n`);

function signed(object: Record<string, unknown>): Record<string, unknown> {
  const privateKey = createPrivateKey({ key: Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), Buffer.from(seed, 'base64')]), format: 'der', type: 'pkcs8' });
  const signature = sign(null, Buffer.from(canonicalJson(object)), privateKey).toString('base64').replace(/=+$/, '');
  return { ...object, signatures: { domain: { 'ed25519:1': signature } } };
}

test('signatures made with the specification\'s key are the specification\'s signatures', () => {
  assert.deepEqual(signed({}).signatures, { domain: { 'ed25519:1': 'K8280/U9SSy9IVtjBuVeLr+HpOB4BQFWbg+UZaADMtTdGYI7Geitb76LTrr5QV/7Xg4ahLwYGYZzuHGZKM5ZAQ' } });
  assert.deepEqual(signed({ one: 1, two: 'Two' }).signatures, { domain: { 'ed25519:1': 'KqmLSbO39/Bzb0QIYE82zqLwsA+PDzYIpIRA2sRQ4sL53+sN6/fpNSoqE7BP7vBZhG6kYdD13EIMJpvhJI+6Bw' } });
});

test('accepts the specification\'s signed object, ignoring "unsigned"', () => {
  const object = { one: 1, two: 'Two', signatures: { domain: { 'ed25519:1': 'KqmLSbO39/Bzb0QIYE82zqLwsA+PDzYIpIRA2sRQ4sL53+sN6/fpNSoqE7BP7vBZhG6kYdD13EIMJpvhJI+6Bw' } }, unsigned: { age_ts: 1 } };
  assert.equal(hasValidSignature(object, 'domain', 'ed25519:1', specKey.publicKey), true);
});

test('refuses a changed object, another server\'s or key\'s signature, another public key and a malformed signature', () => {
  const object = signed({ one: 1, two: 'Two' });
  assert.equal(hasValidSignature({ ...object, two: 'two' }, 'domain', 'ed25519:1', specKey.publicKey), false);
  assert.equal(hasValidSignature(object, 'other', 'ed25519:1', specKey.publicKey), false);
  assert.equal(hasValidSignature(object, 'domain', 'ed25519:2', specKey.publicKey), false);
  const otherKey = parseSigningKey(`ed25519 1 ${Buffer.alloc(32, 7).toString('base64')}\n`);
  assert.equal(hasValidSignature(object, 'domain', 'ed25519:1', otherKey.publicKey), false);
  assert.equal(hasValidSignature({ ...object, signatures: { domain: { 'ed25519:1': 'not base64!' } } }, 'domain', 'ed25519:1', specKey.publicKey), false);
  assert.equal(hasValidSignature({ one: 1 }, 'domain', 'ed25519:1', specKey.publicKey), false);
});
