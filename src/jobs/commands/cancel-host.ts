// Cancelling a host: irreversible, confirmed by typing its label; a job removes everything, and
// its subscription ends by the cancellation rule (free within the first day, else at the end of
// the period already invoiced), whose sentence is returned for the customer.
import { settleCancellation } from '../../billing/cancellation-billing.ts';
import { refundVoidInvoice } from '../../billing/void-refunds.ts';
import { cancellationReceipt } from '../../domain/billing/cancellation.ts';
import { HomeportError } from '../../domain/errors.ts';
import { recordAudit } from '../../store/audit-log.ts';
import { findAccountHost, liveClonesOf, updateHost } from '../../store/hosts.ts';
import { createJob, hasUnfinishedJob } from '../../store/jobs.ts';
import type { HostRow, JobRow } from '../../store/schema.ts';
import { hostJobs } from '../host-jobs.ts';
import type { HomeportContext } from '../../homeport-context.ts';

/** What cancelling a host does to its staging clones, in words; undefined when it has none. */
export function clonesSentence(labels: string[]): string | undefined {
  if (labels.length === 0) return undefined;
  return labels.length === 1
    ? `Its staging clone ${labels[0]} is part of it and is cancelled with it.`
    : `Its staging clones ${labels.join(', ')} are part of it and are cancelled with it.`;
}

/** The staging clones that cancelling this host takes with it. */
export async function clonesCancelledWith(context: HomeportContext, hostId: string): Promise<string[]> {
  return (await liveClonesOf(context.db, hostId)).map((clone) => clone.label);
}

/**
 * Cancels a host; its staging clones (part of its subscription, never billed on their own) are
 * cancelled with it: a clone cannot outlive what it is a copy of. Cancelling a clone alone leaves
 * its original as it is.
 */
export async function cancelHost(
  context: HomeportContext,
  accountId: string,
  hostId: string,
  confirmation: string,
): Promise<{ host: HostRow; job: JobRow; billing: string; clones: Array<{ host: HostRow; job: JobRow }> }> {
  const cancelled = await context.db.transaction().execute(async (trx) => {
    const host = await findAccountHost(trx, accountId, hostId);
    if (confirmation !== host.label) {
      throw new HomeportError('confirmation-mismatch', 'Confirmation does not match', `Type the hostname "${host.label}" to confirm cancelling this host.`);
    }
    // A cancel whose job failed for good may be asked again: cancelling always gets to the end.
    if (host.status === 'cancelled' || (host.status === 'cancelling' && await hasUnfinishedJob(trx, host.id, 'cancel'))) {
      throw new HomeportError('host-busy', 'Already cancelled', `Host ${host.label} is already ${host.status}.`);
    }
    const cancelling = host.status === 'cancelling' ? host : await updateHost(trx, host.id, { status: 'cancelling' });
    const { terms, voided } = await settleCancellation(trx, host.id, new Date());
    const job = await createJob(trx, host.id, 'cancel', hostJobs.cancel.steps.map((step) => step.name));
    await recordAudit(trx, { actorAccountId: accountId, actor: 'customer', action: 'host.cancel', hostId: host.id, details: { label: host.label, billing: terms.kind } });
    const clones: Array<{ host: HostRow; job: JobRow }> = [];
    for (const clone of await liveClonesOf(trx, host.id)) {
      // Queued behind any job of the clone's own (one queue per host): a clone being made is cancelled once it is.
      const cloneJob = await createJob(trx, clone.id, 'cancel', hostJobs.cancel.steps.map((step) => step.name));
      clones.push({ host: await updateHost(trx, clone.id, { status: 'cancelling' }), job: cloneJob });
      await recordAudit(trx, { actorAccountId: accountId, actor: 'customer', action: 'host.cancel', hostId: clone.id, details: { label: clone.label, with: host.label } });
    }
    return { host: cancelling, job, billing: cancellationReceipt(terms, voided.map((invoice) => invoice.number)), voided, clones };
  });
  for (const invoice of cancelled.voided) await refundVoidInvoice(context, invoice.id);
  return { host: cancelled.host, job: cancelled.job, billing: cancelled.billing, clones: cancelled.clones };
}
