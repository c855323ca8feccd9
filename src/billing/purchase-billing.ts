// The money side of buying a host: price it, charge a card before anything is built (a declined
// card leaves nothing behind and says why), then record the subscription and its paid or open
// invoice in the purchase's own transaction. A charge whose host was never recorded is refunded.
import { periodLineDescription, monthlyPrice } from '../domain/billing/prices.ts';
import { periodStartingAt, type BillingPeriod } from '../domain/billing/billing-period.ts';
import type { InvoiceTotals } from '../domain/billing/invoice-totals.ts';
import { HomeportError } from '../domain/errors.ts';
import type { Size } from '../domain/sizes.ts';
import type { HomeportContext } from '../homeport-context.ts';
import { findAccount } from '../store/accounts.ts';
import { insertCardCharge, updateCardCharge } from '../store/card-charges.ts';
import type { Db } from '../store/database.ts';
import type { Account, CardChargeRow, HostRow, InvoiceRow, PaymentMethodKind } from '../store/schema.ts';
import { insertSubscription } from '../store/subscriptions.ts';
import { askStripe } from './card-collection.ts';
import { issueInvoice, priceLines } from './invoice-issuing.ts';

/** What pricing and recording a purchase need of Homeport's context. */
export type BillingContext = Pick<HomeportContext, 'config' | 'db' | 'sizes' | 'logger' | 'cardPayments'>;

export interface PurchasePlan {
  account: Account;
  size: Size;
  seats: number;
  paymentMethod: PaymentMethodKind;
  period: BillingPeriod;
  totals: InvoiceTotals;
}

/** The card when the account has one (and Stripe is configured), else invoice payment when enabled; a method asked for must be available. */
export function choosePaymentMethod(context: HomeportContext, account: Account, requested: PaymentMethodKind | undefined): PaymentMethodKind {
  const card = context.cardPayments !== undefined && account.card_payment_method_id !== null;
  if (requested === 'card' && !card) {
    throw new HomeportError('payment-method-required', 'No card on file', context.cardPayments ? 'Save a card first (Account → Billing).' : 'This installation takes payment by invoice only.');
  }
  if (requested === 'invoice' && !account.invoice_payment_enabled) {
    throw new HomeportError('payment-method-required', 'Invoice payment not enabled', 'Invoice payment is not enabled for your account; ask us to enable it, or pay by card.');
  }
  if (requested) return requested;
  if (card) return 'card';
  if (account.invoice_payment_enabled) return 'invoice';
  throw new HomeportError('payment-method-required', 'Add a payment method first', context.cardPayments ? 'Save a card first (Account → Billing), or ask us to enable invoice payment.' : 'This installation takes payment by invoice only: ask us to enable invoice payment for your account.');
}

/** The first month of a host for this account: its period, and its line priced with the account's coupon and tax. */
export async function pricePurchase(context: BillingContext, account: Account, input: { label: string; size: Size; seats: number; now: Date }): Promise<{ period: BillingPeriod; totals: InvoiceTotals }> {
  const period = periodStartingAt(input.now);
  const totals = await priceLines(context.db, context.config.billing, account, [{
    description: periodLineDescription(input.size, input.label, input.seats, period),
    size: input.size.name,
    seats: input.seats,
    unitPriceMinor: input.size.pricePerSeatMinor,
    amountMinor: monthlyPrice(input.size, input.seats),
    periodIndex: 0,
    wholePeriod: true,
  }]);
  return { period, totals };
}

export async function planPurchase(context: HomeportContext, input: { accountId: string; label: string; size: Size; seats: number; paymentMethod?: PaymentMethodKind; now: Date }): Promise<PurchasePlan> {
  const account = await findAccount(context.db, input.accountId);
  const paymentMethod = choosePaymentMethod(context, account, input.paymentMethod);
  const { period, totals } = await pricePurchase(context, account, input);
  return { account, size: input.size, seats: input.seats, paymentMethod, period, totals };
}

/** Charges the first month to the card, journaled; throws payment-failed (402) with the bank's reason. */
export async function chargePurchase(context: HomeportContext, plan: PurchasePlan): Promise<CardChargeRow | undefined> {
  if (plan.paymentMethod !== 'card' || plan.totals.totalMinor === 0 || !context.cardPayments) return undefined;
  const charge = await insertCardCharge(context.db, { accountId: plan.account.id, purpose: 'purchase', amountMinor: plan.totals.totalMinor, currency: context.config.billing.currency });
  const result = await askStripe(context.cardPayments, plan.account, charge);
  if (!result.ok) {
    await updateCardCharge(context.db, charge.id, { status: 'failed', failure: result.reason, payment_intent_id: result.paymentIntentId });
    throw new HomeportError('payment-failed', 'Payment failed', `Your card was not charged and no host was created: ${result.reason}`, { reason: result.reason });
  }
  return updateCardCharge(context.db, charge.id, { status: 'succeeded', payment_intent_id: result.paymentIntentId });
}

/** Locks the account (FOR NO KEY UPDATE: new rows may still reference it) for the purchase's transaction. */
export async function lockAccountForPurchase(trx: Db, accountId: string): Promise<void> {
  await trx.selectFrom('accounts').select('id').where('id', '=', accountId).forNoKeyUpdate().execute();
}

export async function recordPurchase(trx: Db, context: BillingContext, plan: PurchasePlan, host: HostRow, charge: CardChargeRow | undefined): Promise<InvoiceRow> {
  const subscription = await insertSubscription(trx, {
    accountId: plan.account.id,
    hostId: host.id,
    size: plan.size.name,
    seats: plan.seats,
    pricePerSeatMinor: plan.size.pricePerSeatMinor,
    currency: context.config.billing.currency,
    paymentMethod: plan.paymentMethod,
    periodStart: plan.period.start,
    periodEnd: plan.period.end,
  });
  const account = await findAccount(trx, plan.account.id);
  const invoice = await issueInvoice(trx, context.config.billing, {
    account, subscriptionId: subscription.id, kind: 'purchase', period: plan.period, paymentMethod: plan.paymentMethod,
    issuedAt: plan.period.start, totals: plan.totals, paid: charge !== undefined,
  });
  if (charge) await updateCardCharge(trx, charge.id, { status: 'attached', host_id: host.id, invoice_id: invoice.id });
  if (account.first_purchase_at === null) await trx.updateTable('accounts').set({ first_purchase_at: plan.period.start }).where('id', '=', account.id).execute();
  return invoice;
}

/** Gives back a purchase charge whose host could not be recorded; the billing check retries it if this fails. */
export async function refundPurchaseCharge(context: HomeportContext, charge: CardChargeRow): Promise<void> {
  if (!context.cardPayments || !charge.payment_intent_id) return;
  await context.cardPayments.refund(charge.payment_intent_id, `homeport-refund-${charge.id}`);
  await updateCardCharge(context.db, charge.id, { status: 'refunded' });
}
