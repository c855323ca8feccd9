// An invoice's totals from its lines: each line's discount, the net, the tax on the net, the total.
import { lineDiscount, type Coupon, type DiscountableLine } from './coupons.ts';
import { percentageOf } from './money.ts';
import type { TaxTreatment } from './tax.ts';

export interface PricedLine extends DiscountableLine {
  description: string;
  seats: number;
  unitPriceMinor: number;
}

export interface InvoiceLineTotals extends PricedLine {
  discountMinor: number;
}

export interface InvoiceTotals {
  lines: InvoiceLineTotals[];
  subtotalMinor: number;
  discountMinor: number;
  netMinor: number;
  taxRateBasisPoints: number;
  taxMinor: number;
  totalMinor: number;
  reverseCharge: boolean;
  taxNote: string | null;
  couponCode: string | null;
}

type AppliedCoupon = Pick<Coupon, 'code' | 'discount' | 'duration' | 'sizes'>;

/** Tax is taken once on the invoice's net (not per line), so the lines' rounding never adds up. */
export function invoiceTotals(lines: PricedLine[], coupon: AppliedCoupon | null, tax: TaxTreatment): InvoiceTotals {
  const discounted = lines.map((line) => ({ ...line, discountMinor: coupon ? lineDiscount(coupon, line) : 0 }));
  const subtotalMinor = discounted.reduce((sum, line) => sum + line.amountMinor, 0);
  const discountMinor = discounted.reduce((sum, line) => sum + line.discountMinor, 0);
  const netMinor = subtotalMinor - discountMinor;
  const taxMinor = percentageOf(netMinor, tax.rateBasisPoints);
  return {
    lines: discounted,
    subtotalMinor,
    discountMinor,
    netMinor,
    taxRateBasisPoints: tax.rateBasisPoints,
    taxMinor,
    totalMinor: netMinor + taxMinor,
    reverseCharge: tax.reverseCharge,
    taxNote: tax.note,
    couponCode: coupon && discountMinor > 0 ? coupon.code : null,
  };
}
