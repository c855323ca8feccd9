// Customer accounts and their personal API tokens (only a hash of each token is stored).
import { createHash, randomBytes } from 'node:crypto';
import { HomeportError } from '../domain/errors.ts';
import type { Db } from './database.ts';
import type { Account } from './schema.ts';

const tokenPrefix = 'hpt_';

export function hashApiToken(token: string): string {
  // Tokens are 32 random bytes, so a fast hash is enough: there is nothing to brute-force.
  return createHash('sha256').update(token).digest('hex');
}

export async function createAccount(db: Db, input: { email: string; name: string; isOperator?: boolean }): Promise<Account> {
  const email = input.email.trim();
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) {
    throw new HomeportError('invalid-input', 'Invalid email', `"${email}" is not an email address.`);
  }
  const existing = await db.selectFrom('accounts').select('id').where((eb) => eb(eb.fn('lower', ['email']), '=', email.toLowerCase())).executeTakeFirst();
  if (existing) throw new HomeportError('email-taken', 'Email already registered', `An account with ${email} already exists.`);
  return db
    .insertInto('accounts')
    .values({ email, name: input.name.trim(), is_operator: input.isOperator ?? false })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function findAccountByEmail(db: Db, email: string): Promise<Account | undefined> {
  return db.selectFrom('accounts').selectAll().where((eb) => eb(eb.fn('lower', ['email']), '=', email.toLowerCase())).executeTakeFirst();
}

export async function createApiToken(db: Db, accountId: string, name: string): Promise<{ id: string; token: string }> {
  const token = tokenPrefix + randomBytes(32).toString('base64url');
  const row = await db
    .insertInto('api_tokens')
    .values({ account_id: accountId, name, token_hash: hashApiToken(token) })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { id: row.id, token };
}

export async function revokeApiToken(db: Db, accountId: string, tokenId: string): Promise<boolean> {
  const result = await db
    .updateTable('api_tokens')
    .set({ revoked_at: new Date() })
    .where('id', '=', tokenId)
    .where('account_id', '=', accountId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** The account a bearer token belongs to, or undefined for an unknown or revoked token. */
export async function accountForToken(db: Db, token: string): Promise<Account | undefined> {
  if (!token.startsWith(tokenPrefix)) return undefined;
  const row = await db
    .selectFrom('api_tokens')
    .innerJoin('accounts', 'accounts.id', 'api_tokens.account_id')
    .selectAll('accounts')
    .select(['api_tokens.id as token_id', 'api_tokens.last_used_at'])
    .where('api_tokens.token_hash', '=', hashApiToken(token))
    .where('api_tokens.revoked_at', 'is', null)
    .executeTakeFirst();
  if (!row) return undefined;
  const { token_id: tokenId, last_used_at: lastUsedAt, ...account } = row;
  // Recorded at most once a minute so that reads do not each cost a write.
  if (!lastUsedAt || Date.now() - lastUsedAt.getTime() > 60_000) {
    await db.updateTable('api_tokens').set({ last_used_at: new Date() }).where('id', '=', tokenId).execute();
  }
  return account;
}
