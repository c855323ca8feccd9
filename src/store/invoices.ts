// Invoices and their lines. Numbers come from one counter row per year, taken inside the invoice's
// own transaction: a rolled-back invoice gives its number back, so the numbers have no gaps.
import { sql } from 'kysely';
import type { InvoiceTotals } from '../domain/billing/invoice-totals.ts';
import { formatInvoiceNumber } from '../domain/billing/invoice-number.ts';
import { notFound } from '../domain/errors.ts';
import type { Db } from './database.ts';
import type { InvoiceKind, InvoiceLineRow, InvoiceParty, InvoiceRow, PaymentMethodKind } from './schema.ts';

export async function nextInvoiceSequence(db: Db, year: number): Promise<number> {
  const row = await db.insertInto('invoice_counters').values({ year, last_sequence: 1 })
    .onConflict((oc) => oc.column('year').doUpdateSet({ last_sequence: sql<number>`invoice_counters.last_sequence + 1` }))
    .returning('last_sequence').executeTakeFirstOrThrow();
  return row.last_sequence;
}

export interface NewInvoice {
  accountId: string;
  subscriptionId: string | null;
  kind: InvoiceKind;
  prefix: string;
  issuedAt: Date;
  period: { start: Date; end: Date };
  currency: string;
  paymentMethod: PaymentMethodKind;
  totals: InvoiceTotals;
  buyer: InvoiceParty;
  seller: InvoiceParty;
  paid: boolean;
}

export async function insertInvoice(db: Db, input: NewInvoice): Promise<InvoiceRow> {
  const year = input.issuedAt.getUTCFullYear();
  const sequence = await nextInvoiceSequence(db, year);
  const { totals } = input;
  const invoice = await db.insertInto('invoices').values({
    account_id: input.accountId,
    subscription_id: input.subscriptionId,
    kind: input.kind,
    number: formatInvoiceNumber(input.prefix, year, sequence),
    year,
    sequence,
    issued_at: input.issuedAt,
    period_start: input.period.start,
    period_end: input.period.end,
    currency: input.currency,
    payment_method: input.paymentMethod,
    status: input.paid ? 'paid' : 'open',
    paid_at: input.paid ? input.issuedAt : null,
    payment_error: null,
    subtotal_minor: totals.subtotalMinor,
    discount_minor: totals.discountMinor,
    tax_rate_bp: totals.taxRateBasisPoints,
    tax_minor: totals.taxMinor,
    total_minor: totals.totalMinor,
    reverse_charge: totals.reverseCharge,
    tax_note: totals.taxNote,
    coupon_code: totals.couponCode,
    buyer: JSON.stringify(input.buyer),
    seller: JSON.stringify(input.seller),
  }).returningAll().executeTakeFirstOrThrow();
  if (totals.lines.length > 0) {
    await db.insertInto('invoice_lines').values(totals.lines.map((line, position) => ({
      invoice_id: invoice.id,
      position,
      description: line.description,
      size: line.size,
      seats: line.seats,
      unit_price_minor: line.unitPriceMinor,
      amount_minor: line.amountMinor,
      discount_minor: line.discountMinor,
    }))).execute();
  }
  return invoice;
}

export async function invoiceLines(db: Db, invoiceId: string): Promise<InvoiceLineRow[]> {
  return db.selectFrom('invoice_lines').selectAll().where('invoice_id', '=', invoiceId).orderBy('position').execute();
}

/** The account's invoices, newest first, each with the label of the host it is for. */
export async function listAccountInvoices(db: Db, accountId: string): Promise<(InvoiceRow & { host_label: string | null })[]> {
  return db.selectFrom('invoices').leftJoin('subscriptions', 'subscriptions.id', 'invoices.subscription_id').leftJoin('hosts', 'hosts.id', 'subscriptions.host_id')
    .selectAll('invoices').select('hosts.label as host_label')
    .where('invoices.account_id', '=', accountId).orderBy('invoices.year', 'desc').orderBy('invoices.sequence', 'desc').execute();
}

export async function findAccountInvoice(db: Db, accountId: string, id: string): Promise<InvoiceRow> {
  const invoice = await db.selectFrom('invoices').selectAll().where('id', '=', id).where('account_id', '=', accountId).executeTakeFirst();
  if (!invoice) throw notFound(`Invoice ${id}`);
  return invoice;
}

