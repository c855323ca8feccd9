// Charges a card invoice (renewals, seat raises) to the account's saved card, journaled in
// card_charges first; a declined card leaves the invoice open with the reason.
import { HomeportError } from '../domain/errors.ts';
import type { HomeportContext } from '../homeport-context.ts';
import type { CardPayments, ChargeResult } from '../payments/card-payments.ts';
import { findAccount } from '../store/accounts.ts';
import { recordAudit } from '../store/audit-log.ts';
import { hasUnsettledCharge, insertCardCharge, updateCardCharge } from '../store/card-charges.ts';
import { findInvoice, markInvoicePaid, setInvoicePaymentError } from '../store/invoices.ts';
import type { Account, CardChargeRow } from '../store/schema.ts';

export function requireCardPayments(context: HomeportContext): CardPayments {
  if (!context.cardPayments) {
    throw new HomeportError('card-payment-unavailable', 'No card payment here', 'This installation takes payment by invoice only; card payment (Stripe) is not configured.');
  }
  return context.cardPayments;
}

/** Asks Stripe for a journaled charge; the same charge row always gives the same request (and idempotency key). */
export async function askStripe(payments: CardPayments, account: Account, charge: CardChargeRow): Promise<ChargeResult> {
  if (!account.stripe_customer_id || !account.card_payment_method_id) return { ok: false, reason: 'There is no card on file.', paymentIntentId: null };
  return payments.charge({
    customerId: account.stripe_customer_id,
    paymentMethodId: account.card_payment_method_id,
    amountMinor: Number(charge.amount_minor),
    currency: charge.currency,
    idempotencyKey: `homeport-charge-${charge.id}`,
    description: charge.purpose === 'purchase' ? 'Homeport host purchase' : 'Homeport invoice',
    metadata: { chargeId: charge.id, accountId: account.id, ...(charge.invoice_id ? { invoiceId: charge.invoice_id } : {}) },
  });
}

export async function collectCardInvoice(context: HomeportContext, invoiceId: string): Promise<void> {
  const invoice = await findInvoice(context.db, invoiceId);
  if (!invoice || invoice.status !== 'open' || invoice.payment_method !== 'card') return;
  // A charge whose answer was lost is settled by the billing check (lost-charges.ts), never charged twice.
  if (await hasUnsettledCharge(context.db, invoice.id)) return;
  const account = await findAccount(context.db, invoice.account_id);
  if (!context.cardPayments) {
    await setInvoicePaymentError(context.db, invoice.id, 'Card payment is not configured; the invoice waits for payment.');
    return;
  }
  const charge = await insertCardCharge(context.db, { accountId: account.id, purpose: 'invoice', invoiceId: invoice.id, amountMinor: Number(invoice.total_minor), currency: invoice.currency });
  const result = await askStripe(context.cardPayments, account, charge);
  if (!result.ok) {
    await updateCardCharge(context.db, charge.id, { status: 'failed', failure: result.reason, payment_intent_id: result.paymentIntentId });
    await setInvoicePaymentError(context.db, invoice.id, result.reason);
    return;
  }
  await context.db.transaction().execute(async (trx) => {
    await updateCardCharge(trx, charge.id, { status: 'attached', payment_intent_id: result.paymentIntentId });
    if (await markInvoicePaid(trx, invoice.id, new Date())) {
      await recordAudit(trx, { actorAccountId: null, actor: 'homeport', action: 'invoice.paid', details: { invoiceId: invoice.id, number: invoice.number, by: 'card' } });
    }
  });
}
