// Coupon rules: percent or fixed amount off, for once, N months or forever, on some or all sizes,
// until an expiry and a number of redemptions; only an account that has never bought may apply one.
import { HomeportError } from '../errors.ts';
import { formatMoney, percentageOf } from './money.ts';

export type CouponDuration = { kind: 'once' } | { kind: 'months'; months: number } | { kind: 'forever' };
export type CouponDiscount = { kind: 'percent'; basisPoints: number } | { kind: 'fixed'; amountMinor: number; currency: string };

export interface Coupon {
  code: string;
  discount: CouponDiscount;
  duration: CouponDuration;
  /** The sizes the coupon discounts; empty means every size. */
  sizes: string[];
  expiresAt: Date | null;
  maxRedemptions: number | null;
  redemptions: number;
}

/** Codes are compared in upper case: letters, digits, hyphens and underscores. */
export function normalizeCouponCode(raw: string): string {
  return raw.trim().toUpperCase();
}

export function couponCodeProblem(code: string): string | undefined {
  return /^[A-Z0-9][A-Z0-9_-]{2,39}$/.test(code) ? undefined : 'A coupon code is 3-40 letters, digits, hyphens or underscores.';
}

/** Everything wrong with a coupon an operator is creating. */
export function couponProblems(coupon: Omit<Coupon, 'redemptions'>, sizeNames: string[], currency: string): { field: string; message: string }[] {
  const problems: { field: string; message: string }[] = [];
  const codeProblem = couponCodeProblem(coupon.code);
  if (codeProblem) problems.push({ field: 'code', message: codeProblem });
  if (coupon.discount.kind === 'percent' && !(Number.isInteger(coupon.discount.basisPoints) && coupon.discount.basisPoints > 0 && coupon.discount.basisPoints <= 10_000)) {
    problems.push({ field: 'percentOff', message: 'A percentage is more than 0 and at most 100, with at most two decimals.' });
  }
  if (coupon.discount.kind === 'fixed') {
    if (!(Number.isInteger(coupon.discount.amountMinor) && coupon.discount.amountMinor > 0)) problems.push({ field: 'amountOffMinor', message: 'An amount off is a positive whole number of minor units.' });
    if (coupon.discount.currency !== currency) problems.push({ field: 'currency', message: `This installation bills in ${currency}.` });
  }
  if (coupon.duration.kind === 'months' && !(Number.isInteger(coupon.duration.months) && coupon.duration.months >= 1 && coupon.duration.months <= 120)) {
    problems.push({ field: 'durationMonths', message: 'A duration in months is 1 to 120.' });
  }
  for (const size of coupon.sizes) {
    if (!sizeNames.includes(size)) problems.push({ field: 'sizes', message: `There is no size "${size}" (sizes: ${sizeNames.join(', ')}).` });
  }
  if (coupon.maxRedemptions !== null && !(Number.isInteger(coupon.maxRedemptions) && coupon.maxRedemptions >= 1)) {
    problems.push({ field: 'maxRedemptions', message: 'At least one redemption.' });
  }
  return problems;
}

/** Refuses a coupon an account may not apply now; the messages are the customer's. */
export function assertMayApplyCoupon(coupon: Coupon, account: { hasPurchased: boolean; appliedCode: string | null }, now: Date): void {
  if (account.hasPurchased) {
    throw new HomeportError('coupon-not-applicable', 'Coupons are for new customers', 'Coupons can only be applied before your first purchase. As an existing customer, please contact support about this coupon.');
  }
  if (account.appliedCode !== null) {
    throw new HomeportError('coupon-not-applicable', 'A coupon is already applied', `Your account already has the coupon ${account.appliedCode}; only one coupon can be applied.`);
  }
  if (coupon.expiresAt !== null && coupon.expiresAt.getTime() <= now.getTime()) {
    throw new HomeportError('coupon-not-applicable', 'Coupon expired', `The coupon ${coupon.code} has expired.`);
  }
  if (coupon.maxRedemptions !== null && coupon.redemptions >= coupon.maxRedemptions) {
    throw new HomeportError('coupon-not-applicable', 'Coupon used up', `The coupon ${coupon.code} has been redeemed as often as it may be.`);
  }
}

/** How many monthly periods of a subscription the coupon discounts (Infinity for forever). */
export function discountedPeriods(duration: CouponDuration): number {
  if (duration.kind === 'once') return 1;
  if (duration.kind === 'months') return duration.months;
  return Number.POSITIVE_INFINITY;
}

export interface DiscountableLine {
  size: string;
  amountMinor: number;
  /** 0 for a subscription's first period (and seat changes within it), 1 for the second, ... */
  periodIndex: number;
  /** A whole period's price, not a prorated seat change: a fixed amount is taken off once per period. */
  wholePeriod: boolean;
}

/**
 * The discount on one line: a percentage of every applicable line in a discounted period; a
 * fixed amount once per discounted period, on the period's own line, never more than the line.
 */
export function lineDiscount(coupon: Pick<Coupon, 'discount' | 'duration' | 'sizes'>, line: DiscountableLine): number {
  if (coupon.sizes.length > 0 && !coupon.sizes.includes(line.size)) return 0;
  if (line.periodIndex >= discountedPeriods(coupon.duration)) return 0;
  if (coupon.discount.kind === 'percent') return percentageOf(line.amountMinor, coupon.discount.basisPoints);
  return line.wholePeriod ? Math.min(coupon.discount.amountMinor, line.amountMinor) : 0;
}

export function describeCoupon(coupon: Pick<Coupon, 'code' | 'discount' | 'duration' | 'sizes'>): string {
  const off = coupon.discount.kind === 'percent' ? `${coupon.discount.basisPoints / 100}% off` : `${formatMoney(coupon.discount.amountMinor, coupon.discount.currency)} off`;
  const duration = coupon.duration.kind === 'once' ? 'the first month' : coupon.duration.kind === 'months' ? `${coupon.duration.months} months` : 'forever';
  const sizes = coupon.sizes.length > 0 ? ` on ${coupon.sizes.join(', ')}` : '';
  return `${coupon.code}: ${off}${sizes}, ${duration}`;
}
