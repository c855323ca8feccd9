// Buying a host: checks the account may buy (verified email, current terms accepted, billing
// address, payment method), validates label, size and seats, charges a card first, then records
// the host, its subscription and invoice and queues its build job in one transaction, so either
// all exist or none does (and a charge without a host is refunded).
import { randomBytes } from 'node:crypto';
import { chargePurchase, lockAccountForPurchase, planPurchase, recordPurchase, refundPurchaseCharge } from '../../billing/purchase-billing.ts';
import { checkCustomDns, type CustomDns } from '../../domain/custom-dns.ts';
import { HomeportError } from '../../domain/errors.ts';
import { explainLabelProblem, hostnameFor, labelProblem } from '../../domain/hostname.ts';
import { assertMayPurchase } from '../../domain/purchase-rules.ts';
import { checkSeatsForSize } from '../../domain/seats.ts';
import type { Size } from '../../domain/sizes.ts';
import { recordAudit } from '../../store/audit-log.ts';
import { assertNamesFree } from '../../store/host-names.ts';
import { assertRoomForHost } from './machine-capacity.ts';
import { insertHost, isLabelTaken } from '../../store/hosts.ts';
import { createJob, queueDelegationCheck } from '../../store/jobs.ts';
import { purchaseReadiness } from '../../store/purchase-readiness.ts';
import type { HostRow, InvoiceRow, JobRow, PaymentMethodKind } from '../../store/schema.ts';
import { hostJobs } from '../host-jobs.ts';
import type { HomeportContext } from '../../homeport-context.ts';

export interface CreateHostInput {
  accountId: string;
  label: string;
  size: string;
  seats: number;
  /** A homeserver domain (then the server name, for good) and a client domain the customer owns. */
  customDns?: CustomDns;
  /** How to pay: the saved card or invoice payment; by default the card when there is one. */
  paymentMethod?: PaymentMethodKind;
}

export function findSize(sizes: Size[], name: string): Size {
  const size = sizes.find((candidate) => candidate.name === name);
  if (!size) {
    throw new HomeportError('size-unknown', 'Unknown size', `There is no size "${name}". Sizes on offer: ${sizes.map((s) => s.name).join(', ')}.`);
  }
  return size;
}

/** Database and role names are derived from the label, plus a suffix so a re-bought label never meets its predecessor's leftovers. */
export function databaseNameFor(label: string): string {
  const suffix = randomBytes(3).toString('hex');
  return `host_${label.replaceAll('-', '_')}_${suffix}`;
}

export async function createHost(context: HomeportContext, input: CreateHostInput): Promise<{ host: HostRow; job: JobRow; invoice: InvoiceRow }> {
  const problem = labelProblem(input.label);
  if (problem) throw new HomeportError('hostname-invalid', 'Invalid hostname', explainLabelProblem(input.label, problem), { reason: problem });
  const size = findSize(context.sizes, input.size);
  checkSeatsForSize(size, input.seats);
  const customDns = input.customDns ? validCustomDns(input.customDns, context.config.baseDomain) : undefined;
  const cardPaymentAvailable = context.cardPayments !== undefined;
  // Everything that can be checked is checked before a card is charged.
  assertMayPurchase(await purchaseReadiness(context.db, input.accountId, cardPaymentAvailable));
  await assertRoomForHost(context, size);
  if (await isLabelTaken(context.db, input.label)) throw new HomeportError('hostname-taken', 'Hostname taken', `The hostname "${input.label}" is already in use.`);
  // Another host's name in any column (homeserver, client or earlier client domain); the
  // transaction below claims the names for good and refunds the charge if one was taken meanwhile.
  if (customDns) await assertNamesFree(context.db, customDns);
  const plan = await planPurchase(context, { accountId: input.accountId, label: input.label, size, seats: input.seats, paymentMethod: input.paymentMethod, now: new Date() });
  const charge = await chargePurchase(context, plan);
  try {
    return await context.db.transaction().execute(async (trx) => {
      await lockAccountForPurchase(trx, input.accountId);
      assertMayPurchase(await purchaseReadiness(trx, input.accountId, cardPaymentAvailable));
      const host = await insertHost(trx, {
        accountId: input.accountId,
        label: input.label,
        serverName: customDns?.homeserverDomain ?? hostnameFor(input.label, context.config.baseDomain),
        size: size.name,
        seats: input.seats,
        databaseName: databaseNameFor(input.label),
        customDns,
      });
      const invoice = await recordPurchase(trx, context, plan, host, charge);
      const job = await createJob(trx, host.id, 'build', hostJobs.build.steps.map((step) => step.name));
      await recordAudit(trx, { actorAccountId: input.accountId, actor: 'customer', action: 'host.created', hostId: host.id, details: { label: host.label, size: size.name, seats: input.seats, invoice: invoice.number, paymentMethod: plan.paymentMethod, ...customDns } });
      if (customDns) await queueDelegationCheck(trx, host.id, new Date());
      return { host, job, invoice };
    });
  } catch (error) {
    if (charge) {
      await refundPurchaseCharge(context, charge).catch((refundError: unknown) => context.logger.error({ err: refundError, chargeId: charge.id }, 'refund failed; the billing check retries it'));
    }
    throw error;
  }
}

function validCustomDns(customDns: CustomDns, baseDomain: string): CustomDns {
  const checked = checkCustomDns(customDns, baseDomain);
  if ('customDns' in checked) return checked.customDns;
  const errors = checked.problems.map((problem) => ({ field: `customDns.${problem.field}`, message: problem.message }));
  throw new HomeportError('custom-dns-invalid', 'Invalid custom DNS', checked.problems.map((problem) => problem.message).join(' '), { errors });
}
