// Changing an account's details (name, company, VAT ID, billing address) under the domain's rules.
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
  const address = details.billingAddress;
  return context.db.transaction().execute(async (trx) => {
    await recordAudit(trx, { actorAccountId: accountId, actor: 'customer', action: 'account.updated', details: { fields: Object.keys(changes) } });
    return updateAccount(trx, accountId, {
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