export async function findInvoice(db: Db, id: string): Promise<InvoiceRow | undefined> {
  return db.selectFrom('invoices').selectAll().where('id', '=', id).executeTakeFirst();
}

/** An invoice with whom and which host it is for, as the operator reads it. */
export type NamedInvoiceRow = InvoiceRow & { account_email: string; host_id: string | null; host_label: string | null };

function namedInvoices(db: Db) {
  return db.selectFrom('invoices').innerJoin('accounts', 'accounts.id', 'invoices.account_id')
    .leftJoin('subscriptions', 'subscriptions.id', 'invoices.subscription_id').leftJoin('hosts', 'hosts.id', 'subscriptions.host_id')
    .selectAll('invoices').select(['accounts.email as account_email', 'hosts.id as host_id', 'hosts.label as host_label']);
}

export async function findNamedInvoice(db: Db, id: string): Promise<NamedInvoiceRow | undefined> {
  return namedInvoices(db).where('invoices.id', '=', id).executeTakeFirst();
}

export async function listAllInvoices(db: Db, options: { status?: 'open' | 'paid'; limit: number }): Promise<NamedInvoiceRow[]> {
  let query = namedInvoices(db).orderBy('invoices.year', 'desc').orderBy('invoices.sequence', 'desc').limit(options.limit);
  if (options.status) query = query.where('invoices.status', '=', options.status);
  return query.execute();
}

/** Marks an open invoice paid; undefined when it was paid already (or does not exist). */
export async function markInvoicePaid(db: Db, id: string, at: Date): Promise<InvoiceRow | undefined> {
  return db.updateTable('invoices').set({ status: 'paid', paid_at: at, payment_error: null })
    .where('id', '=', id).where('status', '=', 'open').returningAll().executeTakeFirst();
}

/** Voids an open or paid invoice (it keeps its number); undefined when it was void already. */
export async function voidInvoice(db: Db, id: string, reason: string, at: Date): Promise<InvoiceRow | undefined> {
  return db.updateTable('invoices').set({ status: 'void', voided_at: at, void_reason: reason })
    .where('id', '=', id).where('status', 'in', ['open', 'paid']).returningAll().executeTakeFirst();
}

export async function setInvoicePaymentError(db: Db, id: string, error: string): Promise<void> {
  await db.updateTable('invoices').set({ payment_error: error }).where('id', '=', id).where('status', '=', 'open').execute();
}

/** Open card invoices no charge has been tried for yet, or every open card invoice of one account. */
export async function openCardInvoices(db: Db, options: { accountId?: string; untriedOnly: boolean; limit: number }): Promise<InvoiceRow[]> {
  let query = db.selectFrom('invoices').selectAll().where('status', '=', 'open').where('payment_method', '=', 'card').orderBy('issued_at').limit(options.limit);
  if (options.accountId) query = query.where('account_id', '=', options.accountId);
  if (options.untriedOnly) query = query.where('payment_error', 'is', null);
  return query.execute();
}

/** The graphile-worker task that mails an issued invoice to its customer. */
export const invoiceMailTask = 'invoice-mail';

/** Queues the invoice's mail in the caller's transaction: it goes out only if the invoice is committed, once per invoice (job key). */
export async function queueInvoiceMail(db: Db, invoiceId: string): Promise<void> {
  await sql`SELECT graphile_worker.add_job(${invoiceMailTask}, json_build_object('invoiceId', ${invoiceId}::text), max_attempts => 10, job_key => ${'invoice-mail:' + invoiceId})`.execute(db);
}

/** The invoice, locked, if it has not been mailed yet; a second sender waits for the first and then finds it mailed. */
export async function lockUnmailedInvoice(db: Db, id: string): Promise<InvoiceRow | undefined> {
  return db.selectFrom('invoices').selectAll().where('id', '=', id).where('mailed_at', 'is', null).forUpdate().executeTakeFirst();
}

export async function markInvoiceMailed(db: Db, id: string, at: Date): Promise<void> {
  await db.updateTable('invoices').set({ mailed_at: at }).where('id', '=', id).execute();
}
