// What cancelling a host costs: within its first day nothing (its invoices are voided and a card
// payment refunded, as if it had never been bought); after that the month already invoiced is owed
// in full, the host is removed at once, and nothing more is invoiced. One rule, one set of sentences,
// shown before the confirmation and repeated afterwards (panel, CLI).

/** How long after purchase a cancelled host costs nothing. */
export const cancellationGraceMs = 24 * 60 * 60 * 1000;

export type CancellationTerms =
  | { kind: 'free'; freeUntil: Date }
  | { kind: 'period-owed'; periodEnd: Date }
  | { kind: 'not-billed' };

/** The rule for a subscription started at `startedAt` whose current period ends at `periodEnd`; none: a host without one. */
export function cancellationTerms(subscription: { startedAt: Date; periodEnd: Date } | undefined, at: Date): CancellationTerms {
  if (!subscription) return { kind: 'not-billed' };
  const freeUntil = new Date(subscription.startedAt.getTime() + cancellationGraceMs);
  if (at < freeUntil) return { kind: 'free', freeUntil };
  return { kind: 'period-owed', periodEnd: subscription.periodEnd };
}

function day(date: Date): string {
  return new Intl.DateTimeFormat('en-GB', { dateStyle: 'long', timeZone: 'UTC' }).format(date);
}

/** What will happen to the money, said before the customer confirms. */
export function cancellationPromise(terms: CancellationTerms): string {
  switch (terms.kind) {
    case 'free':
      return 'You bought this host less than a day ago, so cancelling it costs nothing: its invoices are voided and a card payment is refunded to your card.';
    case 'period-owed':
      return `The current month, already invoiced, is not refunded: that invoice stays due even though the host is removed at once. Nothing more is invoiced after ${day(terms.periodEnd)}.`;
    case 'not-billed':
      return 'This host has no subscription: nothing is invoiced for it, before or after cancelling.';
  }
}

/** What happened to the money, said once the cancellation is made. */
export function cancellationReceipt(terms: CancellationTerms, voidedInvoices: string[]): string {
  switch (terms.kind) {
    case 'free':
      return voidedInvoices.length === 0
        ? 'Nothing is charged for this host.'
        : `Nothing is charged for this host: ${voidedInvoices.length === 1 ? 'invoice' : 'invoices'} ${voidedInvoices.join(', ')} ${voidedInvoices.length === 1 ? 'is' : 'are'} void, and any card payment for ${voidedInvoices.length === 1 ? 'it' : 'them'} is refunded.`;
    case 'period-owed':
      return `The invoice for the current month stays due; nothing more is invoiced for this host after ${day(terms.periodEnd)}.`;
    case 'not-billed':
      return 'Nothing is invoiced for this host.';
  }
}
