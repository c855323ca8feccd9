// Which live host owns a customer name the edge serves. The name is the table's primary key, so a
// second owner is refused by the database; a cancelled host's names are released by a trigger.
import { HomeportError } from '../domain/errors.ts';
import type { Db } from './database.ts';
import type { HostNameKind } from './schema.ts';

const roles: Record<HostNameKind, string> = { homeserver: 'homeserver domain', client: 'client domain', previous: 'earlier client domain' };

export function domainTaken(name: string, kind: HostNameKind): HomeportError {
  return new HomeportError('domain-taken', 'Domain taken', `The ${roles[kind]} "${name}" is already used by another host (as its homeserver, client or earlier client domain).`, { domain: name });
}

/** Takes `name` for the host, or changes its kind when the host has it already; another host's name is refused. */
export async function claimHostName(db: Db, hostId: string, name: string, kind: HostNameKind): Promise<void> {
  const claimed = await db
    .insertInto('host_names')
    .values({ name, host_id: hostId, kind })
    .onConflict((conflict) => conflict.column('name').doUpdateSet({ kind }).where('host_names.host_id', '=', hostId))
    .returning('name')
    .executeTakeFirst();
  if (!claimed) throw domainTaken(name, kind);
}

/** Refuses, before anything is charged or built, a new host's names that another live host owns. */
export async function assertNamesFree(db: Db, names: { homeserverDomain: string; clientDomain: string }): Promise<void> {
  const wanted = new Map<string, HostNameKind>([[names.homeserverDomain, 'homeserver'], [names.clientDomain, 'client']]);
  const taken = await db.selectFrom('host_names').select('name').where('name', 'in', [...wanted.keys()]).executeTakeFirst();
  if (taken) throw domainTaken(taken.name, wanted.get(taken.name) ?? 'homeserver');
}
