// The last delegation check of each host: when it ran, whether it passed, and its findings.
import type { Db } from './database.ts';
import type { DelegationCheckRow, DelegationFinding } from './schema.ts';

export async function recordDelegationCheck(db: Db, hostId: string, checkedAt: Date, findings: DelegationFinding[]): Promise<DelegationCheckRow> {
  const row = { checked_at: checkedAt, passed: !findings.some((finding) => finding.severity === 'error'), findings: JSON.stringify(findings) };
  return db
    .insertInto('delegation_checks')
    .values({ host_id: hostId, ...row })
    .onConflict((conflict) => conflict.column('host_id').doUpdateSet(row))
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function lastDelegationCheck(db: Db, hostId: string): Promise<DelegationCheckRow | undefined> {
  return db.selectFrom('delegation_checks').selectAll().where('host_id', '=', hostId).executeTakeFirst();
}
