// Sign-up: a new account with an Argon2id password, a verification mail, and a first session.
import { createAccount } from '../store/accounts.ts';
import { recordAudit } from '../store/audit-log.ts';
import type { Account } from '../store/schema.ts';
import { createSession } from '../store/sessions.ts';
import type { AccountsContext } from './accounts-context.ts';
import { sendVerificationMail } from './email-verification.ts';
import { checkNewPassword, hashPassword } from './passwords.ts';

export interface RegistrationInput {
  email: string;
  name: string;
  password: string;
  ip: string | null;
  userAgent: string | null;
}

export interface Registered {
  account: Account;
  session: { token: string; expiresAt: Date };
}

export async function registerAccount(context: AccountsContext, input: RegistrationInput): Promise<Registered> {
  checkNewPassword(input.password, input.email);
  const passwordHash = await hashPassword(input.password);
  const account = await context.db.transaction().execute(async (trx) => {
    const created = await createAccount(trx, { email: input.email, name: input.name, passwordHash, emailVerified: false });
    await recordAudit(trx, { actorAccountId: created.id, actor: 'customer', action: 'account.registered', details: { email: created.email } });
    return created;
  });
  await sendVerificationMail(context, account);
  const session = await createSession(context.db, { accountId: account.id, hours: context.config.sessionHours, ip: input.ip, userAgent: input.userAgent });
  return { account, session };
}
