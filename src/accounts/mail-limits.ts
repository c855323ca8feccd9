// How many account mails (verification, password reset) one account may receive per hour.
import { emailTokensSince } from '../store/email-tokens.ts';
import type { AccountsContext } from './accounts-context.ts';

export async function mailLimitReached(context: AccountsContext, accountId: string): Promise<boolean> {
  const sent = await emailTokensSince(context.db, accountId, new Date(Date.now() - 3_600_000));
  return sent >= context.config.mailsPerAccountPerHour;
}
