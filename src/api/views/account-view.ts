// How an account and what is known about it become the API's account resource.
import type { Static } from 'typebox';
import { accountDetails } from '../../accounts/account-details.ts';
import type { AccountOverview } from '../../accounts/account-overview.ts';
import type { AccountView } from '../../contract/accounts.ts';
import { requiredAction } from '../../domain/account-restrictions.ts';

export function accountView(overview: AccountOverview, twoFactorRequired: boolean): Static<typeof AccountView> {
  const { account } = overview;
  const details = accountDetails(account);
  const action = requiredAction({ passwordChangeRequired: account.password_change_required, twoFactorEnabled: account.totp_enabled_at !== null }, twoFactorRequired);
  return {
    id: account.id,
    email: account.email,
    name: details.name,
    companyName: details.companyName,
    vatId: details.vatId,
    vatIdCheck: account.vat_id !== null && account.vies_vat_id === account.vat_id && account.vies_checked_at !== null
      ? { checkedAt: new Date(account.vies_checked_at).toISOString(), requestIdentifier: account.vies_request_identifier }
      : null,
    billingAddress: details.billingAddress ? { ...details.billingAddress, line2: details.billingAddress.line2 ?? null } : null,
    emailVerified: account.email_verified_at !== null,
    isOperator: account.is_operator,
    twoFactorEnabled: account.totp_enabled_at !== null,
    unusedRecoveryCodes: overview.unusedRecoveryCodes,
    requiredAction: action ?? null,
    terms: { currentVersion: overview.currentTermsVersion, accepted: overview.acceptedCurrentTerms },
    purchaseBlockers: overview.purchaseBlockers.map((blocker) => ({ code: blocker.code, detail: blocker.message })),
    createdAt: new Date(account.created_at).toISOString(),
  };
}
