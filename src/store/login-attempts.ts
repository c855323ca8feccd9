// Login attempts per email and per address, kept in PostgreSQL so the limits survive restarts.
import { sql } from 'kysely';
import type { Db } from './database.ts';

export interface RecentFailures {
  /** Failures for the email since its last successful login. */
  forEmail: number;
  forAddress: number;
  oldest: Date | null;
}

export async function recentFailures(db: Db, email: string, ip: string, since: Date): Promise<RecentFailures> {
  const lastSuccess = sql<Date>`coalesce((SELECT max(at) FROM login_attempts WHERE email = ${email} AND succeeded), '-infinity')`;
  const row = await db
    .selectFrom('login_attempts')
    .select([
      sql<string>`count(*) FILTER (WHERE email = ${email} AND at > ${lastSuccess})`.as('for_email'),
      sql<string>`count(*) FILTER (WHERE ip = ${ip})`.as('for_address'),
      sql<Date | null>`min(at)`.as('oldest'),
    ])
    .where('succeeded', '=', false)
    .where('at', '>', since)
    .where((eb) => eb.or([eb('email', '=', email), eb('ip', '=', ip)]))
    .executeTakeFirstOrThrow();
  return { forEmail: Number(row.for_email), forAddress: Number(row.for_address), oldest: row.oldest ? new Date(row.oldest) : null };
}

export async function recordLoginAttempt(db: Db, email: string, ip: string, succeeded: boolean): Promise<void> {
  await db.insertInto('login_attempts').values({ email, ip, succeeded }).execute();
}

export async function pruneLoginAttempts(db: Db, before: Date): Promise<void> {
  await db.deleteFrom('login_attempts').where('at', '<', before).execute();
}
