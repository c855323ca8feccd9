// A host's Matrix signing key: generated in Node and stored in the one-line file format Synapse reads.
import { createPrivateKey, createPublicKey, generateKeyPairSync, randomInt } from 'node:crypto';

export interface SigningKey {
  /** e.g. `ed25519:a_AbCd`, as it appears in /_matrix/key/v2/server. */
  keyId: string;
  /** `ed25519 a_AbCd <seed>\n`, the contents of Synapse's signing_key_path file. */
  fileContents: string;
  /** Unpadded standard base64 of the 32-byte public key. */
  publicKey: string;
}

export class InvalidSigningKey extends Error {}

const letters = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';

// PKCS#8 wrapping of a raw Ed25519 seed: lets Node derive the public key from the seed alone.
const pkcs8Ed25519Prefix = Buffer.from('302e020100300506032b657004220420', 'hex');

// Matrix uses unpadded standard base64, JWK uses base64url: convert between the two.
function unpaddedBase64(base64url: string): string {
  return base64url.replace(/-/g, '+').replace(/_/g, '/').replace(/=+$/, '');
}

function keyFile(version: string, seed: string): string {
  return `ed25519 ${version} ${seed}\n`;
}

/** Generates a fresh key whose version follows Synapse's own `a_` + 4 random letters. */
export function generateSigningKey(): SigningKey {
  const version = `a_${Array.from({ length: 4 }, () => letters[randomInt(letters.length)]).join('')}`;
  const { privateKey } = generateKeyPairSync('ed25519');
  const jwk = privateKey.export({ format: 'jwk' });
  if (!jwk.d || !jwk.x) throw new Error('Node returned an Ed25519 JWK without d or x');
  return {
    keyId: `ed25519:${version}`,
    fileContents: keyFile(version, unpaddedBase64(jwk.d)),
    publicKey: unpaddedBase64(jwk.x),
  };
}

/** Reads a one-key signing key file (as written by Homeport or Synapse) and derives its public key. */
export function parseSigningKey(fileContents: string): SigningKey {
  const lines = fileContents.split('\n').map((line) => line.trim()).filter((line) => line !== '');
  const fields = lines.length === 1 ? lines[0]!.split(/\s+/) : [];
  const [algorithm, version, seed] = fields;
  // The seed itself never goes into an error message: these messages end up in logs.
  if (fields.length !== 3 || algorithm !== 'ed25519' || !version || !seed) {
    throw new InvalidSigningKey('a signing key file must hold exactly one line "ed25519 <version> <seed>"');
  }
  if (!/^[A-Za-z0-9_]+$/.test(version)) {
    throw new InvalidSigningKey(`signing key version "${version}" may only contain letters, digits and _`);
  }
  const seedBytes = /^[A-Za-z0-9+/]+={0,2}$/.test(seed) ? Buffer.from(seed, 'base64') : Buffer.alloc(0);
  if (seedBytes.length !== 32) {
    throw new InvalidSigningKey(`signing key ${version} does not hold a base64 32-byte Ed25519 seed`);
  }
  const privateKey = createPrivateKey({
    key: Buffer.concat([pkcs8Ed25519Prefix, seedBytes]),
    format: 'der',
    type: 'pkcs8',
  });
  const { x } = createPublicKey(privateKey).export({ format: 'jwk' });
  if (!x) throw new Error('Node returned an Ed25519 public JWK without x');
  return {
    keyId: `ed25519:${version}`,
    fileContents: keyFile(version, seedBytes.toString('base64').replace(/=+$/, '')),
    publicKey: unpaddedBase64(x),
  };
}
