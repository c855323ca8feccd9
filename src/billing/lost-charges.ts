// Settles card charges left half-done by a crash: a pending one is asked again with its own
// idempotency key (Stripe answers the first outcome); a purchase charge that succeeded but has
// no host is refunded; an invoice charge that succeeded pays its invoice.
import type { HomeportContext } from '../jobs/job-context.ts';
import { findAccount } from '../store/accounts.ts';
import { recordAudit } from '../store/audit-log.ts';
import { unsettledCardCharges, updateCardCharge } from '../store/card-charges.ts';
import { markInvoicePaid } from '../store/invoices.ts';
import { askStripe } from './card-collection.ts';

export async function settleLostCharges(context: HomeportContext, olderThan: Date): Promise<number> {
  const payments = context.cardPayments;
  if (!payments) return 0;
  return context.db.transaction().execute(async (trx) => {
    const charges = await unsettledCardCharges(trx, olderThan, 20);
    for (const charge of charges) {
      let paymentIntentId = charge.payment_intent_id;
      if (charge.status === 'pending') {
        const result = await askStripe(payments, await findAccount(trx, charge.account_id), charge);
        if (!result.ok) {
          await updateCardCharge(trx, charge.id, { status: 'failed', failure: result.reason, payment_intent_id: result.paymentIntentId });
          continue;
        }
        paymentIntentId = result.paymentIntentId;
      }
      if (!paymentIntentId) continue;
      if (charge.purpose === 'invoice' && charge.invoice_id) {
        await updateCardCharge(trx, charge.id, { status: 'attached', payment_intent_id: paymentIntentId });
        if (await markInvoicePaid(trx, charge.invoice_id, new Date())) {
          await recordAudit(trx, { actorAccountId: null, actor: 'homeport', action: 'invoice.paid', details: { invoiceId: charge.invoice_id, by: 'card' } });
        }
        continue;
      }
      await payments.refund(paymentIntentId, `homeport-refund-${charge.id}`);
      await updateCardCharge(trx, charge.id, { status: 'refunded', payment_intent_id: paymentIntentId });
      await recordAudit(trx, { actorAccountId: null, actor: 'homeport', action: 'card-charge.refunded', details: { chargeId: charge.id, accountId: charge.account_id, amountMinor: Number(charge.amount_minor), reason: 'no host was recorded for this purchase' } });
    }
    return charges.length;
  });
}
