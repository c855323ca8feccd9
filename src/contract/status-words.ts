// What the kinds and states the API names (stable, for scripts and tests) are called where people
// read them: the panel (customer pages and operator console) and the CLI's lists, invoices and
// calls included. One place, so the two never differ; test/unit/status-words.test.ts checks every
// kind and state the schemas allow has words here.
import type { Static } from 'typebox';
import type { Backup } from './backups.ts';
import type { InvoiceSummary } from './billing.ts';
import type { HostCalls } from './calls.ts';
import type { Export } from './exports.ts';
import type { HostStatus } from './hosts.ts';
import type { JobKind } from './job-step-words.ts';
import type { Rollout, RolloutHostProgress } from './synapse-upgrades.ts';

/** A host's state, as a label ("Running", "Being built"). */
export const hostStatusWords: Record<Static<typeof HostStatus>, string> = {
  provisioning: 'Being built',
  running: 'Running',
  degraded: 'Not fully working',
  rebuilding: 'Applying changes',
  failed: 'Failed',
  cancelling: 'Being cancelled',
  cancelled: 'Cancelled',
  exporting: 'Exporting',
  sleeping: 'Sleeping',
  upgrading: 'Upgrading Synapse',
  restoring: 'Being restored',
};

/** A kind of job, as a name ("Build", "Synapse upgrade"). */
export const jobKindWords: Record<JobKind, string> = {
  build: 'Build',
  rebuild: 'Configuration change',
  cancel: 'Cancellation',
  export: 'Export',
  import: 'Import',
  backup: 'Backup',
  restore: 'Restore from a backup',
  clone: 'Restore into a new server',
  upgrade: 'Synapse upgrade',
};

/** An export's state, said after "the export is …" or in a list. */
export const exportStatusWords: Record<Static<typeof Export>['status'], string> = {
  running: 'being made',
  ready: 'ready to download',
  failed: 'failed; nothing was kept, you can export again',
  deleted: 'deleted after the retention period',
};

/** A backup's state, said after "the backup is …" or in a list. */
export const backupStatusWords: Record<Static<typeof Backup>['status'], string> = { running: 'being made', ready: 'complete', failed: 'failed' };


/** A Synapse rollout's state. */
export const rolloutStatusWords: Record<Static<typeof Rollout>['status'], string> = { running: 'In progress', completed: 'Completed', halted: 'Halted' };

/** One host's state in a Synapse rollout. */
export const rolloutHostStatusWords: Record<Static<typeof RolloutHostProgress>['status'], string> = {
  pending: 'Waiting',
  upgrading: 'Upgrading',
  upgraded: 'Upgraded',
  rolled_back: 'Rolled back',
  failed: 'Failed (rollback failed)',
  skipped: 'Skipped',
};

/** Words for a value the schema does not know yet (a newer server): capitalised, underscores as spaces. */
export function wordsOr(words: Readonly<Record<string, string>>, value: string): string {
  return words[value] ?? (value.charAt(0).toUpperCase() + value.slice(1)).replaceAll('_', ' ');
}

type InvoiceView = Static<typeof InvoiceSummary>;

/** How an invoice is paid. */
export const paymentMethodWords: Record<InvoiceView['paymentMethod'], string> = { card: 'Card', invoice: 'Bank transfer' };

/** What an invoice is for, with the host's name ("New host gracehost", "More seats for gracehost"). */
export function invoiceSubject(invoice: Pick<InvoiceView, 'kind' | 'hostLabel' | 'couponCode'>): string {
  const host = invoice.hostLabel ? ` ${invoice.hostLabel}` : '';
  const what = invoice.kind === 'seats' ? `More seats for${host || ' a host'}`
    : invoice.kind === 'renewal' ? `Monthly renewal of${host || ' a host'}`
      : invoice.kind === 'purchase' ? `New host${host}`
        : `${wordsOr({}, invoice.kind)}${host}`;
  return `${what}${invoice.couponCode ? ` · coupon ${invoice.couponCode}` : ''}`;
}

/**
 * An invoice's state as a sentence: whether anything is due, by when and how. `day` writes a date
 * the way the front end does (the panel in the reader's locale, the CLI as YYYY-MM-DD); the words
 * around it are the same everywhere.
 */
export function invoiceStatusWords(invoice: Pick<InvoiceView, 'status' | 'paymentMethod' | 'paidAt' | 'dueAt' | 'paymentReference' | 'paymentError'>, day: (iso: string) => string): string {
  if (invoice.status === 'void') return 'Void: nothing is due';
  if (invoice.status === 'paid') return invoice.paidAt ? `Paid on ${day(invoice.paidAt)}` : 'Paid';
  if (invoice.paymentMethod === 'invoice') return `Due${invoice.dueAt ? ` by ${day(invoice.dueAt)}` : ''} by bank transfer, reference ${invoice.paymentReference}`;
  return invoice.paymentError ? `Due: the card payment failed (${invoice.paymentError})` : 'Due: charged to the card';
}

/** Whether a host's calls work, in a few words ("Working", "Not offered on this service"). */
export function callsStateWords(calls: Pick<Static<typeof HostCalls>, 'offered' | 'enabled' | 'working'>): string {
  if (!calls.offered) return 'Not offered on this service';
  if (!calls.enabled) return 'Switched off';
  return calls.working ? 'Working' : 'Not working';
}

/** Said wherever calls are shown while the installation has none: not a fault of the host. */
export const callsNotOffered = 'Calls are not offered on this service: voice and video calls cannot be switched on for any host.';
