// The billing resources as the API shows them: the billing overview, quotes, invoices, coupons.
import { Type, type Static } from 'typebox';
import type { BillingOverview } from '../../billing/billing-overview.ts';
import type { InvoiceTotals } from '../../domain/billing/invoice-totals.ts';
import { describeCoupon } from '../../domain/billing/coupons.ts';
import { couponFromRow } from '../../store/coupons.ts';
import type { CouponRow, InvoiceLineRow, InvoiceRow } from '../../store/schema.ts';

const iso = (value: Date | string | null) => (value === null ? null : new Date(value).toISOString());
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) => Type.Union([schema, Type.Null()]);
const PaymentMethod = Type.Union([Type.Literal('card'), Type.Literal('invoice')]);

export const Tax = Type.Object({ ratePercent: Type.Number(), reverseCharge: Type.Boolean(), note: Nullable(Type.String()) });

export const Billing = Type.Object({
  currency: Type.String(),
  cardPayment: Type.Object({ available: Type.Boolean(), publishableKey: Nullable(Type.String()) }, { description: 'Whether this installation takes cards (Stripe); without it, invoice payment only' }),
  notice: Nullable(Type.String({ description: 'What the customer must know about paying here' })),
  invoicePaymentEnabled: Type.Boolean(),
  card: Nullable(Type.Object({ brand: Type.String(), last4: Type.String(), expiry: Type.String() })),
  paymentMethods: Type.Array(PaymentMethod, { description: 'The ways this account can pay now' }),
  coupon: Nullable(Type.Object({ code: Type.String(), description: Type.String() })),
  couponAllowed: Type.Boolean({ description: 'Coupons can only be applied before the first purchase' }),
  tax: Tax,
  subscriptions: Type.Array(Type.Object({
    hostId: Type.String({ format: 'uuid' }), label: Type.String(), size: Type.String(), seats: Type.Integer(), status: Type.String(),
    paymentMethod: PaymentMethod, currentPeriodEnd: Type.String({ format: 'date-time' }), cancelAt: Nullable(Type.String({ format: 'date-time' })), monthlyMinor: Type.Integer(),
  })),
});

export function billingView(overview: BillingOverview): Static<typeof Billing> {
  const { account } = overview;
  const notice = !overview.cardPaymentAvailable
    ? (account.invoice_payment_enabled ? 'This installation takes payment by invoice only; invoice payment is enabled for your account.' : 'This installation takes payment by invoice only: ask us to enable invoice payment for your account.')
    : null;
  return {
    currency: overview.currency,
    cardPayment: { available: overview.cardPaymentAvailable, publishableKey: overview.publishableKey },
    notice,
    invoicePaymentEnabled: account.invoice_payment_enabled,
    card: account.card_payment_method_id && overview.cardPaymentAvailable ? { brand: account.card_brand ?? 'card', last4: account.card_last4 ?? '', expiry: account.card_expiry ?? '' } : null,
    paymentMethods: overview.paymentMethods,
    coupon: overview.coupon,
    couponAllowed: overview.couponAllowed,
    tax: { ratePercent: overview.tax.rateBasisPoints / 100, reverseCharge: overview.tax.reverseCharge, note: overview.tax.note },
    subscriptions: overview.subscriptions.map((s) => ({
      hostId: s.host_id, label: s.label, size: s.size, seats: s.seats, status: s.status, paymentMethod: s.payment_method,
      currentPeriodEnd: iso(s.current_period_end)!, cancelAt: iso(s.cancel_at), monthlyMinor: s.seats * s.price_per_seat_minor,
    })),
  };
}

const Line = Type.Object({ description: Type.String(), size: Type.String(), seats: Type.Integer(), unitPriceMinor: Type.Integer(), amountMinor: Type.Integer(), discountMinor: Type.Integer() });

/** The tax and totals a quote and an invoice both show. */
const taxAndTotals = {
  taxRatePercent: Type.Number(),
  taxMinor: Type.Integer(),
  totalMinor: Type.Integer(),
  reverseCharge: Type.Boolean(),
  taxNote: Nullable(Type.String()),
  couponCode: Nullable(Type.String()),
};

export const Quote = Type.Object({
  currency: Type.String(),
  paymentMethod: Nullable(PaymentMethod),
  lines: Type.Array(Line),
  subtotalMinor: Type.Integer(),
  discountMinor: Type.Integer(),
  netMinor: Type.Integer(),
  ...taxAndTotals,
});

