// The periodic billing check (a graphile-worker cron task): renewals, card invoices not yet
// charged, and card charges a crash left unsettled; an operator can ask for one at once.
import type { HomeportContext } from '../homeport-context.ts';
import { recordAudit } from '../store/audit-log.ts';
import { queueBillingCheck } from '../store/billing-check-queue.ts';
import { openCardInvoices } from '../store/invoices.ts';
import { collectCardInvoice } from './card-collection.ts';
import { settleLostCharges } from './lost-charges.ts';
import { renewDueSubscriptions } from './renewals.ts';

/** A charge still unsettled this long after it was made is taken as lost by a crash. */
const lostChargeAfterMs = 10 * 60_000;

export async function runBillingCheck(context: HomeportContext, now = new Date()): Promise<void> {
  const renewed = await renewDueSubscriptions(context, now);
  if (context.cardPayments) {
    for (const invoice of await openCardInvoices(context.db, { untriedOnly: true, limit: 50 })) {
      await collectCardInvoice(context, invoice.id).catch((error: unknown) => context.logger.error({ err: error, invoiceId: invoice.id }, 'charging a card invoice failed'));
    }
  }
  const settled = await settleLostCharges(context, new Date(now.getTime() - lostChargeAfterMs));
  if (renewed > 0 || settled > 0) context.logger.info({ renewed, settled }, 'billing check');
}

/** An operator asks for a billing check now (after marking things right, or to not wait for the schedule). */
export async function requestBillingCheck(context: HomeportContext, operatorId: string): Promise<void> {
  await context.db.transaction().execute(async (trx) => {
    await recordAudit(trx, { actorAccountId: operatorId, actor: 'operator', action: 'billing.check-requested', details: {} });
    await queueBillingCheck(trx);
  });
}
