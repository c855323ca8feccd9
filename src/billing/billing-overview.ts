// What the billing page shows: how the account pays, its coupon, its tax treatment, its
// subscriptions, and a quote for a host before buying it.
import { describeCoupon } from '../domain/billing/coupons.ts';
import type { InvoiceTotals } from '../domain/billing/invoice-totals.ts';
import type { SellerDetails } from '../domain/billing/seller.ts';
import type { TaxTreatment } from '../domain/billing/tax.ts';
import { HomeportError } from '../domain/errors.ts';
import { checkSeatsForSize } from '../domain/seats.ts';
import type { HomeportContext } from '../homeport-context.ts';
import { findAccount } from '../store/accounts.ts';
import type { Account, PaymentMethodKind, SubscriptionRow } from '../store/schema.ts';
import { findSeller } from '../store/seller.ts';
import { listAccountSubscriptions } from '../store/subscriptions.ts';
import { accountCoupon, taxFor } from './invoice-issuing.ts';
import { choosePaymentMethod, pricePurchase } from './purchase-billing.ts';

export interface BillingOverview {
  account: Account;
  currency: string;
  cardPaymentAvailable: boolean;
  publishableKey: string | null;
  paymentMethods: PaymentMethodKind[];
  coupon: { code: string; description: string } | null;
  couponAllowed: boolean;
  /** Null until the operator has entered the seller (whose country decides it). */
  tax: TaxTreatment | null;
  /** Whom invoices are paid to, and in how many days; null until the operator has entered it. */
  seller: SellerDetails | null;
  subscriptions: (SubscriptionRow & { label: string })[];
}

export async function billingOverview(context: HomeportContext, accountId: string): Promise<BillingOverview> {
  const account = await findAccount(context.db, accountId);
  const [coupon, subscriptions, seller] = await Promise.all([accountCoupon(context.db, account), listAccountSubscriptions(context.db, accountId), findSeller(context.db)]);
  const paymentMethods: PaymentMethodKind[] = [];
  if (context.cardPayments && account.card_payment_method_id) paymentMethods.push('card');
  if (account.invoice_payment_enabled) paymentMethods.push('invoice');
  return {
    account,
    currency: context.config.billing.currency,
    cardPaymentAvailable: context.cardPayments !== undefined,
    publishableKey: context.cardPayments?.publishableKey ?? null,
    paymentMethods,
    coupon: coupon ? { code: coupon.code, description: describeCoupon(coupon) } : null,
    couponAllowed: account.first_purchase_at === null && subscriptions.length === 0 && coupon === null,
    tax: seller ? taxFor(account, context.config.billing, seller.country) : null,
    seller: seller ?? null,
    subscriptions,
  };
}

export async function quoteHost(context: HomeportContext, accountId: string, input: { size: string; seats: number; label?: string; paymentMethod?: PaymentMethodKind }): Promise<InvoiceTotals & { paymentMethod: PaymentMethodKind | null; currency: string }> {
  const size = context.sizes.find((candidate) => candidate.name === input.size);
  if (!size) throw new HomeportError('size-unknown', 'Unknown size', `There is no size "${input.size}".`);
  checkSeatsForSize(size, input.seats);
  const account = await findAccount(context.db, accountId);
  let paymentMethod: PaymentMethodKind | null;
  try {
    paymentMethod = choosePaymentMethod(context, account, input.paymentMethod);
  } catch {
    // A quote is also shown to an account that cannot pay yet; the purchase itself says why.
    paymentMethod = null;
  }
  const { totals } = await pricePurchase(context, account, { label: input.label ?? 'new', size, seats: input.seats, now: new Date() });
  return { ...totals, paymentMethod, currency: context.config.billing.currency };
}
