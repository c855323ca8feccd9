// An invoice as a standalone HTML document, to view, print or save (the panel offers it as a download).
import { formatMoney } from '../domain/billing/money.ts';
import { dueDate } from '../domain/billing/seller.ts';
import type { InvoiceLineRow, InvoiceParty, InvoiceRow } from '../store/schema.ts';

const escape = (text: string) => text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
export const day = (date: Date | string) => new Date(date).toISOString().slice(0, 10);

/** When the invoice is due: its issue date plus the seller's payment term (null on invoices issued before the seller had one). */
export function invoiceDueDate(invoice: InvoiceRow): Date | null {
  return invoice.seller.paymentTermDays === undefined ? null : dueDate(new Date(invoice.issued_at), invoice.seller.paymentTermDays);
}

/** The payment state as an invoice prints it (HTML, PDF and the invoice mail). */
export function invoiceStatusText(invoice: InvoiceRow): string {
  if (invoice.status === 'void') return `Void${invoice.voided_at ? ` since ${day(invoice.voided_at)}` : ''}: ${invoice.void_reason ?? ''} Nothing is due; a card payment is refunded.`;
  if (invoice.status === 'paid') return `Paid ${invoice.paid_at ? day(invoice.paid_at) : ''}`.trim();
  const due = invoiceDueDate(invoice);
  return invoice.payment_method === 'invoice' ? `Due${due ? ` by ${day(due)}` : ''}: please pay by bank transfer to the account below, quoting the payment reference ${invoice.number}.` : 'Open: charged to the card on file';
}

/** How to pay the invoice, as every copy of it prints it: due date, payment reference and the seller's bank account. */
export function paymentLines(invoice: InvoiceRow): string[] {
  const bank = invoice.seller.bank;
  const due = invoiceDueDate(invoice);
  return [
    due ? `Due date: ${day(due)}` : null,
    `Payment reference: ${invoice.number}`,
    ...(bank ? [`Account holder: ${bank.accountHolder}`, `IBAN: ${bank.iban}`, `BIC: ${bank.bic}`, `Bank: ${bank.bankName}`] : []),
  ].filter((line): line is string => line !== null);
}

/** A party's lines as an invoice prints them: company, name, address, VAT ID. */
export function partyLines(who: InvoiceParty): string[] {
  return [who.companyName, who.name, ...who.address, who.vatId ? `VAT ID ${who.vatId}` : null].filter((line): line is string => typeof line === 'string' && line !== '');
}

function party(title: string, who: InvoiceParty): string {
  const lines = partyLines(who);
  return `<section><h2>${title}</h2>${lines.map((line) => `<div>${escape(line)}</div>`).join('')}</section>`;
}

export function renderInvoiceHtml(invoice: InvoiceRow, lines: InvoiceLineRow[]): string {
  const money = (minor: string | number) => escape(formatMoney(Number(minor), invoice.currency));
  const rows = lines.map((line) => `<tr><td>${escape(line.description)}</td><td class="n">${money(line.amount_minor)}</td><td class="n">${Number(line.discount_minor) > 0 ? `−${money(line.discount_minor)}` : ''}</td></tr>`).join('');
  const status = invoiceStatusText(invoice);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Invoice ${escape(invoice.number)}</title>
<style>body{font:14px/1.5 system-ui,sans-serif;max-width:52rem;margin:2rem auto;padding:0 1rem}table{width:100%;border-collapse:collapse}td,th{padding:.3rem;border-bottom:1px solid #ddd;text-align:left}.n{text-align:right}.parties{display:flex;gap:4rem}</style>
</head><body>
<h1>Invoice ${escape(invoice.number)}</h1>
<p>Issued ${day(invoice.issued_at)} · period ${day(invoice.period_start)} to ${day(invoice.period_end)} · ${escape(status)}</p>
<div class="parties">${party('From', invoice.seller)}${party('To', invoice.buyer)}</div>
<table><thead><tr><th>Item</th><th class="n">Amount</th><th class="n">Discount</th></tr></thead><tbody>${rows}</tbody></table>
<table>
<tr><td>Subtotal</td><td class="n">${money(invoice.subtotal_minor)}</td></tr>
${Number(invoice.discount_minor) > 0 ? `<tr><td>Discount${invoice.coupon_code ? ` (coupon ${escape(invoice.coupon_code)})` : ''}</td><td class="n">−${money(invoice.discount_minor)}</td></tr>` : ''}
<tr><td>VAT ${invoice.tax_rate_bp / 100}%</td><td class="n">${money(invoice.tax_minor)}</td></tr>
<tr><th>Total</th><th class="n">${money(invoice.total_minor)}</th></tr>
</table>
${invoice.tax_note ? `<p class="tax-note">${escape(invoice.tax_note)}</p>` : ''}
${invoice.status === 'void' ? '' : `<section class="payment"><h2>Payment</h2>${paymentLines(invoice).map((line) => `<div>${escape(line)}</div>`).join('')}</section>`}
</body></html>
`;
}
