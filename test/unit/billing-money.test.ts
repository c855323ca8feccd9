// The money rules of billing, many checked as properties over random inputs (fast-check):
// rounding, proration, coupon durations and applicability, reverse charge, invoice numbering.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { addMonths, periodStartingAt, prorate } from '../../src/domain/billing/billing-period.ts';
import { assertMayApplyCoupon, discountedPeriods, lineDiscount, type Coupon } from '../../src/domain/billing/coupons.ts';
import { formatInvoiceNumber, parseInvoiceNumber } from '../../src/domain/billing/invoice-number.ts';
import { invoiceTotals } from '../../src/domain/billing/invoice-totals.ts';
import { divideRoundingHalfUp, formatMoney, percentageOf } from '../../src/domain/billing/money.ts';
import { monthlyPrice } from '../../src/domain/billing/prices.ts';
import { parseVatRates, reverseChargeNote, taxTreatment } from '../../src/domain/billing/tax.ts';
import { HomeportError } from '../../src/domain/errors.ts';
import { builtInSizes } from '../../src/domain/sizes.ts';

const rates = { DE: 1900, FR: 2000, AT: 2000, LU: 1700 };
const instant = fc.date({ min: new Date('2020-01-01T00:00:00Z'), max: new Date('2040-12-31T00:00:00Z'), noInvalidDate: true });

test('rounds half up, exactly, for any size of amount', () => {
  assert.equal(divideRoundingHalfUp(5n, 2n), 3);
  assert.equal(divideRoundingHalfUp(4n, 3n), 1);
  assert.equal(percentageOf(1050, 1900), 200, '19% of 10.50 is 1.995, rounded to 2.00');
  assert.equal(percentageOf(1, 5000), 1, 'half a cent rounds up');
  // Products as large as proration makes (amount × milliseconds), with a quotient that still fits a Number.
  fc.assert(fc.property(fc.bigInt({ min: 0n, max: 2n ** 52n }), fc.bigInt({ min: 1n, max: 10n ** 12n }), fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }), (quotient, denominator, fraction) => {
    const numerator = quotient * denominator + BigInt(Math.floor(fraction * Number(denominator)));
    const rounded = BigInt(divideRoundingHalfUp(numerator, denominator));
    // |numerator/denominator - rounded| <= 1/2, and exactly half goes up.
    const twice = numerator * 2n - rounded * denominator * 2n;
    return twice < denominator && twice >= -denominator;
  }), { numRuns: 500 });
  assert.throws(() => divideRoundingHalfUp(2n ** 60n, 1n), RangeError, 'never a silently rounded amount');
  assert.equal(formatMoney(123456, 'EUR'), '€1,234.56');
  assert.equal(formatMoney(1500, 'JPY'), '¥1,500', 'currencies without minor units');
});

test('a month-long period ends on the same day next month, or the last day of a shorter month', () => {
  assert.equal(addMonths(new Date('2026-01-31T10:00:00Z'), 1).toISOString(), '2026-02-28T10:00:00.000Z');
  assert.equal(addMonths(new Date('2028-01-31T10:00:00Z'), 1).toISOString(), '2028-02-29T10:00:00.000Z');
  assert.equal(addMonths(new Date('2026-12-15T00:00:00Z'), 1).toISOString(), '2027-01-15T00:00:00.000Z');
  fc.assert(fc.property(instant, (start) => {
    const { end } = periodStartingAt(start);
    const days = (end.getTime() - start.getTime()) / 86_400_000;
    return days >= 28 && days <= 31;
  }));
});

test('proration: the whole amount at the start, nothing at the end, never more, and monotone in between', () => {
  const period = periodStartingAt(new Date('2026-03-01T00:00:00Z'));
  assert.equal(prorate(3100, period, period.start), 3100);
  assert.equal(prorate(3100, period, period.end), 0);
  assert.equal(prorate(3100, period, new Date('2026-03-17T00:00:00Z')), 1500, '15 of 31 days left');
  fc.assert(fc.property(instant, fc.integer({ min: 0, max: 100_000_000 }), fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), (start, amount, a, b) => {
    const p = periodStartingAt(start);
    const length = p.end.getTime() - p.start.getTime();
    const [early, late] = [Math.min(a, b), Math.max(a, b)].map((f) => new Date(p.start.getTime() + Math.floor(f * length)));
    const first = prorate(amount, p, early!);
    const second = prorate(amount, p, late!);
    return first >= second && first <= amount && second >= 0;
  }));
});