export function quoteView(quote: InvoiceTotals & { paymentMethod: 'card' | 'invoice' | null; currency: string }): Static<typeof Quote> {
  return {
    currency: quote.currency,
    paymentMethod: quote.paymentMethod,
    lines: quote.lines.map((line) => ({ description: line.description, size: line.size, seats: line.seats, unitPriceMinor: line.unitPriceMinor, amountMinor: line.amountMinor, discountMinor: line.discountMinor })),
    subtotalMinor: quote.subtotalMinor,
    discountMinor: quote.discountMinor,
    netMinor: quote.netMinor,
    taxRatePercent: quote.taxRateBasisPoints / 100,
    taxMinor: quote.taxMinor,
    totalMinor: quote.totalMinor,
    reverseCharge: quote.reverseCharge,
    taxNote: quote.taxNote,
    couponCode: quote.couponCode,
  };
}

export const InvoiceSummary = Type.Object({
  id: Type.String({ format: 'uuid' }),
  number: Type.String(),
  kind: Type.String(),
  issuedAt: Type.String({ format: 'date-time' }),
  periodStart: Type.String({ format: 'date-time' }),
  periodEnd: Type.String({ format: 'date-time' }),
  currency: Type.String(),
  paymentMethod: PaymentMethod,
  status: Type.Union([Type.Literal('open'), Type.Literal('paid')]),
  paidAt: Nullable(Type.String({ format: 'date-time' })),
  paymentError: Nullable(Type.String()),
  subtotalMinor: Type.Integer(),
  discountMinor: Type.Integer(),
  ...taxAndTotals,
  accountEmail: Type.Optional(Type.String()),
});

export const Invoice = Type.Object({ ...InvoiceSummary.properties, lines: Type.Array(Line) });

export function invoiceSummaryView(invoice: InvoiceRow & { account_email?: string }): Static<typeof InvoiceSummary> {
  return {
    id: invoice.id,
    number: invoice.number,
    kind: invoice.kind,
    issuedAt: iso(invoice.issued_at)!,
    periodStart: iso(invoice.period_start)!,
    periodEnd: iso(invoice.period_end)!,
    currency: invoice.currency,
    paymentMethod: invoice.payment_method,
    status: invoice.status,
    paidAt: iso(invoice.paid_at),
    paymentError: invoice.payment_error,
    subtotalMinor: Number(invoice.subtotal_minor),
    discountMinor: Number(invoice.discount_minor),
    taxRatePercent: invoice.tax_rate_bp / 100,
    taxMinor: Number(invoice.tax_minor),
    totalMinor: Number(invoice.total_minor),
    reverseCharge: invoice.reverse_charge,
    taxNote: invoice.tax_note,
    couponCode: invoice.coupon_code,
    ...(invoice.account_email ? { accountEmail: invoice.account_email } : {}),
  };
}

export function invoiceView(invoice: InvoiceRow, lines: InvoiceLineRow[]): Static<typeof Invoice> {
  return {
    ...invoiceSummaryView(invoice),
    lines: lines.map((line) => ({ description: line.description, size: line.size, seats: line.seats, unitPriceMinor: line.unit_price_minor, amountMinor: Number(line.amount_minor), discountMinor: Number(line.discount_minor) })),
  };
}

export const CouponView = Type.Object({
  id: Type.String({ format: 'uuid' }),
  code: Type.String(),
  description: Type.String(),
  percentOff: Nullable(Type.Number()),
  amountOffMinor: Nullable(Type.Integer()),
  duration: Type.Union([Type.Literal('once'), Type.Literal('months'), Type.Literal('forever')]),
  durationMonths: Nullable(Type.Integer()),
  sizes: Type.Array(Type.String()),
  expiresAt: Nullable(Type.String({ format: 'date-time' })),
  maxRedemptions: Nullable(Type.Integer()),
  redemptions: Type.Integer(),
  createdAt: Type.String({ format: 'date-time' }),
});

export function couponView(row: CouponRow): Static<typeof CouponView> {
  return {
    id: row.id,
    code: row.code,
    description: describeCoupon(couponFromRow(row)),
    percentOff: row.percent_off_bp === null ? null : row.percent_off_bp / 100,
    amountOffMinor: row.amount_off_minor,
    duration: row.duration,
    durationMonths: row.duration_months,
    sizes: row.sizes,
    expiresAt: iso(row.expires_at),
    maxRedemptions: row.max_redemptions,
    redemptions: row.redemptions,
    createdAt: iso(row.created_at)!,
  };
}

export const NewCouponBody = Type.Object({
  code: Type.String({ minLength: 1, maxLength: 40 }),
  percentOff: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 100 })),
  amountOffMinor: Type.Optional(Type.Integer({ minimum: 1 })),
  duration: Type.Union([Type.Literal('once'), Type.Literal('months'), Type.Literal('forever')]),
  durationMonths: Type.Optional(Type.Integer({ minimum: 1, maximum: 120 })),
  sizes: Type.Optional(Type.Array(Type.String({ maxLength: 100 }), { maxItems: 50 })),
  expiresAt: Type.Optional(Nullable(Type.String({ format: 'date-time' }))),
  maxRedemptions: Type.Optional(Nullable(Type.Integer({ minimum: 1 }))),
}, { additionalProperties: false });
