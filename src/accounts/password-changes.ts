// Password reset by email (single-use link, one hour) and password change from a session.
import { HomeportError } from '../domain/errors.ts';
import { findAccount, findAccountByEmail, updateAccount } from '../store/accounts.ts';
import { recordAudit } from '../store/audit-log.ts';
import { createEmailToken, retireEmailTokens, useEmailToken } from '../store/email-tokens.ts';
import { revokeAccountSessions } from '../store/sessions.ts';
import { passwordResetMail, resetValidForMs } from './account-mail.ts';
import { mailLimitReached } from './mail-limits.ts';
import type { AccountsContext } from './accounts-context.ts';
import { checkNewPassword, hashPassword, verifyPassword } from './passwords.ts';

/** Sends a reset link if the account exists; the answer is the same either way, so it tells nobody which emails have accounts. */
export async function requestPasswordReset(context: AccountsContext, email: string): Promise<void> {
  const account = await findAccountByEmail(context.db, email.trim());
  if (!account || account.suspended_at !== null) return;
  // The answer stays the same, so a stranger cannot use this to flood someone's inbox or probe it.
  if (await mailLimitReached(context, account.id)) {
    context.logger.warn({ accountId: account.id }, 'password reset not mailed: the account reached its hourly mail limit');
    return;
  }
  await retireEmailTokens(context.db, account.id, 'reset-password');
  const token = await createEmailToken(context.db, account.id, 'reset-password', resetValidForMs);
  await recordAudit(context.db, { actorAccountId: account.id, actor: 'customer', action: 'account.password-reset-requested' });
  try {
    await context.mailer.send(passwordResetMail(context.config, account.email, token));
  } catch (error) {
    context.logger.error({ err: error, accountId: account.id }, 'the password reset mail could not be sent');
  }
}

/** Sets the new password and logs every session out; the link also proves the email address. */
export async function completePasswordReset(context: AccountsContext, token: string, password: string): Promise<void> {
  // Checked before the link is used up, so a weak password does not cost the customer their link.
  checkNewPassword(password);
  const passwordHash = await hashPassword(password);
  await context.db.transaction().execute(async (trx) => {
    const accountId = await useEmailToken(trx, 'reset-password', token);
    const account = await findAccount(trx, accountId);
    checkNewPassword(password, account.email);
    await updateAccount(trx, accountId, { password_hash: passwordHash, password_change_required: false, email_verified_at: account.email_verified_at ?? new Date() });
    await revokeAccountSessions(trx, accountId);
    await recordAudit(trx, { actorAccountId: accountId, actor: 'customer', action: 'account.password-reset' });
  });
}

/** Changes the password of a signed-in account; its other sessions are logged out. */
export async function changePassword(context: AccountsContext, accountId: string, input: { currentPassword: string; newPassword: string; keepSession?: string }): Promise<void> {
  const account = await findAccount(context.db, accountId);
  if (!(await verifyPassword(account.password_hash, input.currentPassword))) {
    throw new HomeportError('invalid-credentials', 'Wrong password', 'The current password is wrong.', { errors: [{ field: 'currentPassword', message: 'is wrong' }] });
  }
  checkNewPassword(input.newPassword, account.email);
  if (input.newPassword === input.currentPassword) {
    throw new HomeportError('password-too-weak', 'Same password', 'Choose a password different from the current one.', { errors: [{ field: 'newPassword', message: 'is the current password' }] });
  }
  const passwordHash = await hashPassword(input.newPassword);
  await context.db.transaction().execute(async (trx) => {
    await updateAccount(trx, accountId, { password_hash: passwordHash, password_change_required: false });
    await revokeAccountSessions(trx, accountId, input.keepSession);
    await recordAudit(trx, { actorAccountId: accountId, actor: 'customer', action: 'account.password-changed' });
  });
}
