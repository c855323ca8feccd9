// Operator actions on customer accounts: suspend (no login, no tokens, sessions ended) and unsuspend.
import { HomeportError } from '../domain/errors.ts';
import { findAccount, updateAccount } from '../store/accounts.ts';
import { recordAudit } from '../store/audit-log.ts';
import type { Account } from '../store/schema.ts';
import { revokeAccountSessions } from '../store/sessions.ts';
import type { AccountsContext } from './accounts-context.ts';

export async function setAccountSuspended(context: AccountsContext, operatorId: string, accountId: string, suspended: boolean): Promise<Account> {
  if (operatorId === accountId) throw new HomeportError('invalid-input', 'Not yourself', 'An operator cannot suspend their own account.');
  await findAccount(context.db, accountId);
  return context.db.transaction().execute(async (trx) => {
    const account = await updateAccount(trx, accountId, { suspended_at: suspended ? new Date() : null });
    if (suspended) await revokeAccountSessions(trx, accountId);
    await recordAudit(trx, { actorAccountId: operatorId, actor: 'operator', action: suspended ? 'account.suspended' : 'account.unsuspended', details: { accountId, email: account.email } });
    return account;
  });
}
