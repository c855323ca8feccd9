// Changes a customer may make to a running host: more seats (applied to Synapse by a rebuild, the
// rest of the period invoiced prorated) and the Trust & Safety contact (published by the edge at once).
import { collectCardInvoice } from '../../billing/card-collection.ts';
import { billSeatRaise } from '../../billing/seat-billing.ts';
import { HomeportError } from '../../domain/errors.ts';
import { checkSeatChange } from '../../domain/seats.ts';
import { recordAudit } from '../../store/audit-log.ts';
import { findAccountHost, updateHost } from '../../store/hosts.ts';
import type { HostRow, InvoiceRow, JobRow } from '../../store/schema.ts';
import { applyHostEdgeFromDatabase } from '../edge-hosts.ts';
import { loadHostSpec } from '../host-spec.ts';
import type { HomeportContext } from '../../homeport-context.ts';
import { findSize } from './create-host.ts';
import { queueRebuild } from './rebuild-host.ts';

export interface HostChanges {
  seats?: number;
  supportEmail?: string | null;
}

export async function updateHostSettings(
  context: HomeportContext,
  accountId: string,
  hostId: string,
  changes: HostChanges,
  /** Who asks: the owner, or an operator acting for them (the seat rules are the same). */
  actor: { accountId: string; role: 'customer' | 'operator' } = { accountId, role: 'customer' },
): Promise<{ host: HostRow; job?: JobRow; invoice?: InvoiceRow }> {
  const result = await context.db.transaction().execute(async (trx) => {
    // Locks the row so two concurrent seat changes cannot both pass the "only up" check.
    const current = await findAccountHost(trx, accountId, hostId);
    await trx.selectFrom('hosts').select('id').where('id', '=', current.id).forUpdate().execute();
    const host = await findAccountHost(trx, accountId, current.id);
    if (host.status === 'cancelling' || host.status === 'cancelled') {
      throw new HomeportError('host-busy', 'Host is cancelled', `Host ${host.label} is cancelled and cannot be changed.`);
    }
    let job: JobRow | undefined;
    let invoice: InvoiceRow | undefined;
    if (changes.seats !== undefined && changes.seats !== host.seats) {
      const size = findSize(context.sizes, host.size);
      checkSeatChange(size, host.seats, changes.seats);
      await updateHost(trx, host.id, { seats: changes.seats });
      invoice = await billSeatRaise(trx, context.config.billing, { host, size, from: host.seats, to: changes.seats, at: new Date() });
      job = await queueRebuild(trx, { ...host, seats: changes.seats });
      await recordAudit(trx, { actorAccountId: actor.accountId, actor: actor.role, action: 'host.seats', hostId: host.id, details: { from: host.seats, to: changes.seats } });
    }
    if (changes.supportEmail !== undefined && changes.supportEmail !== host.support_email) {
      await updateHost(trx, host.id, { support_email: changes.supportEmail });
      await recordAudit(trx, { actorAccountId: accountId, actor: 'customer', action: 'host.support-contact', hostId: host.id, details: { email: changes.supportEmail } });
    }
    return { host: await findAccountHost(trx, accountId, host.id), job, invoice };
  });
  if (changes.supportEmail !== undefined) {
    await applyHostEdgeFromDatabase(context, result.host.id);
    // Synapse's admin_contact follows at its next start (a rebuild applies it at once).
    if (['running', 'degraded', 'sleeping'].includes(result.host.status) && !result.job) await context.runtime.writeConfig(await loadHostSpec(context, result.host.id));
  }
  if (result.invoice?.status === 'open' && result.invoice.payment_method === 'card') {
    // The seats are bought either way; an invoice Stripe could not be asked about is charged by the billing check.
    await collectCardInvoice(context, result.invoice.id).catch((error: unknown) => context.logger.error({ err: error, invoiceId: result.invoice?.id }, 'charging a seat raise failed'));
  }
  return result;
}
