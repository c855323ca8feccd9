// Requests counted per key in fixed time windows (see migration 007); one upsert per request.
import { sql } from 'kysely';
import type { Db } from './database.ts';

export interface WindowCount {
  count: number;
  windowEnd: Date;
}

/** Counts one more request for the key in the window that contains now, and answers the new count. */
export async function countRequest(db: Db, key: string, windowMs: number, now = Date.now()): Promise<WindowCount> {
  const windowStart = new Date(Math.floor(now / windowMs) * windowMs);
  const row = await db
    .insertInto('request_counts')
    .values({ key, window_start: windowStart, count: 1 })
    .onConflict((oc) => oc.columns(['key', 'window_start']).doUpdateSet({ count: sql`request_counts.count + 1` }))
    .returning('count')
    .executeTakeFirstOrThrow();
  return { count: row.count, windowEnd: new Date(windowStart.getTime() + windowMs) };
}

export async function pruneRequestCounts(db: Db, before: Date): Promise<void> {
  await db.deleteFrom('request_counts').where('window_start', '<', before).execute();
}
