// The last federation check of each host: when it ran, whether it passed, and its findings.
import type { Db } from './database.ts';
import type { DelegationFinding, FederationCheckRow } from './schema.ts';

export async function recordFederationCheck(db: Db, hostId: string, checkedAt: Date, findings: DelegationFinding[]): Promise<FederationCheckRow> {
  const row = { checked_at: checkedAt, passed: !findings.some((finding) => finding.severity === 'error'), findings: JSON.stringify(findings) };
  return db
    .insertInto('federation_checks')
    .values({ host_id: hostId, ...row })
    .onConflict((conflict) => conflict.column('host_id').doUpdateSet(row))
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function lastFederationCheck(db: Db, hostId: string): Promise<FederationCheckRow | undefined> {
  return db.selectFrom('federation_checks').selectAll().where('host_id', '=', hostId).executeTakeFirst();
}
