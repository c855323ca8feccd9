// Host secrets are sealed with the master key and bound to their purpose.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { SecretBox } from '../../src/store/secret-box.ts';

const box = new SecretBox(randomBytes(32));

test('opens what it sealed, and the sealed text does not contain the secret', () => {
  const sealed = box.seal('host:1:pepper', 'very secret pepper');
  assert.equal(sealed.includes('very secret'), false);
  assert.match(sealed, /^hp1:/);
  assert.equal(box.open('host:1:pepper', sealed), 'very secret pepper');
});

test('seals the same secret differently each time', () => {
  assert.notEqual(box.seal('p', 'x'), box.seal('p', 'x'));
});

test('refuses a value sealed for another purpose, another key, or tampered with', () => {
  const sealed = box.seal('host:1:pepper', 'pepper');
  assert.throws(() => box.open('host:2:pepper', sealed));
  assert.throws(() => new SecretBox(randomBytes(32)).open('host:1:pepper', sealed));
  const [version, iv, body, tag] = sealed.split(':');
  const flipped = Buffer.from(body!, 'base64url');
  flipped[0] = flipped[0]! ^ 1;
  assert.throws(() => box.open('host:1:pepper', [version, iv, flipped.toString('base64url'), tag].join(':')));
});

test('signs messages so that only the same purpose and message verify', () => {
  const signature = box.sign('export-download', 'export 1 file a until 100');
  assert.equal(box.verify('export-download', 'export 1 file a until 100', signature), true);
  assert.equal(box.verify('export-download', 'export 1 file a until 101', signature), false);
  assert.equal(box.verify('other', 'export 1 file a until 100', signature), false);
  assert.equal(box.verify('export-download', 'export 1 file a until 100', signature.slice(0, -1)), false);
  assert.equal(new SecretBox(randomBytes(32)).verify('export-download', 'export 1 file a until 100', signature), false);
});
