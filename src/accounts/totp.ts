// Time-based one-time passwords (RFC 6238: SHA-1, 6 digits, 30 s), as authenticator apps compute them.
import { Secret, TOTP } from 'otpauth';

const period = 30;

export function newTotpSecret(): string {
  return new Secret({ size: 20 }).base32;
}

function totpFor(secret: string, label = 'account', issuer = 'Homeport'): TOTP {
  return new TOTP({ issuer, label, secret: Secret.fromBase32(secret), algorithm: 'SHA1', digits: 6, period });
}

/** The `otpauth://` URI an authenticator app reads from a QR code. */
export function otpauthUri(secret: string, email: string, issuer: string): string {
  return totpFor(secret, email, issuer).toString();
}

/** The time step the code belongs to (one step of clock drift either way is allowed), or undefined for a wrong code. */
export function totpStep(secret: string, code: string, now = Date.now()): number | undefined {
  const delta = totpFor(secret).validate({ token: code, timestamp: now, window: 1 });
  if (delta === null) return undefined;
  return Math.floor(now / 1000 / period) + delta;
}
