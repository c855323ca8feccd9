// The secrets each host is born with, and the random passwords Homeport hands out.
import { randomBytes } from 'node:crypto';
import { generateSigningKey } from './signing-key.ts';

/** Everything that must survive a host's moves and restarts; kept encrypted by Homeport. */
export interface HomeserverSecrets {
  /** Contents of the signing key file (`ed25519 a_XXXX <seed>\n`): the server's identity. */
  signingKey: string;
  macaroonSecretKey: string;
  formSecret: string;
  /** Lets Homeport register its admin user through the admin API. */
  registrationSharedSecret: string;
  /** Part of every password hash: changing it invalidates all passwords. */
  pepper: string;
}

// 32 bytes = 256 bits; base64url keeps the values safe in YAML, URLs and connection strings.
function randomSecret(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

export function generateHomeserverSecrets(): HomeserverSecrets {
  return {
    signingKey: generateSigningKey().fileContents,
    macaroonSecretKey: randomSecret(),
    formSecret: randomSecret(),
    registrationSharedSecret: randomSecret(),
    pepper: randomSecret(),
  };
}

/** A 192-bit password for database roles and Homeport's own admin user on each host. */
export function generatePassword(): string {
  return randomSecret(24);
}
