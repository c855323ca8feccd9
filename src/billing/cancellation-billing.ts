// Applying the cancellation rule (src/domain/billing/cancellation.ts) to the ledger: within the
// first day every invoice of the host's subscription is voided (numbers kept, no gaps) and the
// subscription ends now; later it ends at the end of the period already invoiced, which stays owed.
import { cancellationTerms, type CancellationTerms } from '../domain/billing/cancellation.ts';
import { recordAudit } from '../store/audit-log.ts';
import type { Db } from '../store/database.ts';
import { voidInvoice } from '../store/invoices.ts';
import type { InvoiceRow } from '../store/schema.ts';
import { findHostSubscription, lockHostSubscription, updateSubscription } from '../store/subscriptions.ts';

/** The terms a cancellation of the host would get now (for showing before the confirmation). */
export async function hostCancellationTerms(db: Db, hostId: string, at: Date): Promise<CancellationTerms> {
  const subscription = await findHostSubscription(db, hostId);
  return termsOf(subscription, at);
}

function termsOf(subscription: { status: string; started_at: Date | string; current_period_end: Date | string } | undefined, at: Date): CancellationTerms {
  // A subscription already ending (a cancel asked again) keeps no further promise to make.
  if (!subscription || subscription.status !== 'active') return cancellationTerms(undefined, at);
  return cancellationTerms({ startedAt: new Date(subscription.started_at), periodEnd: new Date(subscription.current_period_end) }, at);
}

/** Ends the host's subscription by the rule, in the cancel's transaction; the caller refunds the voided invoices after commit. */
export async function settleCancellation(trx: Db, hostId: string, at: Date): Promise<{ terms: CancellationTerms; voided: InvoiceRow[] }> {
  const subscription = await lockHostSubscription(trx, hostId);
  const terms = termsOf(subscription, at);
  if (!subscription || terms.kind === 'not-billed') return { terms, voided: [] };
  if (terms.kind === 'period-owed') {
    await updateSubscription(trx, subscription.id, { status: 'cancelling', cancel_at: subscription.current_period_end });
    return { terms, voided: [] };
  }
  const invoices = await trx.selectFrom('invoices').select('id').where('subscription_id', '=', subscription.id).where('status', 'in', ['open', 'paid']).orderBy('sequence').execute();
  const voided: InvoiceRow[] = [];
  for (const { id } of invoices) {
    const invoice = await voidInvoice(trx, id, 'The host was cancelled within a day of its purchase; nothing is charged for it.', at);
    if (!invoice) continue;
    voided.push(invoice);
    await recordAudit(trx, { actorAccountId: null, actor: 'homeport', action: 'invoice.void', hostId, details: { invoiceId: invoice.id, number: invoice.number, reason: 'cancelled within a day' } });
  }
  await updateSubscription(trx, subscription.id, { status: 'ended', cancel_at: at, ended_at: at });
  return { terms, voided };
}
