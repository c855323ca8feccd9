// The seller's details: one row, read when an invoice is priced or issued, written by the operator.
import type { SellerDetails } from '../domain/billing/seller.ts';
import type { Db } from './database.ts';

export async function findSeller(db: Db): Promise<SellerDetails | undefined> {
  return (await db.selectFrom('seller').select('details').executeTakeFirst())?.details;
}

export async function saveSeller(db: Db, details: SellerDetails, updatedBy: string | null): Promise<void> {
  const values = { details: JSON.stringify(details), updated_at: new Date(), updated_by: updatedBy };
  await db.insertInto('seller').values({ id: true, ...values }).onConflict((oc) => oc.column('id').doUpdateSet(values)).execute();
}
