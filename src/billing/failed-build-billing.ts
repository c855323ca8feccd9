// A host whose build failed for good is never charged: its purchase invoice is voided (it keeps its
// number, so the numbering has no gaps) and a card payment for it is refunded. The subscription
// stays: a host rebuilt later runs free until its period ends and renews as usual, and a failed
// host the customer cancels ends with that period.
import type { HomeportContext } from '../homeport-context.ts';
import { recordAudit } from '../store/audit-log.ts';
import { voidInvoice } from '../store/invoices.ts';
import { refundVoidInvoice } from './void-refunds.ts';

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
  await refundVoidInvoice(context, voided.id);
}
