// A void invoice that was paid by card gets its money back: each of its charges is refunded once
// (Stripe's idempotency key per charge), after the transaction that voided it has committed.
import type { HomeportContext } from '../homeport-context.ts';
import { updateCardCharge } from '../store/card-charges.ts';

export async function refundVoidInvoice(context: Pick<HomeportContext, 'db' | 'logger' | 'cardPayments'>, invoiceId: string): Promise<void> {
  const charges = await context.db.selectFrom('card_charges').selectAll().where('invoice_id', '=', invoiceId).where('status', 'in', ['succeeded', 'attached']).execute();
  for (const charge of charges) {
    if (!context.cardPayments || !charge.payment_intent_id) {
      context.logger.error({ chargeId: charge.id, invoiceId }, 'a void invoice was paid by card but card payments are not configured: refund it by hand');
      continue;
    }
    await context.cardPayments.refund(charge.payment_intent_id, `homeport-refund-${charge.id}`);
    await updateCardCharge(context.db, charge.id, { status: 'refunded' });
  }
}
