// How billing overviews, quotes, invoices and coupons become the API's billing resources.
import type { Static } from 'typebox';
import type { BillingOverview } from '../../billing/billing-overview.ts';
import type { Billing, CouponView, Invoice, InvoiceSummary, Quote } from '../../contract/billing.ts';
import { describeCoupon } from '../../domain/billing/coupons.ts';
import type { InvoiceTotals } from '../../domain/billing/invoice-totals.ts';
import type { SellerDetails } from '../../domain/billing/seller.ts';
import { invoiceDueDate } from '../../billing/invoice-html.ts';
import { sellerParty } from '../../billing/seller.ts';
import { couponFromRow } from '../../store/coupons.ts';
import type { CouponRow, InvoiceLineRow, InvoiceRow } from '../../store/schema.ts';

const iso = (value: Date | string | null) => (value === null ? null : new Date(value).toISOString());

export function billingView(overview: BillingOverview): Static<typeof Billing> {
  const { account } = overview;
  const notice = !overview.cardPaymentAvailable
    // The payment methods below say that invoice payment is enabled; the notice does not repeat it.
    ? (account.invoice_payment_enabled ? 'This installation takes payment by invoice only.' : 'This installation takes payment by invoice only: ask us to enable invoice payment for your account.')
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
    tax: overview.tax ? { ratePercent: overview.tax.rateBasisPoints / 100, reverseCharge: overview.tax.reverseCharge, note: overview.tax.note } : null,
    payTo: overview.seller ? payTo(overview.seller) : null,
    subscriptions: overview.subscriptions.map((s) => ({
      hostId: s.host_id, label: s.label, size: s.size, seats: s.seats, status: s.status, paymentMethod: s.payment_method,
      currentPeriodEnd: iso(s.current_period_end)!, cancelAt: iso(s.cancel_at), monthlyMinor: s.seats * s.price_per_seat_minor,
    })),
  };
}

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

function payTo(seller: SellerDetails): NonNullable<Static<typeof Billing>['payTo']> {
  const party = sellerParty(seller);
  return { name: party.name, ...party.bank!, paymentTermDays: seller.paymentTermDays };
}

export function invoiceSummaryView(invoice: InvoiceRow & { account_email?: string; host_label?: string | null }): Static<typeof InvoiceSummary> {
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
    dueAt: iso(invoiceDueDate(invoice)),
    paymentReference: invoice.number,
    hostLabel: invoice.host_label ?? null,
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
