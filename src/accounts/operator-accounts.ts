// Operator actions on customer accounts: search them (with their hosts' names), suspend (no login,
// no tokens, sessions ended) and unsuspend.
import { HomeportError } from '../domain/errors.ts';
import { findAccount, searchAccounts, updateAccount } from '../store/accounts.ts';
import type { Db } from '../store/database.ts';
import { liveHostNamesOfAccounts } from '../store/hosts.ts';
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

export interface AccountWithHosts {
  account: Account;
  /** Server names of the account's hosts that are not cancelled. */
  hostNames: string[];
}

/** Accounts whose email, name, company or host label / server name contains `search`, newest first. */
export async function searchAccountsWithHosts(db: Db, search: string | undefined, limit: number): Promise<AccountWithHosts[]> {
  return withHostNames(db, await searchAccounts(db, search, limit));
}

export async function withHostNames(db: Db, accounts: Account[]): Promise<AccountWithHosts[]> {
  const names = await liveHostNamesOfAccounts(db, accounts.map((account) => account.id));
  return accounts.map((account) => ({ account, hostNames: names.get(account.id) ?? [] }));
}
