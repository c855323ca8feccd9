// Settles card charges left half-done by a crash: a pending one (Homeport died before Stripe's
// answer was recorded) is looked up at Stripe by its chargeId; a purchase charge that succeeded
// but has no host is refunded; an invoice charge that succeeded pays its invoice.
import type { HomeportContext } from '../homeport-context.ts';
import type { CardPayments } from '../payments/card-payments.ts';
import { recordAudit } from '../store/audit-log.ts';
import { unsettledCardCharges, updateCardCharge } from '../store/card-charges.ts';
import type { Db } from '../store/database.ts';
import { markInvoicePaid } from '../store/invoices.ts';
import type { CardChargeRow } from '../store/schema.ts';

async function settleCharge(trx: Db, payments: CardPayments, charge: CardChargeRow): Promise<void> {
  let paymentIntentId = charge.payment_intent_id;
  if (charge.status === 'pending') {
    const found = await payments.findCharge(charge.id);
    if (!found?.succeeded) {
      await updateCardCharge(trx, charge.id, { status: 'failed', failure: 'Interrupted before the payment went through.', payment_intent_id: found?.paymentIntentId ?? null });
      return;
    }
    paymentIntentId = found.paymentIntentId;
  }
  if (!paymentIntentId) return;
  if (charge.purpose === 'invoice' && charge.invoice_id) {
    await updateCardCharge(trx, charge.id, { status: 'attached', payment_intent_id: paymentIntentId });
    if (await markInvoicePaid(trx, charge.invoice_id, new Date())) {
      await recordAudit(trx, { actorAccountId: null, actor: 'homeport', action: 'invoice.paid', details: { invoiceId: charge.invoice_id, by: 'card' } });
    }
    return;
  }
  await payments.refund(paymentIntentId, `homeport-refund-${charge.id}`);
  await updateCardCharge(trx, charge.id, { status: 'refunded', payment_intent_id: paymentIntentId });
  await recordAudit(trx, { actorAccountId: null, actor: 'homeport', action: 'card-charge.refunded', details: { chargeId: charge.id, accountId: charge.account_id, amountMinor: Number(charge.amount_minor), reason: 'no host was recorded for this purchase' } });
}

export async function settleLostCharges(context: HomeportContext, olderThan: Date): Promise<number> {
  const payments = context.cardPayments;
  if (!payments) return 0;
  return context.db.transaction().execute(async (trx) => {
    const charges = await unsettledCardCharges(trx, olderThan, 20);
    for (const charge of charges) {
      // One charge Stripe cannot settle now (e.g. it is unreachable) must not hold up the others.
      await settleCharge(trx, payments, charge).catch((error: unknown) => context.logger.error({ err: error, chargeId: charge.id }, 'could not settle a card charge; the next billing check tries again'));
    }
    return charges.length;
  });
}
