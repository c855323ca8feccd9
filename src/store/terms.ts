// Terms and conditions: published versions (the newest is current) and who accepted which.
import { HomeportError } from '../domain/errors.ts';
import type { Db } from './database.ts';
import type { TermsVersion } from './schema.ts';

export async function currentTerms(db: Db): Promise<TermsVersion | undefined> {
  return db.selectFrom('terms_versions').selectAll().orderBy('published_at', 'desc').orderBy('id').limit(1).executeTakeFirst();
}

export async function listTerms(db: Db): Promise<TermsVersion[]> {
  return db.selectFrom('terms_versions').selectAll().orderBy('published_at', 'desc').execute();
}

export async function insertTermsVersion(db: Db, input: { version: string; text: string; publishedBy: string }): Promise<TermsVersion> {
  const existing = await db.selectFrom('terms_versions').select('id').where('version', '=', input.version).executeTakeFirst();
  if (existing) throw new HomeportError('terms-version-exists', 'Version exists', `Terms version "${input.version}" has already been published; give the new text a new version label.`);
  return db.insertInto('terms_versions').values({ version: input.version, text: input.text, published_by: input.publishedBy }).returningAll().executeTakeFirstOrThrow();
}

export async function recordAcceptance(db: Db, accountId: string, termsVersionId: string): Promise<void> {
  await db.insertInto('terms_acceptances').values({ account_id: accountId, terms_version_id: termsVersionId }).onConflict((oc) => oc.doNothing()).execute();
}

export async function acceptedAt(db: Db, accountId: string, termsVersionId: string): Promise<Date | undefined> {
  const row = await db.selectFrom('terms_acceptances').select('accepted_at').where('account_id', '=', accountId).where('terms_version_id', '=', termsVersionId).executeTakeFirst();
  return row ? new Date(row.accepted_at) : undefined;
}
