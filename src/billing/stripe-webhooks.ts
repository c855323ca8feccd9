// Stripe's webhook: the signature is checked on the raw body, and each event is processed once,
// in the same transaction that records it (a replay or Stripe's retry finds it recorded).
import type { HomeportContext } from '../homeport-context.ts';
import { recordAudit } from '../store/audit-log.ts';
import { markInvoicePaid, setInvoicePaymentError } from '../store/invoices.ts';
import { recordStripeEvent } from '../store/stripe-events.ts';
import { requireCardPayments } from './card-collection.ts';

export async function handleStripeWebhook(context: HomeportContext, rawBody: Buffer, signature: string | undefined): Promise<{ received: true; duplicate: boolean }> {
  const event = requireCardPayments(context).verifyWebhook(rawBody, signature);
  return context.db.transaction().execute(async (trx) => {
    if (!(await recordStripeEvent(trx, event.id, event.type))) return { received: true as const, duplicate: true };
    const invoiceId = event.object.metadata?.invoiceId;
    if (invoiceId && /^[0-9a-f-]{36}$/.test(invoiceId)) {
      if (event.type === 'payment_intent.succeeded' && (await markInvoicePaid(trx, invoiceId, new Date()))) {
        await recordAudit(trx, { actorAccountId: null, actor: 'stripe', action: 'invoice.paid', details: { invoiceId, by: 'card', event: event.id } });
      }
      if (event.type === 'payment_intent.payment_failed') {
        await setInvoicePaymentError(trx, invoiceId, event.object.last_payment_error?.message ?? 'The card payment failed.');
      }
    }
    return { received: true as const, duplicate: false };
  });
}
