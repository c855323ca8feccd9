// Which live host owns a customer name the edge serves. The name is the table's primary key, so a
// second owner is refused by the database; a cancelled host's names are released by a trigger.
import { HomeportError } from '../domain/errors.ts';
import type { Db } from './database.ts';
import type { HostNameKind } from './schema.ts';

export function domainTaken(name: string): HomeportError {
  return new HomeportError('domain-taken', 'Domain taken', `The domain "${name}" is already used by another host (as its homeserver, client or earlier client domain).`, { domain: name });
}

/** Takes `name` for the host, or changes its kind when the host has it already; another host's name is refused. */
export async function claimHostName(db: Db, hostId: string, name: string, kind: HostNameKind): Promise<void> {
  const claimed = await db
    .insertInto('host_names')
    .values({ name, host_id: hostId, kind })
    .onConflict((conflict) => conflict.column('name').doUpdateSet({ kind }).where('host_names.host_id', '=', hostId))
    .returning('name')
    .executeTakeFirst();
  if (!claimed) throw domainTaken(name);
}

/** Refuses, before anything is charged or built, names that another live host owns. */
export async function assertNamesFree(db: Db, names: string[], exceptHostId?: string): Promise<void> {
  if (names.length === 0) return;
  let query = db.selectFrom('host_names').select('name').where('name', 'in', names);
  if (exceptHostId) query = query.where('host_id', '<>', exceptHostId);
  const taken = await query.executeTakeFirst();
  if (taken) throw domainTaken(taken.name);
}

/** The live host that owns `name`, if any. */
export async function hostOwningName(db: Db, name: string): Promise<string | undefined> {
  const row = await db.selectFrom('host_names').select('host_id').where('name', '=', name).executeTakeFirst();
  return row?.host_id;
}
