// How the rendered delegation and the last check become the API's delegation resource.
import type { Static } from 'typebox';
import type { Delegation, DelegationCheck } from '../../contract/delegation.ts';
import type { Delegation as RenderedDelegation } from '../../domain/delegation.ts';
import type { DelegationCheckRow } from '../../store/schema.ts';

export function delegationCheckView(row: DelegationCheckRow): Static<typeof DelegationCheck> {
  return { checkedAt: new Date(row.checked_at).toISOString(), passed: row.passed, findings: row.findings };
}

export function delegationView(delegation: RenderedDelegation, lastCheck: DelegationCheckRow | undefined): Static<typeof Delegation> {
  return { ...delegation, lastCheck: lastCheck ? delegationCheckView(lastCheck) : null };
}
