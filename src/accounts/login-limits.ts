// Login rate limits per account and per address (HOMEPORT_LOGIN_*), counted in PostgreSQL.
import type { Config } from '../config.ts';
import { HomeportError } from '../domain/errors.ts';
import type { Db } from '../store/database.ts';
import { recentFailures } from '../store/login-attempts.ts';

type Limits = Pick<Config, 'loginFailuresPerAccount' | 'loginFailuresPerAddress' | 'loginWindowMinutes'>;

/** Throws a 429 problem with Retry-After when the email or the address has failed too often lately. */
export async function checkLoginLimits(db: Db, limits: Limits, email: string, ip: string): Promise<void> {
  const windowMs = limits.loginWindowMinutes * 60_000;
  const failures = await recentFailures(db, email, ip, new Date(Date.now() - windowMs));
  const byAccount = failures.forEmail >= limits.loginFailuresPerAccount;
  const byAddress = failures.forAddress >= limits.loginFailuresPerAddress;
  if (!byAccount && !byAddress) return;
  const retryAfterSeconds = Math.max(1, Math.ceil(((failures.oldest?.getTime() ?? Date.now()) + windowMs - Date.now()) / 1000));
  const who = byAccount ? 'this account' : 'your address';
  throw new HomeportError(
    'too-many-attempts', 'Too many login attempts',
    `Too many failed logins for ${who}. Try again in ${Math.ceil(retryAfterSeconds / 60)} minute(s), or reset your password.`,
    { retryAfterSeconds, limitedBy: byAccount ? 'account' : 'address' },
  );
}
