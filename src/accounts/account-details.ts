// Changing an account's details (name, company, VAT ID, billing address) under the domain's rules.
import { checkVatIdWithVies } from '../billing/vies.ts';
import { checkAccountDetails, type AccountDetails, type BillingAddress } from '../domain/account-details.ts';
import { HomeportError } from '../domain/errors.ts';
import { findAccount, updateAccount } from '../store/accounts.ts';
import { recordAudit } from '../store/audit-log.ts';
import type { Account } from '../store/schema.ts';
import type { AccountsContext } from './accounts-context.ts';

export function accountDetails(account: Account): AccountDetails {
  const address: BillingAddress | null = account.billing_line1 === null ? null : {
    line1: account.billing_line1,
    line2: account.billing_line2,
    postalCode: account.billing_postal_code ?? '',
    city: account.billing_city ?? '',
    country: account.billing_country ?? '',
  };
  return { name: account.name, companyName: account.company_name, vatId: account.vat_id, billingAddress: address };
}

/** Applies the changed fields on top of the stored ones; every problem is reported at once, and nothing is stored unless all is well. */
export async function updateAccountDetails(context: AccountsContext, accountId: string, changes: Partial<AccountDetails>): Promise<Account> {
  const account = await findAccount(context.db, accountId);
  const { details, problems } = checkAccountDetails({ ...accountDetails(account), ...changes });
  if (problems.length > 0) {
    throw new HomeportError('account-details-invalid', 'Account details not valid', problems.map((p) => `${p.field}: ${p.message}`).join(' '), { errors: problems });
  }
  const evidence = await viesEvidence(context, account, details.vatId);
  const address = details.billingAddress;
  return context.db.transaction().execute(async (trx) => {
    await recordAudit(trx, { actorAccountId: accountId, actor: 'customer', action: 'account.updated', details: { fields: Object.keys(changes) } });
    if (evidence) {
      await recordAudit(trx, { actorAccountId: accountId, actor: 'customer', action: 'account.vat-id-verified', details: { vatId: evidence.vies_vat_id, requestDate: evidence.vies_request_date, requestIdentifier: evidence.vies_request_identifier, name: evidence.vies_name, address: evidence.vies_address } });
    }
    return updateAccount(trx, accountId, {
      ...evidence,
      name: details.name,
      company_name: details.companyName,
      vat_id: details.vatId,
      billing_line1: address?.line1 ?? null,
      billing_line2: address?.line2 ?? null,
      billing_postal_code: address?.postalCode ?? null,
      billing_city: address?.city ?? null,
      billing_country: address?.country ?? null,
    });
  });
}

interface ViesEvidence {
  vies_vat_id: string;
  vies_checked_at: Date;
  vies_request_date: string | null;
  vies_request_identifier: string | null;
  vies_name: string | null;
  vies_address: string | null;
}

/**
 * With HOMEPORT_VIES_URL set, a VAT ID VIES has not confirmed yet is checked before anything is
 * saved. Unknown to VIES: 422, nothing saved. VIES unavailable: 503 "try again", nothing saved:
 * the account keeps the VAT ID and tax treatment it had, so no unverified number ever gets reverse
 * charge, and the customer can retry later or save without the VAT ID (and be charged VAT).
 * A VAT ID the account already had and VIES cannot check now is kept unconfirmed instead.
 * Answers the evidence of a new successful check, or undefined when there is none.
 */
async function viesEvidence(context: AccountsContext, account: Account, vatId: string | null): Promise<ViesEvidence | undefined> {
  const { viesUrl, viesTimeoutMs, viesRequesterVatId } = context.config.billing;
  if (viesUrl === undefined || vatId === null || vatId === account.vies_vat_id) return undefined;
  const answer = await checkVatIdWithVies({ baseUrl: viesUrl, timeoutMs: viesTimeoutMs, requesterVatId: viesRequesterVatId }, vatId);
  if (answer.kind === 'invalid') {
    throw new HomeportError('vat-id-unknown', 'VAT ID not known to VIES', `${answer.reason} Check the number, or leave the VAT ID empty to be charged VAT as a consumer. Nothing was saved.`, { errors: [{ field: 'vatId', message: answer.reason }] });
  }
  if (answer.kind === 'unavailable') {
    context.logger.warn({ accountId: account.id, vatId, reason: answer.reason }, 'VIES check unavailable');
    // The VAT ID the account already has (saved before VIES was configured) stays as it is,
    // unconfirmed and without reverse charge, so the other details can still be changed.
    if (vatId === account.vat_id) return undefined;
    throw new HomeportError('vies-unavailable', 'VAT ID cannot be checked now', `${answer.reason} The EU's VIES service must confirm a VAT ID before it is saved; please try again in a few minutes. Nothing was saved.`);
  }
  return {
    vies_vat_id: vatId,
    vies_checked_at: new Date(),
    vies_request_date: answer.requestDate,
    vies_request_identifier: answer.requestIdentifier,
    vies_name: answer.name,
    vies_address: answer.address,
  };
}
