// A host whose build failed for good is never charged: its purchase invoice is voided (it keeps its
// number, so the numbering has no gaps) and a card payment for it is refunded. The subscription
// stays: a host rebuilt later runs free until its period ends and renews as usual, and a failed
// host the customer cancels ends with that period.
import type { HomeportContext } from '../homeport-context.ts';
import { recordAudit } from '../store/audit-log.ts';
import { updateCardCharge } from '../store/card-charges.ts';
import { voidInvoice } from '../store/invoices.ts';

export async function voidFailedBuildInvoice(context: Pick<HomeportContext, 'db' | 'logger' | 'cardPayments'>, hostId: string): Promise<void> {
  const { db } = context;
  const voided = await db.transaction().execute(async (trx) => {
    const purchase = await trx.selectFrom('invoices').innerJoin('subscriptions', 'subscriptions.id', 'invoices.subscription_id')
      .select('invoices.id').where('subscriptions.host_id', '=', hostId).where('invoices.kind', '=', 'purchase').executeTakeFirst();
    if (!purchase) return undefined;
    const invoice = await voidInvoice(trx, purchase.id, 'The host could not be built; nothing is charged for it.', new Date());
    if (invoice) await recordAudit(trx, { actorAccountId: null, actor: 'homeport', action: 'invoice.void', hostId, details: { invoiceId: invoice.id, number: invoice.number, reason: 'build failed' } });
    return invoice;
  });
  if (!voided) return;
  const charges = await db.selectFrom('card_charges').selectAll().where('invoice_id', '=', voided.id).where('status', 'in', ['succeeded', 'attached']).execute();
  for (const charge of charges) {
    if (!context.cardPayments || !charge.payment_intent_id) {
      context.logger.error({ chargeId: charge.id, invoiceId: voided.id }, 'a void invoice was paid by card but card payments are not configured: refund it by hand');
      continue;
    }
    await context.cardPayments.refund(charge.payment_intent_id, `homeport-refund-${charge.id}`);
    await updateCardCharge(db, charge.id, { status: 'refunded' });
  }
}
