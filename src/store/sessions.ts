// Panel sessions: the browser holds a random token in a cookie, the database only its hash, with
// an expiry; logging out, a password reset or a suspension revokes them.
import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import type { Db } from './database.ts';
import { hashToken, newRandomToken } from './random-tokens.ts';
import type { Account } from './schema.ts';

export interface NewSession {
  accountId: string;
  hours: number;
  ip: string | null;
  userAgent: string | null;
}

export async function createSession(db: Db, input: NewSession): Promise<{ token: string; expiresAt: Date }> {
  const token = newRandomToken();
  const expiresAt = new Date(Date.now() + input.hours * 3_600_000);
  await db
    .insertInto('sessions')
    .values({ account_id: input.accountId, token_hash: hashToken(token), expires_at: expiresAt, revoked_at: null, ip: input.ip, user_agent: input.userAgent?.slice(0, 500) ?? null })
    .execute();
  return { token, expiresAt };
}

/** The CSRF token of a session: derived from the cookie's secret, so it needs no storage and cannot be guessed without the cookie. */
export function csrfTokenFor(sessionToken: string): string {
  return createHash('sha256').update(`homeport-csrf:${sessionToken}`).digest('base64url');
}

/** The account of a live session (not expired, not revoked, account not suspended). */
export async function accountForSession(db: Db, token: string): Promise<Account | undefined> {
  const row = await db
    .selectFrom('sessions')
    .innerJoin('accounts', 'accounts.id', 'sessions.account_id')
    .selectAll('accounts')
    .select(['sessions.id as session_id', 'sessions.last_seen_at'])
    .where('sessions.token_hash', '=', hashToken(token))
    .where('sessions.revoked_at', 'is', null)
    .where('sessions.expires_at', '>', sql<Date>`now()`)
    .where('accounts.suspended_at', 'is', null)
    .executeTakeFirst();
  if (!row) return undefined;
  const { session_id: sessionId, last_seen_at: lastSeenAt, ...account } = row;
  if (Date.now() - new Date(lastSeenAt).getTime() > 60_000) {
    await db.updateTable('sessions').set({ last_seen_at: sql`now()` }).where('id', '=', sessionId).execute();
  }
  return account;
}

export async function revokeSession(db: Db, token: string): Promise<void> {
  await db.updateTable('sessions').set({ revoked_at: sql`now()` }).where('token_hash', '=', hashToken(token)).where('revoked_at', 'is', null).execute();
}

/** Revokes every session of the account, except the one whose token is `keep`. */
export async function revokeAccountSessions(db: Db, accountId: string, keep?: string): Promise<void> {
  let query = db.updateTable('sessions').set({ revoked_at: sql`now()` }).where('account_id', '=', accountId).where('revoked_at', 'is', null);
  if (keep) query = query.where('token_hash', '<>', hashToken(keep));
  await query.execute();
}
