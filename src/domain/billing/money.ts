// Money as whole minor units (cents) of one currency; never floats. Rounding is half up, done once per amount.

/** How many minor units a major unit has, per ISO 4217 (most currencies: 2). */
export function minorDigits(currency: string): number {
  return new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
}

/** numerator / denominator rounded half up, for non-negative whole numbers of any size. */
export function divideRoundingHalfUp(numerator: bigint, denominator: bigint): number {
  if (denominator <= 0n || numerator < 0n) throw new RangeError('divideRoundingHalfUp takes a non-negative numerator and a positive denominator');
  const quotient = (numerator * 2n + denominator) / (denominator * 2n);
  if (quotient > BigInt(Number.MAX_SAFE_INTEGER)) throw new RangeError('an amount of money beyond 2^53 minor units');
  return Number(quotient);
}

/** amount × basisPoints / 10000, rounded half up: a percentage (in hundredths of a percent) of an amount. */
export function percentageOf(amountMinor: number, basisPoints: number): number {
  return divideRoundingHalfUp(BigInt(amountMinor) * BigInt(basisPoints), 10_000n);
}

export function formatMoney(amountMinor: number, currency: string): string {
  const digits = minorDigits(currency);
  return new Intl.NumberFormat('en', { style: 'currency', currency }).format(amountMinor / 10 ** digits);
}

/** Whether a code is a currency Intl knows (ISO 4217, three capital letters). */
export function isCurrencyCode(code: string): boolean {
  if (!/^[A-Z]{3}$/.test(code)) return false;
  try {
    return Intl.supportedValuesOf('currency').includes(code);
  } catch {
    return false;
  }
}
