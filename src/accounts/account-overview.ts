// Everything the panel shows about the signed-in account: details, security, and what still stands between it and a purchase.
import { purchaseBlockers } from '../domain/purchase-rules.ts';
import type { HomeportError } from '../domain/errors.ts';
import { findAccount } from '../store/accounts.ts';
import type { Db } from '../store/database.ts';
import { purchaseReadiness } from '../store/purchase-readiness.ts';
import { unusedRecoveryCodes } from '../store/recovery-codes.ts';
import type { Account } from '../store/schema.ts';

export interface AccountOverview {
  account: Account;
  currentTermsVersion: string | null;
  acceptedCurrentTerms: boolean;
  purchaseBlockers: HomeportError[];
  unusedRecoveryCodes: number;
}

export async function accountOverview(db: Db, accountId: string, cardPaymentAvailable: boolean): Promise<AccountOverview> {
  const [account, readiness, codes] = await Promise.all([findAccount(db, accountId), purchaseReadiness(db, accountId, cardPaymentAvailable), unusedRecoveryCodes(db, accountId)]);
  return {
    account,
    currentTermsVersion: readiness.currentTermsVersion,
    acceptedCurrentTerms: readiness.acceptedCurrentTerms,
    purchaseBlockers: purchaseBlockers(readiness),
    unusedRecoveryCodes: codes,
  };
}
