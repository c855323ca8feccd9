// An imported host is billed like a bought one: once its import has succeeded, the account's
// subscription for the host's size and seats starts with a first invoice, issued the way a
// purchase's is, but nothing is charged at import time: a card account's invoice is left open for
// the billing check to charge like any other card invoice; any other account gets an open invoice
// to pay by transfer. An operator can import a complimentary host instead (billing 'none').
import { HomeportError } from '../domain/errors.ts';
import { findAccount } from '../store/accounts.ts';
import { recordAudit } from '../store/audit-log.ts';
import { findHost } from '../store/hosts.ts';
import type { ImportBilling, InvoiceRow, PaymentMethodKind } from '../store/schema.ts';
import { findHostSubscription } from '../store/subscriptions.ts';
import { lockAccountForPurchase, pricePurchase, recordPurchase, type BillingContext } from './purchase-billing.ts';

export type ImportedHostBilling = { started: true; invoice: InvoiceRow } | { started: false; reason: 'complimentary' | 'already-billed' | 'size-unknown' };

/** Starts the subscription of an imported host; safe to run again (a host has one subscription). */
export async function startImportedHostBilling(context: BillingContext, hostId: string, billing: ImportBilling, now = new Date()): Promise<ImportedHostBilling> {
  const host = await findHost(context.db, hostId);
  if (!host) throw new HomeportError('not-found', 'Not found', `Host ${hostId} does not exist.`);
  if (billing === 'none') {
    await recordAudit(context.db, { actorAccountId: null, actor: 'homeport', action: 'host.complimentary', hostId, details: { label: host.label, reason: 'imported without billing' } });
    return { started: false, reason: 'complimentary' };
  }
  if (await findHostSubscription(context.db, hostId)) return { started: false, reason: 'already-billed' };
  const size = context.sizes.find((candidate) => candidate.name === host.size);
  if (!size) {
    // Never fail the import over this (a failed import removes the host): the operator sees it in the audit log and log.
    context.logger.error({ hostId, size: host.size }, 'an imported host cannot be billed: its size is no longer on offer');
    await recordAudit(context.db, { actorAccountId: null, actor: 'homeport', action: 'host.billing-failed', hostId, details: { label: host.label, reason: `size "${host.size}" is no longer on offer` } });
    return { started: false, reason: 'size-unknown' };
  }
  const account = await findAccount(context.db, host.account_id);
  // The card on file if there is one; otherwise an invoice to pay by transfer (the operator chose to import for this account).
  const paymentMethod: PaymentMethodKind = context.cardPayments !== undefined && account.card_payment_method_id !== null ? 'card' : 'invoice';
  const { period, totals } = await pricePurchase(context, account, { label: host.label, size, seats: host.seats, now });
  return context.db.transaction().execute(async (trx) => {
    await lockAccountForPurchase(trx, account.id);
    // Another run may have started it meanwhile: subscriptions.host_id is unique, and checked again under the lock.
    if (await trx.selectFrom('subscriptions').select('id').where('host_id', '=', hostId).executeTakeFirst()) return { started: false as const, reason: 'already-billed' as const };
    const invoice = await recordPurchase(trx, context, { account, size, seats: host.seats, paymentMethod, period, totals }, host, undefined);
    await recordAudit(trx, {
      actorAccountId: null, actor: 'homeport', action: 'subscription.started', hostId,
      details: { label: host.label, source: 'import', size: size.name, seats: host.seats, paymentMethod, invoice: invoice.number },
    });
    return { started: true as const, invoice };
  });
}
