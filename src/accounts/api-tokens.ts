// Personal API tokens of an account: created (shown once), listed (never the token), revoked.
import { notFound } from '../domain/errors.ts';
import { createApiToken, revokeApiToken } from '../store/accounts.ts';
import { recordAudit } from '../store/audit-log.ts';
import type { AccountsContext } from './accounts-context.ts';

export async function createAccountToken(context: AccountsContext, accountId: string, name: string): Promise<{ id: string; token: string }> {
  return context.db.transaction().execute(async (trx) => {
    const created = await createApiToken(trx, accountId, name.trim());
    await recordAudit(trx, { actorAccountId: accountId, actor: 'customer', action: 'token.created', details: { tokenId: created.id, name: name.trim() } });
    return created;
  });
}

/** Another account's token is "not found", exactly like a missing one. */
export async function revokeAccountToken(context: AccountsContext, accountId: string, tokenId: string): Promise<void> {
  await context.db.transaction().execute(async (trx) => {
    if (!(await revokeApiToken(trx, accountId, tokenId))) throw notFound(`Token ${tokenId}`);
    await recordAudit(trx, { actorAccountId: accountId, actor: 'customer', action: 'token.revoked', details: { tokenId } });
  });
}
