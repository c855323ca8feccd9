// The signing key files Homeport writes are the ones Synapse reads, and reading them back gives the same key.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InvalidSigningKey, generateSigningKey, parseSigningKey } from '../../src/synapse/signing-key.ts';

test('generates a key in Synapse\'s one-line file format', () => {
  const key = generateSigningKey();
  assert.match(key.keyId, /^ed25519:a_[A-Za-z]{4}$/);
  const match = /^ed25519 (a_[A-Za-z]{4}) ([A-Za-z0-9+/]{43})\n$/.exec(key.fileContents);
  assert.ok(match, 'file contents are "ed25519 a_XXXX <43 base64 chars>\\n"');
  assert.equal(`ed25519:${match[1]}`, key.keyId);
  assert.equal(Buffer.from(match[2]!, 'base64').length, 32);
  assert.match(key.publicKey, /^[A-Za-z0-9+/]{43}$/);
});

test('generates a different key each time', () => {
  assert.notEqual(generateSigningKey().fileContents, generateSigningKey().fileContents);
});

test('parsing a generated key gives back the same key id, file and public key', () => {
  const key = generateSigningKey();
  assert.deepEqual(parseSigningKey(key.fileContents), key);
});

test('derives the RFC 8032 public key from a known seed', () => {
  // RFC 8032 section 7.1, test 1.
  const seed = Buffer.from('9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60', 'hex');
  const publicKey = Buffer.from('d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a', 'hex');
  const parsed = parseSigningKey(`ed25519 a_test ${seed.toString('base64').replace(/=+$/, '')}\n`);
  assert.equal(parsed.keyId, 'ed25519:a_test');
  assert.equal(parsed.publicKey, publicKey.toString('base64').replace(/=+$/, ''));
});

test('accepts a padded seed and surrounding whitespace, and writes it back unpadded', () => {
  const key = generateSigningKey();
  const [, version, seed] = key.fileContents.trim().split(' ');
  assert.deepEqual(parseSigningKey(`\n  ed25519 ${version} ${seed}=  \n\n`), key);
});

test('refuses malformed files without echoing the seed', () => {
  const seed = generateSigningKey().fileContents.split(' ')[2]!.trim();
  for (const contents of [
    '',
    `ed448 a_abcd ${seed}`,
    `ed25519 a_abcd`,
    `ed25519 a_ab-d ${seed}`,
    `ed25519 a_abcd ${seed.slice(4)}`,
    `ed25519 a_abcd ${seed}\ned25519 a_efgh ${seed}`,
  ]) {
    assert.throws(() => parseSigningKey(contents), (error: Error) => {
      assert.ok(error instanceof InvalidSigningKey, `${error.name} for ${JSON.stringify(contents)}`);
      assert.ok(!error.message.includes(seed.slice(4)), 'the seed stays out of the message');
      return true;
    });
  }
});