test('a raise in two steps costs the same as in one, give or take the rounding of one cent', () => {
  fc.assert(fc.property(instant, fc.integer({ min: 1, max: 500 }), fc.integer({ min: 1, max: 500 }), fc.integer({ min: 1, max: 5000 }), fc.double({ min: 0, max: 1, noNaN: true }), (start, first, second, price, f) => {
    const p = periodStartingAt(start);
    const at = new Date(p.start.getTime() + Math.floor(f * (p.end.getTime() - p.start.getTime())));
    const inSteps = prorate(first * price, p, at) + prorate(second * price, p, at);
    const atOnce = prorate((first + second) * price, p, at);
    return Math.abs(inSteps - atOnce) <= 1;
  }));
});

test('a host costs its seats times the price per seat, never fewer than the size minimum', () => {
  const starter = builtInSizes.find((size) => size.name === 'starter')!;
  assert.equal(monthlyPrice(starter, 10), 10 * starter.pricePerSeatMinor);
  assert.equal(monthlyPrice(starter, 1), starter.minSeats * starter.pricePerSeatMinor);
});

const percent = (basisPoints: number, duration: Coupon['duration'], sizes: string[] = []) => ({ code: 'P', discount: { kind: 'percent' as const, basisPoints }, duration, sizes });

test('coupon durations: once is the first period, N months the first N, forever all of them', () => {
  assert.equal(discountedPeriods({ kind: 'once' }), 1);
  assert.equal(discountedPeriods({ kind: 'months', months: 3 }), 3);
  assert.equal(discountedPeriods({ kind: 'forever' }), Infinity);
  fc.assert(fc.property(fc.integer({ min: 1, max: 120 }), fc.integer({ min: 0, max: 200 }), fc.integer({ min: 1, max: 10_000 }), (months, periodIndex, bp) => {
    const line = { size: 'starter', amountMinor: 10_000, periodIndex, wholePeriod: true };
    const discount = lineDiscount(percent(bp, { kind: 'months', months }), line);
    return periodIndex < months ? discount === percentageOf(10_000, bp) : discount === 0;
  }));
  assert.equal(lineDiscount(percent(2000, { kind: 'once' }), { size: 'starter', amountMinor: 5000, periodIndex: 0, wholePeriod: false }), 1000, 'a seat raise in the first period is discounted too');
  assert.equal(lineDiscount(percent(2000, { kind: 'forever' }), { size: 'starter', amountMinor: 5000, periodIndex: 999, wholePeriod: true }), 1000);
});

test('coupons apply only to their sizes; a fixed amount once per period and never more than the line', () => {
  const line = { size: 'business', amountMinor: 5000, periodIndex: 0, wholePeriod: true };
  assert.equal(lineDiscount(percent(5000, { kind: 'forever' }, ['starter']), line), 0);
  assert.equal(lineDiscount(percent(5000, { kind: 'forever' }, ['starter', 'business']), line), 2500);
  const fixed = { code: 'F', discount: { kind: 'fixed' as const, amountMinor: 8000, currency: 'EUR' }, duration: { kind: 'forever' as const }, sizes: [] };
  assert.equal(lineDiscount(fixed, line), 5000, 'capped at the line');
  assert.equal(lineDiscount(fixed, { ...line, amountMinor: 20_000 }), 8000);
  assert.equal(lineDiscount(fixed, { ...line, wholePeriod: false }), 0, 'a prorated seat line gets no second fixed discount');
  fc.assert(fc.property(fc.integer({ min: 0, max: 10_000_000 }), fc.integer({ min: 1, max: 10_000 }), (amount, bp) => {
    const discount = lineDiscount(percent(bp, { kind: 'forever' }), { ...line, amountMinor: amount });
    return discount >= 0 && discount <= amount;
  }));
});

