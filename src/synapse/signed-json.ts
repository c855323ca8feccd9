// Matrix's signed JSON: the canonical form of a JSON value (what servers sign) and the check of
// one server's Ed25519 signature on an object, e.g. a server's /_matrix/key/v2/server answer.
import { createPublicKey, verify } from 'node:crypto';

/** Keys sorted by Unicode code point (not UTF-16 code unit, as Array.prototype.sort would). */
function byCodePoint(a: string, b: string): number {
  const left = Array.from(a);
  const right = Array.from(b);
  for (let index = 0; index < Math.min(left.length, right.length); index += 1) {
    const difference = left[index]!.codePointAt(0)! - right[index]!.codePointAt(0)!;
    if (difference !== 0) return difference;
  }
  return left.length - right.length;
}

/**
 * The canonical JSON of a value: object keys sorted by code point, no insignificant whitespace,
 * UTF-8 characters as they are. JSON.stringify already writes strings the way the Matrix grammar
 * wants (short escapes, \u00XX for other control characters, nothing else escaped) and -0 as 0.
 */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((item) => canonicalJson(item)).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.keys(value).sort(byCodePoint).map((key) => `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key])}`);
    return `{${entries.join(',')}}`;
  }
  if (typeof value === 'number' && !Number.isInteger(value)) throw new TypeError('canonical JSON holds integers only');
  return JSON.stringify(value);
}

// SPKI wrapping of a raw 32-byte Ed25519 public key, so that node:crypto can import it.
const spkiEd25519Prefix = Buffer.from('302a300506032b6570032100', 'hex');

function unpaddedBase64Bytes(value: string): Buffer | undefined {
  return /^[A-Za-z0-9+/]*$/.test(value) ? Buffer.from(value, 'base64') : undefined;
}

/**
 * Whether `object` carries a valid signature of `serverName` with `keyId` made by the key whose
 * unpadded base64 public key is given. The signed bytes are the canonical JSON of the object
 * without its `signatures` and `unsigned`.
 */
export function hasValidSignature(object: Record<string, unknown>, serverName: string, keyId: string, publicKey: string): boolean {
  const signatures = object.signatures as Record<string, Record<string, unknown> | undefined> | undefined;
  const signature = typeof signatures === 'object' && signatures !== null ? signatures[serverName]?.[keyId] : undefined;
  if (typeof signature !== 'string') return false;
  const signatureBytes = unpaddedBase64Bytes(signature);
  const keyBytes = unpaddedBase64Bytes(publicKey);
  if (signatureBytes?.length !== 64 || keyBytes?.length !== 32) return false;
  const signed = Object.fromEntries(Object.entries(object).filter(([name]) => name !== 'signatures' && name !== 'unsigned'));
  let message: Buffer;
  try {
    message = Buffer.from(canonicalJson(signed), 'utf8');
  } catch {
    return false;
  }
  const key = createPublicKey({ key: Buffer.concat([spkiEd25519Prefix, keyBytes]), format: 'der', type: 'spki' });
  return verify(null, message, key, signatureBytes);
}
