// Reads what the purchase rules need to know about an account: verified email, current terms
// accepted, billing address, and a card on file or invoice payment enabled.
import type { PurchaseReadiness } from '../domain/purchase-rules.ts';
import { findAccount } from './accounts.ts';
import type { Db } from './database.ts';
import { acceptedAt, currentTerms } from './terms.ts';

export async function purchaseReadiness(db: Db, accountId: string, cardPaymentAvailable: boolean): Promise<PurchaseReadiness> {
  const [account, terms] = await Promise.all([findAccount(db, accountId), currentTerms(db)]);
  return {
    emailVerified: account.email_verified_at !== null,
    currentTermsVersion: terms?.version ?? null,
    acceptedCurrentTerms: terms ? (await acceptedAt(db, accountId, terms.id)) !== undefined : true,
    hasBillingAddress: account.billing_line1 !== null && account.billing_country !== null,
    hasCard: account.card_payment_method_id !== null,
    invoicePaymentEnabled: account.invoice_payment_enabled,
    cardPaymentAvailable,
  };
}
