// Coupons: an operator creates, lists and expires them; a customer applies one before their
// first purchase, and it then discounts every applicable line by itself.
import { assertMayApplyCoupon, couponProblems, normalizeCouponCode, type Coupon, type CouponDiscount, type CouponDuration } from '../domain/billing/coupons.ts';
import { HomeportError } from '../domain/errors.ts';
import type { HomeportContext } from '../homeport-context.ts';
import { findAccount } from '../store/accounts.ts';
import { recordAudit } from '../store/audit-log.ts';
import { countRedemption, couponFromRow, expireCoupon, findCouponByCode, insertCoupon } from '../store/coupons.ts';
import type { CouponRow } from '../store/schema.ts';
import { lockAccountForPurchase } from './purchase-billing.ts';

export interface NewCouponInput {
  code: string;
  percentOff?: number;
  amountOffMinor?: number;
  duration: 'once' | 'months' | 'forever';
  durationMonths?: number;
  sizes?: string[];
  expiresAt?: string | null;
  maxRedemptions?: number | null;
}

export async function createCoupon(context: HomeportContext, operatorId: string, input: NewCouponInput): Promise<CouponRow> {
  const currency = context.config.billing.currency;
  if ((input.percentOff === undefined) === (input.amountOffMinor === undefined)) {
    throw new HomeportError('invalid-input', 'Percent or amount', 'Give either percentOff or amountOffMinor.', { errors: [{ field: 'percentOff', message: 'give either percentOff or amountOffMinor' }] });
  }
  const discount: CouponDiscount = input.percentOff !== undefined
    ? { kind: 'percent', basisPoints: Math.round(input.percentOff * 100) }
    : { kind: 'fixed', amountMinor: input.amountOffMinor ?? 0, currency };
  const duration: CouponDuration = input.duration === 'months' ? { kind: 'months', months: input.durationMonths ?? 0 } : { kind: input.duration };
  const expiresAt = input.expiresAt ? new Date(input.expiresAt) : null;
  const coupon: Omit<Coupon, 'redemptions'> = { code: normalizeCouponCode(input.code), discount, duration, sizes: input.sizes ?? [], expiresAt, maxRedemptions: input.maxRedemptions ?? null };
  const problems = couponProblems(coupon, context.sizes.map((size) => size.name), currency);
  if (input.percentOff !== undefined && !Number.isInteger(input.percentOff * 100)) problems.push({ field: 'percentOff', message: 'At most two decimals.' });
  if (problems.length > 0) throw new HomeportError('invalid-input', 'Invalid coupon', problems.map((p) => `${p.field}: ${p.message}`).join(' '), { errors: problems });
  return context.db.transaction().execute(async (trx) => {
    const row = await insertCoupon(trx, coupon, operatorId);
    await recordAudit(trx, { actorAccountId: operatorId, actor: 'operator', action: 'coupon.created', details: { couponId: row.id, code: row.code } });
    return row;
  });
}

export async function expireCouponNow(context: HomeportContext, operatorId: string, couponId: string): Promise<CouponRow> {
  return context.db.transaction().execute(async (trx) => {
    const row = await expireCoupon(trx, couponId, new Date());
    await recordAudit(trx, { actorAccountId: operatorId, actor: 'operator', action: 'coupon.expired', details: { couponId, code: row.code } });
    return row;
  });
}

/** Applies a coupon to an account that has never bought; counts the redemption. */
export async function applyCoupon(context: HomeportContext, accountId: string, rawCode: string): Promise<CouponRow> {
  const code = normalizeCouponCode(rawCode);
  return context.db.transaction().execute(async (trx) => {
    await lockAccountForPurchase(trx, accountId);
    const account = await findAccount(trx, accountId);
    const row = await findCouponByCode(trx, code);
    if (!row) throw new HomeportError('coupon-unknown', 'Unknown coupon', `There is no coupon ${code}.`);
    const purchases = await trx.selectFrom('subscriptions').select('id').where('account_id', '=', accountId).limit(1).execute();
    const applied = account.coupon_id ? (await trx.selectFrom('coupons').select('code').where('id', '=', account.coupon_id).executeTakeFirst())?.code ?? null : null;
    assertMayApplyCoupon(couponFromRow(row), { hasPurchased: account.first_purchase_at !== null || purchases.length > 0, appliedCode: applied }, new Date());
    if (!(await countRedemption(trx, row.id))) {
      throw new HomeportError('coupon-not-applicable', 'Coupon used up', `The coupon ${row.code} has been redeemed as often as it may be.`);
    }
    await trx.updateTable('accounts').set({ coupon_id: row.id, coupon_applied_at: new Date() }).where('id', '=', accountId).execute();
    await recordAudit(trx, { actorAccountId: accountId, actor: 'customer', action: 'coupon.applied', details: { couponId: row.id, code: row.code } });
    return row;
  });
}
