// Two-factor recovery codes: hashes only, each usable once.
import { sql } from 'kysely';
import type { Db } from './database.ts';
import { hashToken } from './random-tokens.ts';

export async function replaceRecoveryCodes(db: Db, accountId: string, codes: string[]): Promise<void> {
  await db.deleteFrom('recovery_codes').where('account_id', '=', accountId).execute();
  await db.insertInto('recovery_codes').values(codes.map((code) => ({ account_id: accountId, code_hash: hashToken(code), used_at: null }))).execute();
}

/** Uses the code if it is one of the account's unused codes; answers whether it was. */
export async function useRecoveryCode(db: Db, accountId: string, code: string): Promise<boolean> {
  const result = await db
    .updateTable('recovery_codes')
    .set({ used_at: sql`now()` })
    .where('account_id', '=', accountId)
    .where('code_hash', '=', hashToken(code))
    .where('used_at', 'is', null)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export async function unusedRecoveryCodes(db: Db, accountId: string): Promise<number> {
  const row = await db.selectFrom('recovery_codes').select((eb) => eb.fn.countAll<string>().as('n')).where('account_id', '=', accountId).where('used_at', 'is', null).executeTakeFirstOrThrow();
  return Number(row.n);
}
