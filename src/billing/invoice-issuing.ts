// Issues invoices: the buyer and seller (src/billing/seller.ts) as they are today, the account's coupon, its tax treatment,
// the totals and the next number, all in the caller's transaction.
import type { Coupon } from '../domain/billing/coupons.ts';
import { invoiceTotals, type InvoiceTotals, type PricedLine } from '../domain/billing/invoice-totals.ts';
import { taxTreatment, type TaxTreatment } from '../domain/billing/tax.ts';
import type { BillingConfig } from '../config.ts';
import { couponFromRow, findCoupon } from '../store/coupons.ts';
import type { Db } from '../store/database.ts';
import { insertInvoice, queueInvoiceMail } from '../store/invoices.ts';
import type { Account, InvoiceKind, InvoiceParty, InvoiceRow, PaymentMethodKind } from '../store/schema.ts';
import { requireSeller, sellerParty } from './seller.ts';

export function buyerOf(account: Account): InvoiceParty {
  const address = [account.billing_line1, account.billing_line2, [account.billing_postal_code, account.billing_city].filter(Boolean).join(' '), account.billing_country]
    .filter((line): line is string => typeof line === 'string' && line !== '');
  return { name: account.name, companyName: account.company_name, vatId: account.vat_id, address };
}

/** With VIES configured, only a VAT ID VIES confirmed counts for reverse charge (one saved before VIES was configured does not). */
export function taxFor(account: Account, billing: BillingConfig, sellerCountry: string): TaxTreatment {
  const vatId = billing.viesUrl !== undefined && account.vies_vat_id !== account.vat_id ? null : account.vat_id;
  return taxTreatment({ country: account.billing_country ?? sellerCountry, vatId }, sellerCountry, billing.vatRates);
}

export async function accountCoupon(db: Db, account: Account): Promise<Coupon | null> {
  return account.coupon_id ? couponFromRow(await findCoupon(db, account.coupon_id)) : null;
}

/** Prices lines for an invoice; refused (seller-details-missing) before anything happens while the seller is not set. */
export async function priceLines(db: Db, billing: BillingConfig, account: Account, lines: PricedLine[]): Promise<InvoiceTotals> {
  const seller = await requireSeller(db);
  return invoiceTotals(lines, await accountCoupon(db, account), taxFor(account, billing, seller.country));
}

export interface InvoiceToIssue {
  account: Account;
  subscriptionId: string | null;
  kind: InvoiceKind;
  period: { start: Date; end: Date };
  paymentMethod: PaymentMethodKind;
  issuedAt: Date;
  /** Totals already priced (a purchase charges them before the invoice exists), or lines to price now. */
  totals: InvoiceTotals;
  paid: boolean;
}

/** Issues the invoice and queues its mail to the customer, both in the caller's transaction. */
export async function issueInvoice(db: Db, billing: BillingConfig, input: InvoiceToIssue): Promise<InvoiceRow> {
  const invoice = await insertInvoice(db, {
    accountId: input.account.id,
    subscriptionId: input.subscriptionId,
    kind: input.kind,
    prefix: billing.invoicePrefix,
    issuedAt: input.issuedAt,
    period: input.period,
    currency: billing.currency,
    paymentMethod: input.paymentMethod,
    totals: input.totals,
    buyer: buyerOf(input.account),
    seller: sellerParty(await requireSeller(db)),
    paid: input.paid || input.totals.totalMinor === 0,
  });
  await queueInvoiceMail(db, invoice.id);
  return invoice;
}
