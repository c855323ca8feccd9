// Monthly renewals: every subscription whose period has ended gets its next period's invoice (one
// per subscription and period, whatever runs twice), or ends when its host was cancelled.
import { periodStartingAt } from '../domain/billing/billing-period.ts';
import { monthlyPrice, periodLineDescription } from '../domain/billing/prices.ts';
import type { Size } from '../domain/sizes.ts';
import type { HomeportContext } from '../homeport-context.ts';
import { findAccount } from '../store/accounts.ts';
import type { Db } from '../store/database.ts';
import type { SubscriptionRow } from '../store/schema.ts';
import { findSeller } from '../store/seller.ts';
import { countDueSubscriptions, lockDueSubscriptions, updateSubscription } from '../store/subscriptions.ts';
import { collectCardInvoice } from './card-collection.ts';
import { issueInvoice, priceLines } from './invoice-issuing.ts';

/** The size as sold: the subscription keeps the price it was bought at, even if the size changed or went. */
function sizeAsSold(context: HomeportContext, subscription: SubscriptionRow): Size {
  const current = context.sizes.find((size) => size.name === subscription.size);
  return {
    name: subscription.size,
    title: current?.title ?? subscription.size,
    pricePerSeatMinor: subscription.price_per_seat_minor,
    currency: subscription.currency,
    minSeats: current?.minSeats ?? 1,
    maxSeats: current?.maxSeats ?? subscription.seats,
    maxUploadSize: current?.maxUploadSize ?? '50M',
  };
}

async function renewOne(trx: Db, context: HomeportContext, subscription: SubscriptionRow): Promise<string | undefined> {
  const end = new Date(subscription.current_period_end);
  if (subscription.status === 'cancelling') {
    await updateSubscription(trx, subscription.id, { status: 'ended', ended_at: end });
    return undefined;
  }
  const period = periodStartingAt(end);
  const periodIndex = subscription.period_index + 1;
  const size = sizeAsSold(context, subscription);
  const label = (await trx.selectFrom('hosts').select('label').where('id', '=', subscription.host_id).executeTakeFirstOrThrow()).label;
  const account = await findAccount(trx, subscription.account_id);
  const totals = await priceLines(trx, context.config.billing, account, [{
    description: periodLineDescription(size, label, subscription.seats, period),
    size: size.name,
    seats: subscription.seats,
    unitPriceMinor: size.pricePerSeatMinor,
    amountMinor: monthlyPrice(size, subscription.seats),
    periodIndex,
    wholePeriod: true,
  }]);
  const invoice = await issueInvoice(trx, context.config.billing, {
    account, subscriptionId: subscription.id, kind: 'renewal', period, paymentMethod: subscription.payment_method, issuedAt: period.start, totals, paid: false,
  });
  await updateSubscription(trx, subscription.id, { current_period_start: period.start, current_period_end: period.end, period_index: periodIndex });
  return invoice.payment_method === 'card' && invoice.status === 'open' ? invoice.id : undefined;
}

/**
 * Renews in small locked batches (other workers skip what is locked), then charges the card invoices made.
 * Without the seller's details nothing is renewed (no invoice can be issued), loudly: an error in the
 * log every run, and the operator console's seller page counts the renewals waiting. Once the seller
 * is set, the next check issues each waiting renewal for its own period, so none is lost.
 */
export async function renewDueSubscriptions(context: HomeportContext, now: Date): Promise<number> {
  if (!(await findSeller(context.db))) {
    const waiting = await countDueSubscriptions(context.db, now);
    if (waiting > 0) context.logger.error({ waiting }, `${waiting} renewal(s) wait: no invoice can be issued until the operator sets the seller's details (operator console → Seller, or homeport seller set)`);
    return 0;
  }
  const cardInvoices: string[] = [];
  let renewed = 0;
  for (;;) {
    const batch = await context.db.transaction().execute(async (trx) => {
      const due = await lockDueSubscriptions(trx, now, 20);
      for (const subscription of due) {
        const invoiceId = await renewOne(trx, context, subscription);
        if (invoiceId) cardInvoices.push(invoiceId);
      }
      return due.length;
    });
    renewed += batch;
    if (batch === 0) break;
  }
  for (const invoiceId of cardInvoices) {
    await collectCardInvoice(context, invoiceId).catch((error: unknown) => context.logger.error({ err: error, invoiceId }, 'charging a renewal failed'));
  }
  return renewed;
}
