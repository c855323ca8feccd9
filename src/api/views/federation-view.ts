// How a recorded federation check becomes the API's federation check resource.
import type { Static } from 'typebox';
import type { FederationCheck } from '../../contract/federation-checks.ts';
import type { FederationCheckRow } from '../../store/schema.ts';

export function federationCheckView(row: FederationCheckRow): Static<typeof FederationCheck> {
  return { checkedAt: new Date(row.checked_at).toISOString(), passed: row.passed, findings: row.findings };
}
