// Terms and conditions: operators publish versions, customers accept the current one.
import { HomeportError } from '../domain/errors.ts';
import { recordAudit } from '../store/audit-log.ts';
import type { TermsVersion } from '../store/schema.ts';
import { currentTerms, insertTermsVersion, recordAcceptance } from '../store/terms.ts';
import type { AccountsContext } from './accounts-context.ts';

export async function publishTerms(context: AccountsContext, operatorId: string, input: { version: string; text: string }): Promise<TermsVersion> {
  return context.db.transaction().execute(async (trx) => {
    const published = await insertTermsVersion(trx, { version: input.version.trim(), text: input.text, publishedBy: operatorId });
    await recordAudit(trx, { actorAccountId: operatorId, actor: 'operator', action: 'terms.published', details: { version: published.version } });
    return published;
  });
}

/** Accepting names the version read, so that nobody accepts a text they have not seen. */
export async function acceptTerms(context: AccountsContext, accountId: string, version: string): Promise<TermsVersion> {
  const current = await currentTerms(context.db);
  if (!current) throw new HomeportError('not-found', 'No terms', 'No terms and conditions have been published yet; there is nothing to accept.');
  if (current.version !== version) {
    throw new HomeportError('terms-outdated', 'Not the current terms', `Version ${version} is not the current version of the terms; the current one is ${current.version}.`, { termsVersion: current.version });
  }
  await context.db.transaction().execute(async (trx) => {
    await recordAcceptance(trx, accountId, current.id);
    await recordAudit(trx, { actorAccountId: accountId, actor: 'customer', action: 'terms.accepted', details: { version: current.version } });
  });
  return current;
}