test('only an account that never bought may apply a coupon, and only while it is valid', () => {
  const coupon: Coupon = { ...percent(1000, { kind: 'once' }), expiresAt: new Date('2026-06-01T00:00:00Z'), maxRedemptions: 2, redemptions: 1 };
  const now = new Date('2026-05-01T00:00:00Z');
  const fresh: { hasPurchased: boolean; appliedCode: string | null } = { hasPurchased: false, appliedCode: null };
  assert.doesNotThrow(() => assertMayApplyCoupon(coupon, fresh, now));
  const refused = (change: Partial<Coupon>, account = fresh, at = now) => {
    try {
      assertMayApplyCoupon({ ...coupon, ...change }, account, at);
      return '';
    } catch (error) {
      assert.ok(error instanceof HomeportError && error.code === 'coupon-not-applicable');
      return error.message;
    }
  };
  assert.match(refused({}, { hasPurchased: true, appliedCode: null }), /before your first purchase.*contact support/);
  assert.match(refused({}, { hasPurchased: false, appliedCode: 'OTHER' }), /already has the coupon OTHER/);
  assert.match(refused({}, fresh, new Date('2026-06-01T00:00:00Z')), /expired/);
  assert.match(refused({ redemptions: 2 }), /redeemed as often/);
});

test('reverse charge for a business with a valid VAT ID of another EU country; everyone else pays their country\'s VAT', () => {
  assert.deepEqual(taxTreatment({ country: 'FR', vatId: 'FRAB123456789' }, 'DE', rates), { rateBasisPoints: 0, reverseCharge: true, note: reverseChargeNote });
  assert.deepEqual(taxTreatment({ country: 'GR', vatId: 'EL123456789' }, 'DE', rates).reverseCharge, true, 'Greek IDs start EL');
  assert.deepEqual(taxTreatment({ country: 'DE', vatId: 'DE123456789' }, 'DE', rates), { rateBasisPoints: 1900, reverseCharge: false, note: null }, 'a business in the seller\'s country pays VAT');
  assert.deepEqual(taxTreatment({ country: 'FR', vatId: null }, 'DE', rates), { rateBasisPoints: 2000, reverseCharge: false, note: null }, 'a consumer pays their own country\'s rate');
  assert.equal(taxTreatment({ country: 'FR', vatId: 'FR123' }, 'DE', rates).reverseCharge, false, 'a malformed VAT ID is no reason for reverse charge');
  assert.equal(taxTreatment({ country: 'US', vatId: null }, 'DE', rates).rateBasisPoints, 0);
  assert.deepEqual(parseVatRates('DE=19, FI=25.5,LU=17'), { DE: 1900, FI: 2550, LU: 1700 });
  assert.ok('problem' in parseVatRates('DE=nineteen'));
});

test('invoice totals: tax on the net after discounts, and the total adds up', () => {
  const line = (amountMinor: number) => ({ description: 'x', size: 'starter', seats: 1, unitPriceMinor: amountMinor, amountMinor, periodIndex: 0, wholePeriod: true });
  const totals = invoiceTotals([line(5000), line(2500)], percent(1000, { kind: 'once' }), { rateBasisPoints: 1900, reverseCharge: false, note: null });
  assert.deepEqual([totals.subtotalMinor, totals.discountMinor, totals.netMinor, totals.taxMinor, totals.totalMinor], [7500, 750, 6750, 1283, 8033]);
  assert.equal(totals.couponCode, 'P');
  fc.assert(fc.property(fc.array(fc.integer({ min: 0, max: 10_000_000 }), { maxLength: 10 }), fc.integer({ min: 0, max: 10_000 }), fc.integer({ min: 0, max: 2700 }), (amounts, bp, rate) => {
    const t = invoiceTotals(amounts.map(line), bp > 0 ? percent(bp, { kind: 'forever' }) : null, { rateBasisPoints: rate, reverseCharge: false, note: null });
    return t.netMinor === t.subtotalMinor - t.discountMinor && t.totalMinor === t.netMinor + t.taxMinor && t.taxMinor === percentageOf(t.netMinor, rate) && t.netMinor >= 0;
  }));
});

test('invoice numbers carry the year and a zero-padded sequence, and sort in issue order within a year', () => {
  assert.equal(formatInvoiceNumber('HP-', 2026, 42), 'HP-2026-000042');
  assert.throws(() => formatInvoiceNumber('HP-', 2026, 0));
  fc.assert(fc.property(fc.integer({ min: 2000, max: 2999 }), fc.integer({ min: 1, max: 999_998 }), (year, sequence) => {
    const number = formatInvoiceNumber('HP-', year, sequence);
    const next = formatInvoiceNumber('HP-', year, sequence + 1);
    const parsed = parseInvoiceNumber('HP-', number);
    return parsed?.year === year && parsed.sequence === sequence && number < next;
  }));
});
