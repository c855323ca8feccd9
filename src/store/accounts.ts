// Customer accounts and their personal API tokens (only a hash of each token is stored).
import { sql, type Updateable } from 'kysely';
import { HomeportError, notFound } from '../domain/errors.ts';
import type { Db } from './database.ts';
import { hashToken, newRandomToken } from './random-tokens.ts';
import type { Account, AccountsTable } from './schema.ts';

const tokenPrefix = 'hpt_';

export interface NewAccount {
  email: string;
  name: string;
  isOperator?: boolean;
  passwordHash?: string;
  passwordChangeRequired?: boolean;
  /** Accounts an operator creates are taken as verified; self-registered ones verify by mail. */
  emailVerified: boolean;
}

export async function createAccount(db: Db, input: NewAccount): Promise<Account> {
  const email = input.email.trim();
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) {
    throw new HomeportError('invalid-input', 'Invalid email', `"${email}" is not an email address.`);
  }
  const existing = await db.selectFrom('accounts').select('id').where((eb) => eb(eb.fn('lower', ['email']), '=', email.toLowerCase())).executeTakeFirst();
  if (existing) throw new HomeportError('email-taken', 'Email already registered', `An account with ${email} already exists.`);
  return db
    .insertInto('accounts')
    .values({
      email,
      name: input.name.trim(),
      is_operator: input.isOperator ?? false,
      password_hash: input.passwordHash ?? null,
      password_change_required: input.passwordChangeRequired ?? false,
      email_verified_at: input.emailVerified ? new Date() : null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function findAccount(db: Db, accountId: string): Promise<Account> {
  const account = await db.selectFrom('accounts').selectAll().where('id', '=', accountId).executeTakeFirst();
  if (!account) throw notFound(`Account ${accountId}`);
  return account;
}

export async function updateAccount(db: Db, accountId: string, changes: Updateable<AccountsTable>): Promise<Account> {
  return db.updateTable('accounts').set(changes).where('id', '=', accountId).returningAll().executeTakeFirstOrThrow();
}

export async function hasOperator(db: Db): Promise<boolean> {
  return Boolean(await db.selectFrom('accounts').select('id').where('is_operator', '=', true).limit(1).executeTakeFirst());
}

/** Accounts whose email, name or company contains the text, newest first. */
export async function searchAccounts(db: Db, search: string | undefined, limit: number): Promise<Account[]> {
  let query = db.selectFrom('accounts').selectAll().orderBy('created_at', 'desc').limit(limit);
  if (search) {
    const pattern = `%${search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    // An operator often knows only the host a customer wrote about: its label or server name finds the account too.
    query = query.where((eb) => eb.or([
      eb('email', 'ilike', pattern), eb('name', 'ilike', pattern), eb('company_name', 'ilike', pattern),
      eb.exists(eb.selectFrom('hosts').select('hosts.id').whereRef('hosts.account_id', '=', 'accounts.id').where((host) => host.or([host('hosts.label', 'ilike', pattern), host('hosts.server_name', 'ilike', pattern)]))),
    ]));
  }
  return query.execute();
}

export interface ApiTokenSummary {
  id: string;
  name: string;
  createdAt: Date;
  lastUsedAt: Date | null;
}

export async function listApiTokens(db: Db, accountId: string): Promise<ApiTokenSummary[]> {
  const rows = await db
    .selectFrom('api_tokens')
    .select(['id', 'name', 'created_at', 'last_used_at'])
    .where('account_id', '=', accountId)
    .where('revoked_at', 'is', null)
    .orderBy('created_at', 'desc')
    .execute();
  return rows.map((row) => ({ id: row.id, name: row.name, createdAt: new Date(row.created_at), lastUsedAt: row.last_used_at ? new Date(row.last_used_at) : null }));
}

export async function findAccountByEmail(db: Db, email: string): Promise<Account | undefined> {
  return db.selectFrom('accounts').selectAll().where((eb) => eb(eb.fn('lower', ['email']), '=', email.toLowerCase())).executeTakeFirst();
}

export async function createApiToken(db: Db, accountId: string, name: string): Promise<{ id: string; token: string }> {
  const token = newRandomToken(tokenPrefix);
  const row = await db
    .insertInto('api_tokens')
    .values({ account_id: accountId, name, token_hash: hashToken(token) })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { id: row.id, token };
}

export async function revokeApiToken(db: Db, accountId: string, tokenId: string): Promise<boolean> {
  if (!isUuid(tokenId)) return false;
  const result = await db
    .updateTable('api_tokens')
    .set({ revoked_at: new Date() })
    .where('id', '=', tokenId)
    .where('account_id', '=', accountId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

const isUuid = (value: string) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value);

/** The account a bearer token belongs to, or undefined for an unknown or revoked token or a suspended account. */
export async function accountForToken(db: Db, token: string): Promise<Account | undefined> {
  if (!token.startsWith(tokenPrefix)) return undefined;
  const row = await db
    .selectFrom('api_tokens')
    .innerJoin('accounts', 'accounts.id', 'api_tokens.account_id')
    .selectAll('accounts')
    .select(['api_tokens.id as token_id', 'api_tokens.last_used_at'])
    .where('api_tokens.token_hash', '=', hashToken(token))
    .where('api_tokens.revoked_at', 'is', null)
    .where('accounts.suspended_at', 'is', null)
    .executeTakeFirst();
  if (!row) return undefined;
  const { token_id: tokenId, last_used_at: lastUsedAt, ...account } = row;
  // Recorded at most once a minute so that reads do not each cost a write.
  if (!lastUsedAt || Date.now() - lastUsedAt.getTime() > 60_000) {
    await db.updateTable('api_tokens').set({ last_used_at: sql`now()` }).where('id', '=', tokenId).execute();
  }
  return account;
}
