// Email verification: a single-use link that expires; using it marks the account verified.
import { HomeportError } from '../domain/errors.ts';
import { findAccount, updateAccount } from '../store/accounts.ts';
import { recordAudit } from '../store/audit-log.ts';
import { createEmailToken, retireEmailTokens, useEmailToken } from '../store/email-tokens.ts';
import type { Account } from '../store/schema.ts';
import { verificationMail, verificationValidForMs } from './account-mail.ts';
import type { AccountsContext } from './accounts-context.ts';
import { mailLimitReached } from './mail-limits.ts';

/** Sends a new link (earlier ones stop working). A mail server that fails is logged, not fatal: the customer can ask again. */
export async function sendVerificationMail(context: AccountsContext, account: Account): Promise<void> {
  await retireEmailTokens(context.db, account.id, 'verify-email');
  const token = await createEmailToken(context.db, account.id, 'verify-email', verificationValidForMs);
  try {
    await context.mailer.send(verificationMail(context.config, account.email, account.name, token));
  } catch (error) {
    context.logger.error({ err: error, accountId: account.id }, 'the verification mail could not be sent');
  }
}

export async function resendVerificationMail(context: AccountsContext, accountId: string): Promise<{ sent: boolean }> {
  const account = await findAccount(context.db, accountId);
  if (account.email_verified_at !== null) return { sent: false };
  if (await mailLimitReached(context, account.id)) {
    throw new HomeportError('too-many-attempts', 'Too many mails', 'We have sent this account several links in the last hour. Check your inbox and spam folder, or try again later.', { retryAfterSeconds: 3600, limitedBy: 'account' });
  }
  await sendVerificationMail(context, account);
  return { sent: true };
}

export async function verifyEmail(context: AccountsContext, token: string): Promise<Account> {
  return context.db.transaction().execute(async (trx) => {
    const accountId = await useEmailToken(trx, 'verify-email', token);
    const account = await findAccount(trx, accountId);
    if (account.email_verified_at !== null) return account;
    await recordAudit(trx, { actorAccountId: accountId, actor: 'customer', action: 'account.email-verified', details: { email: account.email } });
    return updateAccount(trx, accountId, { email_verified_at: new Date() });
  });
}
