// The client domains a host had before its current one; each may be switched to "moved".
import { sql } from 'kysely';
import type { Db } from './database.ts';
import { claimHostName } from './host-names.ts';
import type { PreviousClientDomainRow } from './schema.ts';

export async function listPreviousClientDomains(db: Db, hostId: string): Promise<PreviousClientDomainRow[]> {
  return db.selectFrom('host_previous_client_domains').selectAll().where('host_id', '=', hostId).orderBy('replaced_at', 'desc').execute();
}

/** Records that `domain` was the host's client domain until now (the host keeps owning it); a domain taken back is no longer previous. */
export async function replaceClientDomain(db: Db, hostId: string, oldDomain: string, newDomain: string): Promise<void> {
  await claimHostName(db, hostId, oldDomain, 'previous');
  await db.deleteFrom('host_previous_client_domains').where('host_id', '=', hostId).where('domain', '=', newDomain).execute();
  await db
    .insertInto('host_previous_client_domains')
    .values({ host_id: hostId, domain: oldDomain })
    .onConflict((conflict) => conflict.columns(['host_id', 'domain']).doUpdateSet({ replaced_at: sql`now()` }))
    .execute();
}

export async function setPreviousClientDomainMoved(db: Db, hostId: string, domain: string, moved: boolean): Promise<PreviousClientDomainRow | undefined> {
  return db
    .updateTable('host_previous_client_domains')
    .set({ moved, moved_at: moved ? sql<Date>`now()` : null })
    .where('host_id', '=', hostId)
    .where('domain', '=', domain)
    .returningAll()
    .executeTakeFirst();
}

/** The previous client domains of every live host, for the edge. */
export async function previousClientDomainsOfLiveHosts(db: Db, hostIds: string[]): Promise<PreviousClientDomainRow[]> {
  if (hostIds.length === 0) return [];
  return db.selectFrom('host_previous_client_domains').selectAll().where('host_id', 'in', hostIds).orderBy('replaced_at').execute();
}
