// TOTP two-factor authentication: enrolment (secret, otpauth URI, confirmation by a code, ten
// recovery codes) and checking a code at login, refusing a code of an already used time step.
import { randomBytes } from 'node:crypto';
import { HomeportError } from '../domain/errors.ts';
import { findAccount, updateAccount } from '../store/accounts.ts';
import { recordAudit } from '../store/audit-log.ts';
import { replaceRecoveryCodes, useRecoveryCode } from '../store/recovery-codes.ts';
import type { Account } from '../store/schema.ts';
import type { AccountsContext } from './accounts-context.ts';
import { newTotpSecret, otpauthUri, totpStep } from './totp.ts';

const sealPurpose = 'totp-secret';
const base32 = 'abcdefghijklmnopqrstuvwxyz234567';

/** 16 characters of base32 (80 bits), shown as abcd-efgh-ijkl-mnop. */
function newRecoveryCode(): string {
  const chars = [...randomBytes(16)].map((byte) => base32[byte % 32]).join('');
  return chars.match(/.{4}/g)!.join('-');
}

function normalizeRecoveryCode(code: string): string {
  return code.toLowerCase().replace(/[^a-z2-7]/g, '').match(/.{1,4}/g)?.join('-') ?? '';
}

/** Ten new recovery codes: as shown (once) and as stored (normalised, then hashed by the store). */
export function newRecoveryCodeSet(): { codes: string[]; stored: string[] } {
  const codes = Array.from({ length: 10 }, newRecoveryCode);
  return { codes, stored: codes.map(normalizeRecoveryCode) };
}

export async function beginTwoFactorEnrolment(context: AccountsContext, accountId: string): Promise<{ secret: string; otpauthUri: string }> {
  const account = await findAccount(context.db, accountId);
  if (account.totp_enabled_at !== null) throw new HomeportError('second-factor-enabled', 'Already enrolled', 'Two-factor authentication is already on for this account.');
  const secret = newTotpSecret();
  await updateAccount(context.db, accountId, { totp_pending_secret_sealed: context.box.seal(sealPurpose, secret) });
  return { secret, otpauthUri: otpauthUri(secret, account.email, 'Homeport') };
}

export async function confirmTwoFactorEnrolment(context: AccountsContext, accountId: string, code: string): Promise<{ recoveryCodes: string[] }> {
  const account = await findAccount(context.db, accountId);
  if (account.totp_enabled_at !== null) throw new HomeportError('second-factor-enabled', 'Already enrolled', 'Two-factor authentication is already on for this account.');
  if (!account.totp_pending_secret_sealed) throw new HomeportError('two-factor-not-started', 'Enrolment not started', 'Start enrolment first (POST /api/v1/account/two-factor).');
  const secret = context.box.open(sealPurpose, account.totp_pending_secret_sealed);
  const step = totpStep(secret, code);
  if (step === undefined) throw new HomeportError('second-factor-invalid', 'Wrong code', 'That code does not match: check the time on your device and enter the current code.');
  const { codes: recoveryCodes, stored } = newRecoveryCodeSet();
  await context.db.transaction().execute(async (trx) => {
    await updateAccount(trx, accountId, {
      totp_secret_sealed: account.totp_pending_secret_sealed, totp_pending_secret_sealed: null, totp_enabled_at: new Date(), totp_last_step: step,
    });
    await replaceRecoveryCodes(trx, accountId, stored);
    await recordAudit(trx, { actorAccountId: accountId, actor: 'customer', action: 'two-factor.enabled' });
  });
  return { recoveryCodes };
}

/** Whether the code is the account's current TOTP code (not used before) or an unused recovery code; uses it up. */
export async function useSecondFactor(context: AccountsContext, account: Account, code: string): Promise<boolean> {
  const trimmed = code.replace(/\s/g, '');
  if (/^\d{6}$/.test(trimmed)) {
    if (!account.totp_secret_sealed) return false;
    const step = totpStep(context.box.open(sealPurpose, account.totp_secret_sealed), trimmed);
    if (step === undefined) return false;
    // One statement, so that two logins racing with the same code cannot both win.
    const result = await context.db
      .updateTable('accounts')
      .set({ totp_last_step: step })
      .where('id', '=', account.id)
      .where((eb) => eb.or([eb('totp_last_step', 'is', null), eb('totp_last_step', '<', String(step))]))
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }
  const used = await useRecoveryCode(context.db, account.id, normalizeRecoveryCode(trimmed));
  if (used) await recordAudit(context.db, { actorAccountId: account.id, actor: 'customer', action: 'two-factor.recovery-code-used' });
  return used;
}
