// Invoice (bank transfer) payment: an operator enables it per account and marks invoices paid.
import { HomeportError, notFound } from '../domain/errors.ts';
import type { HomeportContext } from '../homeport-context.ts';
import { findAccount, updateAccount } from '../store/accounts.ts';
import { recordAudit } from '../store/audit-log.ts';
import { findNamedInvoice, markInvoicePaid, type NamedInvoiceRow } from '../store/invoices.ts';
import type { Account } from '../store/schema.ts';

export async function setInvoicePayment(context: HomeportContext, operatorId: string | null, accountId: string, enabled: boolean): Promise<Account> {
  await findAccount(context.db, accountId);
  return context.db.transaction().execute(async (trx) => {
    const account = await updateAccount(trx, accountId, { invoice_payment_enabled: enabled });
    await recordAudit(trx, { actorAccountId: operatorId, actor: operatorId ? 'operator' : 'operator-cli', action: enabled ? 'billing.invoice-payment-enabled' : 'billing.invoice-payment-disabled', details: { accountId, email: account.email } });
    return account;
  });
}

/** Marks an open invoice paid; the answer names its customer and host, as the console and the CLI show it. */
export async function markInvoicePaidByOperator(context: HomeportContext, operatorId: string | null, invoiceId: string): Promise<NamedInvoiceRow> {
  return context.db.transaction().execute(async (trx) => {
    const invoice = await findNamedInvoice(trx, invoiceId);
    if (!invoice) throw notFound(`Invoice ${invoiceId}`);
    const paid = await markInvoicePaid(trx, invoiceId, new Date());
    if (!paid) {
      if (invoice.status === 'void') throw new HomeportError('invoice-not-payable', 'Invoice is void', `Invoice ${invoice.number} is void: nothing is due on it.`);
      throw new HomeportError('invoice-not-payable', 'Already paid', `Invoice ${invoice.number} is already paid.`);
    }
    await recordAudit(trx, { actorAccountId: operatorId, actor: operatorId ? 'operator' : 'operator-cli', action: 'invoice.paid', hostId: invoice.host_id, details: { invoiceId, number: invoice.number, by: 'transfer' } });
    return { ...paid, account_email: invoice.account_email, host_id: invoice.host_id, host_label: invoice.host_label };
  });
}
