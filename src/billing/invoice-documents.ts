// An invoice as a file to download: a customer's own invoice, or any invoice for an operator.
import { notFound } from '../domain/errors.ts';
import type { Db } from '../store/database.ts';
import { findAccountInvoice, findInvoice, invoiceLines } from '../store/invoices.ts';
import type { InvoiceRow } from '../store/schema.ts';
import { renderInvoicePdf } from './invoice-pdf.ts';

export interface InvoicePdf {
  fileName: string;
  pdf: Buffer;
}

export async function invoicePdf(db: Db, invoice: InvoiceRow): Promise<InvoicePdf> {
  return { fileName: `invoice-${invoice.number.replace(/[^A-Za-z0-9_-]/g, '-')}.pdf`, pdf: await renderInvoicePdf(invoice, await invoiceLines(db, invoice.id)) };
}

/** The PDF of one of the account's invoices (404 for anyone else's). */
export async function accountInvoicePdf(db: Db, accountId: string, invoiceId: string): Promise<InvoicePdf> {
  return invoicePdf(db, await findAccountInvoice(db, accountId, invoiceId));
}

/** The PDF of any invoice, for an operator. */
export async function operatorInvoicePdf(db: Db, invoiceId: string): Promise<InvoicePdf> {
  const invoice = await findInvoice(db, invoiceId);
  if (!invoice) throw notFound(`Invoice ${invoiceId}`);
  return invoicePdf(db, invoice);
}
