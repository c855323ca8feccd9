// The journal of card charges: written before Stripe is asked, settled after, so a charge that
// succeeded but whose host or invoice was never recorded (a crash in between) is found and refunded.
import type { Updateable } from 'kysely';
import type { Db } from './database.ts';
import type { CardChargeRow, CardChargesTable } from './schema.ts';

export async function insertCardCharge(db: Db, input: { accountId: string; purpose: 'purchase' | 'invoice'; invoiceId?: string; amountMinor: number; currency: string }): Promise<CardChargeRow> {
  return db.insertInto('card_charges').values({
    account_id: input.accountId,
    purpose: input.purpose,
    invoice_id: input.invoiceId ?? null,
    host_id: null,
    amount_minor: input.amountMinor,
    currency: input.currency,
    payment_intent_id: null,
    failure: null,
  }).returningAll().executeTakeFirstOrThrow();
}

export async function updateCardCharge(db: Db, id: string, changes: Updateable<CardChargesTable>): Promise<CardChargeRow> {
  return db.updateTable('card_charges').set({ ...changes, updated_at: new Date() }).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
}

/** Whether an invoice has a charge whose outcome is not recorded yet: it must not be charged again meanwhile. */
export async function hasUnsettledCharge(db: Db, invoiceId: string): Promise<boolean> {
  const row = await db.selectFrom('card_charges').select('id').where('invoice_id', '=', invoiceId).where('status', 'in', ['pending', 'succeeded']).limit(1).executeTakeFirst();
  return row !== undefined;
}

/** Charges left pending or succeeded-but-unattached since before `olderThan`, oldest first. */
export async function unsettledCardCharges(db: Db, olderThan: Date, limit: number): Promise<CardChargeRow[]> {
  return db.selectFrom('card_charges').selectAll().where('status', 'in', ['pending', 'succeeded']).where('updated_at', '<', olderThan)
    .orderBy('created_at').limit(limit).forUpdate().skipLocked().execute();
}
