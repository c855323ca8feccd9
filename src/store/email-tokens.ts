// Single-use, expiring tokens sent by mail (email verification, password reset); only hashes are kept.
import { sql } from 'kysely';
import { HomeportError } from '../domain/errors.ts';
import type { Db } from './database.ts';
import { hashToken, newRandomToken } from './random-tokens.ts';
import type { EmailTokenPurpose } from './schema.ts';

export async function createEmailToken(db: Db, accountId: string, purpose: EmailTokenPurpose, validForMs: number): Promise<string> {
  const token = newRandomToken();
  await db
    .insertInto('email_tokens')
    .values({ account_id: accountId, purpose, token_hash: hashToken(token), expires_at: new Date(Date.now() + validForMs), used_at: null })
    .execute();
  return token;
}

/** Marks the token used and answers its account; an unknown, used or expired token is a `link-invalid` problem. */
export async function useEmailToken(db: Db, purpose: EmailTokenPurpose, token: string): Promise<string> {
  const tokenHash = hashToken(token);
  const used = await db
    .updateTable('email_tokens')
    .set({ used_at: sql`now()` })
    .where('token_hash', '=', tokenHash)
    .where('purpose', '=', purpose)
    .where('used_at', 'is', null)
    .where('expires_at', '>', sql<Date>`now()`)
    .returning('account_id')
    .executeTakeFirst();
  if (used) return used.account_id;
  const found = await db.selectFrom('email_tokens').select(['used_at']).where('token_hash', '=', tokenHash).where('purpose', '=', purpose).executeTakeFirst();
  const why = !found ? 'is not valid' : found.used_at ? 'has already been used' : 'has expired';
  throw new HomeportError('link-invalid', 'Link not valid', `This link ${why}. Ask for a new one.`, { reason: !found ? 'unknown' : found.used_at ? 'used' : 'expired' });
}

/** Earlier links of the same purpose stop working once a new one is sent or one is used. */
export async function retireEmailTokens(db: Db, accountId: string, purpose: EmailTokenPurpose): Promise<void> {
  await db.updateTable('email_tokens').set({ used_at: sql`now()` }).where('account_id', '=', accountId).where('purpose', '=', purpose).where('used_at', 'is', null).execute();
}

/** How many mailed links the account was sent since the given time, of every purpose. */
export async function emailTokensSince(db: Db, accountId: string, since: Date): Promise<number> {
  const row = await db
    .selectFrom('email_tokens')
    .select((eb) => eb.fn.countAll<string>().as('sent'))
    .where('account_id', '=', accountId)
    .where('created_at', '>', since)
    .executeTakeFirstOrThrow();
  return Number(row.sent);
}
