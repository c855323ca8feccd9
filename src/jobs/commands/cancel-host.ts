// Cancelling a host: irreversible, confirmed by typing its label; a job removes everything, and
// its subscription ends by the cancellation rule (free within the first day, else at the end of
// the period already invoiced), whose sentence is returned for the customer.
import { settleCancellation } from '../../billing/cancellation-billing.ts';
import { refundVoidInvoice } from '../../billing/void-refunds.ts';
import { cancellationReceipt } from '../../domain/billing/cancellation.ts';
import { HomeportError } from '../../domain/errors.ts';
import { recordAudit } from '../../store/audit-log.ts';
import { findAccountHost, updateHost } from '../../store/hosts.ts';
import { createJob, hasUnfinishedJob } from '../../store/jobs.ts';
import type { HostRow, JobRow } from '../../store/schema.ts';
import { hostJobs } from '../host-jobs.ts';
import type { HomeportContext } from '../../homeport-context.ts';

export async function cancelHost(
  context: HomeportContext,
  accountId: string,
  hostId: string,
  confirmation: string,
): Promise<{ host: HostRow; job: JobRow; billing: string }> {
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
    return { host: cancelling, job, billing: cancellationReceipt(terms, voided.map((invoice) => invoice.number)), voided };
  });
  for (const invoice of cancelled.voided) await refundVoidInvoice(context, invoice.id);
  return { host: cancelled.host, job: cancelled.job, billing: cancelled.billing };
}
