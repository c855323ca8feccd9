// Changing two-factor authentication once it is on: turning it off, or replacing the recovery
// codes. Both need the password and a current code (or an unused recovery code), so a session
// left open is not enough (a wrong one is a 422 at its field, not a 401 that would end the
// session); turning it off is refused where Homeport requires two-factor.
import { HomeportError } from '../domain/errors.ts';
import { findAccount, updateAccount } from '../store/accounts.ts';
import { recordAudit } from '../store/audit-log.ts';
import { replaceRecoveryCodes } from '../store/recovery-codes.ts';
import type { Account } from '../store/schema.ts';
import type { AccountsContext } from './accounts-context.ts';
import { verifyPassword } from './passwords.ts';
import { newRecoveryCodeSet, useSecondFactor } from './two-factor.ts';

export interface TwoFactorProof {
  password: string;
  code: string;
}

async function provenAccount(context: AccountsContext, accountId: string, proof: TwoFactorProof): Promise<Account> {
  const account = await findAccount(context.db, accountId);
  if (account.totp_enabled_at === null) throw new HomeportError('two-factor-not-started', 'Two-factor is off', 'Two-factor authentication is not on for this account.');
  if (!(await verifyPassword(account.password_hash, proof.password))) {
    throw new HomeportError('confirmation-mismatch', 'Wrong password', 'The password is wrong.', { errors: [{ field: 'password', message: 'The password is wrong.' }] });
  }
  if (!(await useSecondFactor(context, account, proof.code))) {
    throw new HomeportError('confirmation-mismatch', 'Wrong code', 'That code does not match.', {
      errors: [{ field: 'code', message: 'That code does not match: enter the current code from your app, or an unused recovery code.' }],
    });
  }
  return account;
}

export async function turnOffTwoFactor(context: AccountsContext, accountId: string, proof: TwoFactorProof, required: boolean): Promise<void> {
  if (required) throw new HomeportError('action-required', 'Two-factor is required', 'This service requires two-factor authentication: it cannot be turned off.');
  await provenAccount(context, accountId, proof);
  await context.db.transaction().execute(async (trx) => {
    await updateAccount(trx, accountId, { totp_secret_sealed: null, totp_pending_secret_sealed: null, totp_enabled_at: null, totp_last_step: null });
    await trx.deleteFrom('recovery_codes').where('account_id', '=', accountId).execute();
    await recordAudit(trx, { actorAccountId: accountId, actor: 'customer', action: 'two-factor.disabled' });
  });
}

export async function replaceRecoveryCodeSet(context: AccountsContext, accountId: string, proof: TwoFactorProof): Promise<{ recoveryCodes: string[] }> {
  await provenAccount(context, accountId, proof);
  const { codes, stored } = newRecoveryCodeSet();
  await context.db.transaction().execute(async (trx) => {
    await replaceRecoveryCodes(trx, accountId, stored);
    await recordAudit(trx, { actorAccountId: accountId, actor: 'customer', action: 'two-factor.recovery-codes-replaced' });
  });
  return { recoveryCodes: codes };
}
