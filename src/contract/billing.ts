// The billing resources as the API shows them: the billing overview, quotes, invoices, coupons.
import { Type } from 'typebox';
import { int4Max } from './input-text.ts';
import { Nullable } from './nullable.ts';

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
  tax: Nullable(Tax),
  /** Both null until the operator has entered the seller (whose country decides VAT, and whose bank account invoices are paid to). */
  payTo: Nullable(Type.Object({
    name: Type.String(), accountHolder: Type.String(), iban: Type.String(), bic: Type.String(), bankName: Type.String(), paymentTermDays: Type.Integer(),
  }, { description: 'Where invoices are paid by bank transfer, and in how many days of their issue' })),
  subscriptions: Type.Array(Type.Object({
    hostId: Type.String({ format: 'uuid' }), label: Type.String(), size: Type.String(), seats: Type.Integer(), status: Type.String(),
    paymentMethod: PaymentMethod, currentPeriodEnd: Type.String({ format: 'date-time' }), cancelAt: Nullable(Type.String({ format: 'date-time' })), monthlyMinor: Type.Integer(),
  })),
});

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

export const InvoiceSummary = Type.Object({
  id: Type.String({ format: 'uuid' }),
  number: Type.String(),
  kind: Type.String(),
  issuedAt: Type.String({ format: 'date-time' }),
  periodStart: Type.String({ format: 'date-time' }),
  periodEnd: Type.String({ format: 'date-time' }),
  currency: Type.String(),
  paymentMethod: PaymentMethod,
  status: Type.Union([Type.Literal('open'), Type.Literal('paid'), Type.Literal('void')], { description: 'void: cancelled by Homeport (the host could not be built, or was cancelled within a day of its purchase); nothing is due and a card payment for it is refunded' }),
  paidAt: Nullable(Type.String({ format: 'date-time' })),
  dueAt: Nullable(Type.String({ format: 'date-time', description: 'Issue date plus the payment term; null on invoices issued before there was one' })),
  paymentReference: Type.String({ description: 'What a bank transfer must quote: the invoice number' }),
  hostLabel: Nullable(Type.String({ description: 'The host the invoice is for' })),
  paymentError: Nullable(Type.String()),
  subtotalMinor: Type.Integer(),
  discountMinor: Type.Integer(),
  ...taxAndTotals,
  accountEmail: Type.Optional(Type.String()),
});

export const Invoice = Type.Object({ ...InvoiceSummary.properties, lines: Type.Array(Line) });

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

export const NewCouponBody = Type.Object({
  code: Type.String({ minLength: 1, maxLength: 40 }),
  percentOff: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 100 })),
  amountOffMinor: Type.Optional(Type.Integer({ minimum: 1, maximum: int4Max })),
  duration: Type.Union([Type.Literal('once'), Type.Literal('months'), Type.Literal('forever')]),
  durationMonths: Type.Optional(Type.Integer({ minimum: 1, maximum: 120 })),
  sizes: Type.Optional(Type.Array(Type.String({ maxLength: 100 }), { maxItems: 50 })),
  expiresAt: Type.Optional(Nullable(Type.String({ format: 'date-time', maxLength: 40 }))),
  maxRedemptions: Type.Optional(Nullable(Type.Integer({ minimum: 1, maximum: int4Max }))),
}, { additionalProperties: false });

/** The seller's details as the operator enters them: every invoice shows them, and none is issued without them. */
export const SellerBody = Type.Object({
  legalName: Type.String({ maxLength: 200 }),
  addressLine1: Type.String({ maxLength: 200 }),
  postalCode: Type.String({ maxLength: 20 }),
  city: Type.String({ maxLength: 100 }),
  country: Type.String({ maxLength: 2, description: 'ISO 3166-1 code; decides VAT and reverse charge' }),
  vatId: Type.String({ maxLength: 20, description: 'Required for a seller in the EU' }),
  accountHolder: Type.String({ maxLength: 200 }),
  iban: Type.String({ maxLength: 42, description: 'Checked with its mod-97 checksum' }),
  bic: Type.String({ maxLength: 11 }),
  bankName: Type.String({ maxLength: 200 }),
  paymentTermDays: Type.Integer({ minimum: 0, maximum: 120, description: 'Invoices are due this many days after issue' }),
}, { additionalProperties: false });

export const SellerView = Type.Object({ seller: Nullable(SellerBody), renewalsWaiting: Type.Integer({ description: 'Renewals due that wait for the seller (none once it is set)' }) });
