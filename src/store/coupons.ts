// Coupons an operator created; a redemption is counted atomically, never past the maximum.
import { sql } from 'kysely';
import type { Coupon } from '../domain/billing/coupons.ts';
import { HomeportError, notFound } from '../domain/errors.ts';
import type { Db } from './database.ts';
import type { CouponRow } from './schema.ts';

export function couponFromRow(row: CouponRow): Coupon {
  return {
    code: row.code,
    discount: row.percent_off_bp !== null ? { kind: 'percent', basisPoints: row.percent_off_bp } : { kind: 'fixed', amountMinor: row.amount_off_minor ?? 0, currency: row.currency },
    duration: row.duration === 'months' ? { kind: 'months', months: row.duration_months ?? 1 } : { kind: row.duration },
    sizes: row.sizes,
    expiresAt: row.expires_at ? new Date(row.expires_at) : null,
    maxRedemptions: row.max_redemptions,
    redemptions: row.redemptions,
  };
}

export async function insertCoupon(db: Db, coupon: Omit<Coupon, 'redemptions'>, createdBy: string | null): Promise<CouponRow> {
  const existing = await db.selectFrom('coupons').select('id').where('code', '=', coupon.code).executeTakeFirst();
  if (existing) throw new HomeportError('coupon-exists', 'Coupon exists', `A coupon with the code ${coupon.code} already exists.`);
  return db.insertInto('coupons').values({
    code: coupon.code,
    percent_off_bp: coupon.discount.kind === 'percent' ? coupon.discount.basisPoints : null,
    amount_off_minor: coupon.discount.kind === 'fixed' ? coupon.discount.amountMinor : null,
    currency: coupon.discount.kind === 'fixed' ? coupon.discount.currency : '',
    duration: coupon.duration.kind,
    duration_months: coupon.duration.kind === 'months' ? coupon.duration.months : null,
    sizes: coupon.sizes,
    expires_at: coupon.expiresAt,
    max_redemptions: coupon.maxRedemptions,
    created_by: createdBy,
  }).returningAll().executeTakeFirstOrThrow();
}

export async function listCoupons(db: Db): Promise<CouponRow[]> {
  return db.selectFrom('coupons').selectAll().orderBy('created_at', 'desc').execute();
}

export async function findCouponByCode(db: Db, code: string): Promise<CouponRow | undefined> {
  return db.selectFrom('coupons').selectAll().where('code', '=', code).executeTakeFirst();
}

export async function findCoupon(db: Db, id: string): Promise<CouponRow> {
  const row = await db.selectFrom('coupons').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound(`Coupon ${id}`);
  return row;
}

/** Ends a coupon now: nobody can apply it any more; accounts that have it keep it. */
export async function expireCoupon(db: Db, id: string, at: Date): Promise<CouponRow> {
  await findCoupon(db, id);
  return db.updateTable('coupons')
    .set({ expires_at: sql<Date>`LEAST(COALESCE(expires_at, ${at}), ${at})` })
    .where('id', '=', id).returningAll().executeTakeFirstOrThrow();
}

/** Counts one redemption unless the coupon is used up; false when it was. */
export async function countRedemption(db: Db, id: string): Promise<boolean> {
  const row = await db.updateTable('coupons').set({ redemptions: sql<number>`redemptions + 1` })
    .where('id', '=', id)
    .where((eb) => eb.or([eb('max_redemptions', 'is', null), eb('redemptions', '<', eb.ref('max_redemptions'))]))
    .returning('id').executeTakeFirst();
  return row !== undefined;
}
