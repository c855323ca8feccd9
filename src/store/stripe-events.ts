// Stripe webhook events already received: an event is processed only by the request that records it first.
import type { Db } from './database.ts';

/** Records the event; false when it had been recorded before (a replay or Stripe's retry). */
export async function recordStripeEvent(db: Db, id: string, type: string): Promise<boolean> {
  const row = await db.insertInto('stripe_events').values({ id, type }).onConflict((oc) => oc.column('id').doNothing()).returning('id').executeTakeFirst();
  return row !== undefined;
}
