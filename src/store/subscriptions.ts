// Subscriptions: one per bought host, with its current monthly period.
import type { Updateable } from 'kysely';
import type { Db } from './database.ts';
import type { PaymentMethodKind, SubscriptionRow, SubscriptionsTable } from './schema.ts';

export interface NewSubscription {
  accountId: string;
  hostId: string;
  size: string;
  seats: number;
  pricePerSeatMinor: number;
  currency: string;
  paymentMethod: PaymentMethodKind;
  periodStart: Date;
  periodEnd: Date;
}

export async function insertSubscription(db: Db, input: NewSubscription): Promise<SubscriptionRow> {
  return db.insertInto('subscriptions').values({
    account_id: input.accountId,
    host_id: input.hostId,
    size: input.size,
    seats: input.seats,
    price_per_seat_minor: input.pricePerSeatMinor,
    currency: input.currency,
    payment_method: input.paymentMethod,
    current_period_start: input.periodStart,
    current_period_end: input.periodEnd,
    cancel_at: null,
    ended_at: null,
  }).returningAll().executeTakeFirstOrThrow();
}

/** The host's subscription, locked for the rest of the transaction. */
export async function lockHostSubscription(db: Db, hostId: string): Promise<SubscriptionRow | undefined> {
  return db.selectFrom('subscriptions').selectAll().where('host_id', '=', hostId).forUpdate().executeTakeFirst();
}

export async function findHostSubscription(db: Db, hostId: string): Promise<SubscriptionRow | undefined> {
  return db.selectFrom('subscriptions').selectAll().where('host_id', '=', hostId).executeTakeFirst();
}

export async function listAccountSubscriptions(db: Db, accountId: string): Promise<(SubscriptionRow & { label: string })[]> {
  return db.selectFrom('subscriptions').innerJoin('hosts', 'hosts.id', 'subscriptions.host_id')
    .selectAll('subscriptions').select('hosts.label')
    .where('subscriptions.account_id', '=', accountId).orderBy('subscriptions.started_at', 'desc').execute();
}

/** Subscriptions whose period has ended, locked; another worker skips them rather than waits. */
export async function lockDueSubscriptions(db: Db, now: Date, limit: number): Promise<SubscriptionRow[]> {
  return db.selectFrom('subscriptions').selectAll()
    .where('status', '<>', 'ended').where('current_period_end', '<=', now)
    .orderBy('current_period_end').limit(limit).forUpdate().skipLocked().execute();
}

export async function countDueSubscriptions(db: Db, now: Date): Promise<number> {
  const row = await db.selectFrom('subscriptions').select((eb) => eb.fn.countAll<string>().as('due'))
    .where('status', '<>', 'ended').where('current_period_end', '<=', now).executeTakeFirstOrThrow();
  return Number(row.due);
}

export async function updateSubscription(db: Db, id: string, changes: Updateable<SubscriptionsTable>): Promise<SubscriptionRow> {
  return db.updateTable('subscriptions').set(changes).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
}
