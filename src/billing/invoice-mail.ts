// Mails each issued invoice (purchase, renewal, seat raise) to its customer: number, total, payment
// state, a link to the invoices in the panel (HOMEPORT_PUBLIC_URL) and the PDF attached. The mail is
// queued as a durable job in the invoice's own transaction and sent once: the sender locks the
// invoice, sends, and records mailed_at in that transaction, so a retried or doubled job finds it
// mailed. (Only a crash after the mail server accepted the mail but before the commit sends it again:
// no mail path can be exactly once.)
import type { Config } from '../config.ts';
import { formatMoney } from '../domain/billing/money.ts';
import type { HomeportContext } from '../homeport-context.ts';
import type { MailMessage } from '../mail/mailer.ts';
import { findAccount } from '../store/accounts.ts';
import { lockUnmailedInvoice, markInvoiceMailed } from '../store/invoices.ts';
import type { Account, InvoiceRow } from '../store/schema.ts';
import { invoicePdf, type InvoicePdf } from './invoice-documents.ts';
import { day, invoiceStatusText, paymentLines } from './invoice-html.ts';

const kinds = { purchase: 'your new host', renewal: 'the next month of your host', seats: 'the seats you added' } as const;

function paymentState(invoice: InvoiceRow, account: Account): string {
  if (invoice.status === 'paid') return `Paid${invoice.paid_at ? ` on ${day(invoice.paid_at)}` : ''}${invoice.payment_method === 'card' ? ' by card' : ''}: nothing more to do.`;
  if (invoice.payment_method === 'card') return `Open: it is charged to your card${account.card_last4 ? ` ending ${account.card_last4}` : ''}; you will see it as paid in the panel.`;
  return `${invoiceStatusText(invoice)}

${paymentLines(invoice).join('\n')}`;
}

export function invoiceMail(config: Pick<Config, 'publicUrl'>, account: Account, invoice: InvoiceRow, document: InvoicePdf): MailMessage {
  const total = formatMoney(Number(invoice.total_minor), invoice.currency);
  return {
    to: account.email,
    subject: `Invoice ${invoice.number}: ${total}`,
    text: `Hello ${account.name},

here is invoice ${invoice.number} for ${kinds[invoice.kind]}, issued ${day(invoice.issued_at)} for ${day(invoice.period_start)} to ${day(invoice.period_end)}.

Total: ${total}${invoice.reverse_charge ? ' (reverse charge: no VAT charged)' : ''}
${paymentState(invoice, account)}

The invoice is attached as a PDF. All your invoices, to view or download: ${config.publicUrl}/account/billing
`,
    attachments: [{ filename: document.fileName, contentType: 'application/pdf', content: document.pdf }],
  };
}

/** Sends the invoice's mail unless it was sent already; answers whether this call sent it. */
export async function sendInvoiceMail(context: Pick<HomeportContext, 'db' | 'config' | 'mailer'>, invoiceId: string, now = new Date()): Promise<boolean> {
  return context.db.transaction().execute(async (trx) => {
    const invoice = await lockUnmailedInvoice(trx, invoiceId);
    if (!invoice) return false;
    const account = await findAccount(trx, invoice.account_id);
    await context.mailer.send(invoiceMail(context.config, account, invoice, await invoicePdf(trx, invoice)));
    await markInvoiceMailed(trx, invoice.id, now);
    return true;
  });
}
