// How a stored terms version becomes the API's terms resource.
import type { Static } from 'typebox';
import type { Terms } from '../../contract/terms.ts';
import type { TermsVersion } from '../../store/schema.ts';

export function termsView(terms: TermsVersion): Static<typeof Terms> {
  return { version: terms.version, text: terms.text, publishedAt: new Date(terms.published_at).toISOString() };
}
