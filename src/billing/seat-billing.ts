// Billing of a seat raise: the subscription takes the new seats, and the rest of the current
// period is invoiced as a prorated line. Seats never go down, so there is never a credit.
import { prorate } from '../domain/billing/billing-period.ts';
import { seatsLineDescription } from '../domain/billing/prices.ts';
import type { Size } from '../domain/sizes.ts';
import type { BillingConfig } from '../config.ts';
import { findAccount } from '../store/accounts.ts';
import type { Db } from '../store/database.ts';
import type { HostRow, InvoiceRow } from '../store/schema.ts';
import { lockHostSubscription, updateSubscription } from '../store/subscriptions.ts';
import { issueInvoice, priceLines } from './invoice-issuing.ts';

export async function billSeatRaise(trx: Db, billing: BillingConfig, input: { host: HostRow; size: Size; from: number; to: number; at: Date }): Promise<InvoiceRow | undefined> {
  const subscription = await lockHostSubscription(trx, input.host.id);
  if (!subscription || subscription.status !== 'active') return undefined;
  await updateSubscription(trx, subscription.id, { seats: input.to });
  const period = { start: new Date(subscription.current_period_start), end: new Date(subscription.current_period_end) };
  const amountMinor = prorate((input.to - input.from) * subscription.price_per_seat_minor, period, input.at);
  if (amountMinor === 0) return undefined;
  const account = await findAccount(trx, subscription.account_id);
  const totals = await priceLines(trx, billing, account, [{
    description: seatsLineDescription(input.size, input.host.label, input.from, input.to, input.at, period.end),
    size: subscription.size,
    seats: input.to - input.from,
    unitPriceMinor: subscription.price_per_seat_minor,
    amountMinor,
    periodIndex: subscription.period_index,
    wholePeriod: false,
  }]);
  return issueInvoice(trx, billing, {
    account, subscriptionId: subscription.id, kind: 'seats', period: { start: input.at, end: period.end },
    paymentMethod: subscription.payment_method, issuedAt: input.at, totals, paid: false,
  });
}
