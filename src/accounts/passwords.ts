// Password hashing with Argon2id (memory-hard), and the policy check before a password is set.
import { hash, verify } from '@node-rs/argon2';
import { HomeportError } from '../domain/errors.ts';
import { passwordProblem } from '../domain/password-policy.ts';

// OWASP's recommended Argon2id parameters: 19 MiB, 2 iterations, 1 lane (the library's default algorithm is Argon2id).
const options = { memoryCost: 19_456, timeCost: 2, parallelism: 1 };

// Verifying against this when the account has no password keeps the answer time the same, so
// timing does not tell which emails have accounts.
let dummyHash: Promise<string> | undefined;

export async function hashPassword(password: string): Promise<string> {
  return hash(password, options);
}

export async function verifyPassword(passwordHash: string | null, password: string): Promise<boolean> {
  if (passwordHash === null) {
    await verify(await (dummyHash ??= hashPassword('homeport-no-password-set')), password).catch(() => false);
    return false;
  }
  return verify(passwordHash, password).catch(() => false);
}

export function checkNewPassword(password: string, email?: string): void {
  const problem = passwordProblem(password, email);
  if (problem) throw new HomeportError('password-too-weak', 'Password too weak', problem, { errors: [{ field: 'password', message: problem }] });
}
