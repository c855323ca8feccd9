// Monthly billing periods and proration: a period runs from a start to the same day of the next
// month (clamped to the month's last day), in UTC; a change mid-period costs its remaining share.
import { divideRoundingHalfUp } from './money.ts';

export interface BillingPeriod {
  start: Date;
  end: Date;
}

/** The same day-of-month and time, n months later; the 31st becomes the month's last day. */
export function addMonths(from: Date, months: number): Date {
  const year = from.getUTCFullYear();
  const month = from.getUTCMonth() + months;
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  const day = Math.min(from.getUTCDate(), lastDay);
  return new Date(Date.UTC(year, month, day, from.getUTCHours(), from.getUTCMinutes(), from.getUTCSeconds(), from.getUTCMilliseconds()));
}

export function periodStartingAt(start: Date): BillingPeriod {
  return { start, end: addMonths(start, 1) };
}

/**
 * What `amountPerPeriod` costs for the part of the period left at `at`, rounded half up:
 * the whole amount at the period's start, nothing at its end.
 */
export function prorate(amountPerPeriod: number, period: BillingPeriod, at: Date): number {
  const total = BigInt(period.end.getTime() - period.start.getTime());
  const left = BigInt(Math.min(Math.max(period.end.getTime() - at.getTime(), 0), Number(total)));
  return divideRoundingHalfUp(BigInt(amountPerPeriod) * left, total);
}
