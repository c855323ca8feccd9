// Logging in to the panel: rate limits, password, second factor when enrolled, then a session.
import { HomeportError } from '../domain/errors.ts';
import { findAccountByEmail } from '../store/accounts.ts';
import { recordLoginAttempt } from '../store/login-attempts.ts';
import type { Account } from '../store/schema.ts';
import { createSession, revokeSession } from '../store/sessions.ts';
import type { AccountsContext } from './accounts-context.ts';
import { checkLoginLimits } from './login-limits.ts';
import { verifyPassword } from './passwords.ts';
import { useSecondFactor } from './two-factor.ts';

export interface LogInInput {
  email: string;
  password: string;
  /** A TOTP code or a recovery code, for accounts with two-factor authentication. */
  code?: string;
  ip: string;
  userAgent: string | null;
}

export async function logIn(context: AccountsContext, input: LogInInput): Promise<{ account: Account; session: { token: string; expiresAt: Date } }> {
  const email = input.email.trim().toLowerCase();
  await checkLoginLimits(context.db, context.config, email, input.ip);
  const account = await findAccountByEmail(context.db, email);
  const passwordOk = await verifyPassword(account?.password_hash ?? null, input.password);
  if (!account || !passwordOk) {
    await recordLoginAttempt(context.db, email, input.ip, false);
    throw new HomeportError('invalid-credentials', 'Wrong email or password', 'The email or the password is wrong.');
  }
  if (account.suspended_at !== null) {
    throw new HomeportError('account-suspended', 'Account suspended', 'This account has been suspended by the operator; contact support.');
  }
  if (account.totp_enabled_at !== null) {
    if (!input.code) {
      throw new HomeportError('second-factor-required', 'Code required', 'Enter the code from your authenticator app, or a recovery code.', { secondFactor: 'totp' });
    }
    if (!(await useSecondFactor(context, account, input.code))) {
      await recordLoginAttempt(context.db, email, input.ip, false);
      throw new HomeportError('second-factor-invalid', 'Wrong code', 'That code is wrong or has already been used.', { secondFactor: 'totp' });
    }
  }
  await recordLoginAttempt(context.db, email, input.ip, true);
  const session = await createSession(context.db, { accountId: account.id, hours: context.config.sessionHours, ip: input.ip, userAgent: input.userAgent });
  return { account, session };
}

export async function logOut(context: AccountsContext, sessionToken: string): Promise<void> {
  await revokeSession(context.db, sessionToken);
}
