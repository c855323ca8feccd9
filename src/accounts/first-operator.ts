// The first start creates the first operator account with a random one-time password (never a
// default credential): it is printed once, and must be changed at the first login.
import { randomBytes } from 'node:crypto';
import { createAccount, hasOperator } from '../store/accounts.ts';
import { recordAudit } from '../store/audit-log.ts';
import type { AccountsContext } from './accounts-context.ts';
import { hashPassword } from './passwords.ts';

/** Answers the new operator's credentials, or undefined when an operator exists already. */
export async function ensureFirstOperator(context: AccountsContext): Promise<{ email: string; password: string } | undefined> {
  if (await hasOperator(context.db)) return undefined;
  const password = randomBytes(18).toString('base64url');
  const passwordHash = await hashPassword(password);
  const email = context.config.operatorEmail;
  await context.db.transaction().execute(async (trx) => {
    const account = await createAccount(trx, { email, name: 'Operator', isOperator: true, passwordHash, passwordChangeRequired: true, emailVerified: true });
    await recordAudit(trx, { actorAccountId: null, actor: 'homeport', action: 'operator.created', details: { accountId: account.id, email } });
  });
  return { email, password };
}
