// How an earlier client domain's row becomes the API's view of it.
import type { Static } from 'typebox';
import type { PreviousClientDomain } from '../../contract/previous-client-domains.ts';
import type { PreviousClientDomainRow } from '../../store/schema.ts';

export function previousClientDomainView(row: PreviousClientDomainRow): Static<typeof PreviousClientDomain> {
  return {
    domain: row.domain,
    moved: row.moved,
    replacedAt: new Date(row.replaced_at).toISOString(),
    movedAt: row.moved_at ? new Date(row.moved_at).toISOString() : null,
  };
}
