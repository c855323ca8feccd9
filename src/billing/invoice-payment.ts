// Invoice (bank transfer) payment: an operator enables it per account and marks invoices paid.
import { HomeportError, notFound } from '../domain/errors.ts';
import type { HomeportContext } from '../homeport-context.ts';
import { findAccount, updateAccount } from '../store/accounts.ts';
import { recordAudit } from '../store/audit-log.ts';
import { findInvoice, markInvoicePaid } from '../store/invoices.ts';
import type { Account, InvoiceRow } from '../store/schema.ts';

export async function setInvoicePayment(context: HomeportContext, operatorId: string | null, accountId: string, enabled: boolean): Promise<Account> {
  await findAccount(context.db, accountId);
  return context.db.transaction().execute(async (trx) => {
    const account = await updateAccount(trx, accountId, { invoice_payment_enabled: enabled });
    await recordAudit(trx, { actorAccountId: operatorId, actor: operatorId ? 'operator' : 'operator-cli', action: enabled ? 'billing.invoice-payment-enabled' : 'billing.invoice-payment-disabled', details: { accountId, email: account.email } });
    return account;
  });
}

export async function markInvoicePaidByOperator(context: HomeportContext, operatorId: string | null, invoiceId: string): Promise<InvoiceRow> {
  return context.db.transaction().execute(async (trx) => {
    const invoice = await findInvoice(trx, invoiceId);
    if (!invoice) throw notFound(`Invoice ${invoiceId}`);
    const paid = await markInvoicePaid(trx, invoiceId, new Date());
    if (!paid) throw new HomeportError('invoice-not-payable', 'Already paid', `Invoice ${invoice.number} is already paid.`);
    await recordAudit(trx, { actorAccountId: operatorId, actor: operatorId ? 'operator' : 'operator-cli', action: 'invoice.paid', details: { invoiceId, number: invoice.number, by: 'transfer' } });
    return paid;
  });
}
