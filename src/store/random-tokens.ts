// Random secrets handed to people (API tokens, session cookies, mail links, recovery codes) and
// the hashes kept of them: 32 random bytes need no slow hash, there is nothing to brute-force.
import { createHash, randomBytes } from 'node:crypto';

export function newRandomToken(prefix = ''): string {
  return prefix + randomBytes(32).toString('base64url');
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
