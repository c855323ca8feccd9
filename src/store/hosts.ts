// Hosts as stored: creation with a free label, lookups scoped to their account, state changes.
import { sql } from 'kysely';
import { HomeportError, notFound } from '../domain/errors.ts';
import type { HostFederation } from '../domain/federation.ts';
import type { Db } from './database.ts';
import { claimHostName } from './host-names.ts';
import type { HostRow, HostStatus } from './schema.ts';


function isUniqueViolation(error: unknown, constraint: string): boolean {
  const pgError = error as { code?: string; constraint?: string };
  return pgError.code === '23505' && pgError.constraint === constraint;
}

export async function isLabelTaken(db: Db, label: string): Promise<boolean> {
  const row = await db.selectFrom('hosts').select('id').where('label', '=', label).where('status', '<>', 'cancelled').executeTakeFirst();
  return Boolean(row);
}

/** The staging clones of a host that are not cancelled (nor being cancelled). */
export async function liveClonesOf(db: Db, hostId: string): Promise<HostRow[]> {
  return db.selectFrom('hosts').selectAll().where('cloned_from_host_id', '=', hostId).where('status', 'not in', ['cancelled', 'cancelling']).orderBy('label').execute();
}

export interface NewHost {
  accountId: string;
  label: string;
  serverName: string;
  size: string;
  seats: number;
  databaseName: string;
  customDns?: { homeserverDomain: string; clientDomain: string };
  /** A staging clone of this host: it keeps that host's server name and claims none of its names. */
  clonedFromHostId?: string;
  /** That host's label ("staging clone of <label>"). */
  clonedFromLabel?: string;
}

/** Records the host and claims its custom names; call inside the purchase's transaction. */
export async function insertHost(db: Db, host: NewHost): Promise<HostRow> {
  const row = await insertHostRow(db, host);
  if (host.customDns) {
    await claimHostName(db, row.id, host.customDns.homeserverDomain, 'homeserver');
    await claimHostName(db, row.id, host.customDns.clientDomain, 'client');
  }
  return row;
}

async function insertHostRow(db: Db, host: NewHost): Promise<HostRow> {
  try {
    return await db
      .insertInto('hosts')
      .values({
        account_id: host.accountId,
        label: host.label,
        server_name: host.serverName,
        size: host.size,
        seats: host.seats,
        status: 'provisioning',
        database_name: host.databaseName,
        support_email: null,
        synapse_version: null,
        cancelled_at: null,
        custom_homeserver_domain: host.customDns?.homeserverDomain ?? null,
        custom_client_domain: host.customDns?.clientDomain ?? null,
        cloned_from_host_id: host.clonedFromHostId ?? null,
        cloned_from_label: host.clonedFromLabel ?? null,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
  } catch (error) {
    if (isUniqueViolation(error, 'hosts_label_live_key')) {
      throw new HomeportError('hostname-taken', 'Hostname taken', `The hostname "${host.label}" is already in use.`);
    }
    if (isUniqueViolation(error, 'hosts_server_name_live_key')) {
      throw new HomeportError('domain-taken', 'Domain taken', `Another host already has the homeserver domain "${host.serverName}".`);
    }
    if (isUniqueViolation(error, 'hosts_client_domain_live_key')) {
      throw new HomeportError('domain-taken', 'Domain taken', `Another host already has the client domain "${host.customDns?.clientDomain}".`);
    }
    throw error;
  }
}

export async function findHost(db: Db, hostId: string): Promise<HostRow | undefined> {
  return db.selectFrom('hosts').selectAll().where('id', '=', hostId).executeTakeFirst();
}

/** A host as its owner sees it; any other account gets "not found", never "forbidden". */
export async function findAccountHost(db: Db, accountId: string, hostId: string): Promise<HostRow> {
  const isUuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(hostId);
  const host = await db
    .selectFrom('hosts')
    .selectAll()
    .where('account_id', '=', accountId)
    .where((eb) => (isUuid ? eb('id', '=', hostId) : eb.and([eb('label', '=', hostId), eb('status', '<>', 'cancelled')])))
    .executeTakeFirst();
  if (!host) throw notFound(`Host ${hostId}`);
  return host;
}

/** One page of an account's hosts, newest first; `after` is the last host id of the previous page. */
export async function listAccountHosts(db: Db, accountId: string, page: { limit: number; after?: string }): Promise<{ hosts: HostRow[]; next: string | null }> {
  let query = db.selectFrom('hosts').selectAll().where('account_id', '=', accountId);
  if (page.after) {
    const cursor = await db.selectFrom('hosts').select('id').where('id', '=', page.after).where('account_id', '=', accountId).executeTakeFirst();
    if (!cursor) throw new HomeportError('not-found', 'Unknown cursor', `"${page.after}" is not a host of this account; use the "next" value of the previous page.`);
    // Compared inside PostgreSQL: its timestamps have microseconds, which a JavaScript Date would cut.
    query = query.where(sql<boolean>`(created_at, id) < (SELECT created_at, id FROM hosts WHERE id = ${cursor.id})`);
  }
  const rows = await query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(page.limit + 1).execute();
  const hosts = rows.slice(0, page.limit);
  return { hosts, next: rows.length > page.limit ? (hosts.at(-1)?.id ?? null) : null };
}

export async function hostsWithStatus(db: Db, statuses: HostStatus[]): Promise<HostRow[]> {
  return db.selectFrom('hosts').selectAll().where('status', 'in', statuses).orderBy('created_at').execute();
}

/** Of a host, what the reconciler reads on every pass (once a second, for every host): a narrow row. */
export type HostState = Pick<HostRow, 'id' | 'label' | 'status' | 'server_name' | 'synapse_release'>;

export async function hostStatesWithStatus(db: Db, statuses: HostStatus[]): Promise<HostState[]> {
  return db.selectFrom('hosts').select(['id', 'label', 'status', 'server_name', 'synapse_release']).where('status', 'in', statuses).orderBy('created_at').execute();
}

export async function updateHost(
  db: Db,
  hostId: string,
  changes: Partial<Pick<HostRow, 'seats' | 'status' | 'support_email' | 'synapse_version' | 'cancelled_at' | 'edge_problem'>>,
): Promise<HostRow> {
  return db
    .updateTable('hosts')
    .set({ ...changes, updated_at: sql`now()` })
    .where('id', '=', hostId)
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Sets a status only when the host is in one of `from`; answers whether it changed. */
export async function moveHostStatus(db: Db, hostId: string, from: HostStatus[], to: HostStatus): Promise<boolean> {
  if (from.length === 0) return false;
  const result = await db
    .updateTable('hosts')
    .set({ status: to, updated_at: sql`now()` })
    .where('id', '=', hostId)
    .where('status', 'in', from)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Every customer's hosts with their owner's email, for the operator console. */
export async function listAllHosts(db: Db, options: { status?: HostStatus; limit: number }): Promise<(HostRow & { account_email: string })[]> {
  let query = db
    .selectFrom('hosts')
    .innerJoin('accounts', 'accounts.id', 'hosts.account_id')
    .selectAll('hosts')
    .select('accounts.email as account_email')
    .orderBy('hosts.created_at', 'desc')
    .limit(options.limit);
  if (options.status) query = query.where('hosts.status', '=', options.status);
  return query.execute();
}

/** For the operator console: each host's server name and its customer's email, by host id. */
export async function hostOwners(db: Db, hostIds: readonly string[]): Promise<Map<string, { serverName: string; accountEmail: string }>> {
  if (hostIds.length === 0) return new Map();
  const rows = await db.selectFrom('hosts').innerJoin('accounts', 'accounts.id', 'hosts.account_id')
    .select(['hosts.id', 'hosts.server_name', 'accounts.email']).where('hosts.id', 'in', [...new Set(hostIds)]).execute();
  return new Map(rows.map((row) => [row.id, { serverName: row.server_name, accountEmail: row.email }]));
}

/** For the operator console: the server names of each account's hosts that are not cancelled, by account id. */
export async function liveHostNamesOfAccounts(db: Db, accountIds: readonly string[]): Promise<Map<string, string[]>> {
  const names = new Map<string, string[]>();
  if (accountIds.length === 0) return names;
  const rows = await db.selectFrom('hosts').select(['account_id', 'server_name'])
    .where('account_id', 'in', [...new Set(accountIds)]).where('status', '!=', 'cancelled').orderBy('created_at').execute();
  for (const row of rows) names.set(row.account_id, [...(names.get(row.account_id) ?? []), row.server_name]);
  return names;
}

/** A host's new (or first) client domain; a name another live host owns is refused. */
export async function setHostClientDomain(db: Db, hostId: string, domain: string): Promise<HostRow> {
  await claimHostName(db, hostId, domain, 'client');
  try {
    return await db
      .updateTable('hosts')
      .set({ custom_client_domain: domain, updated_at: sql`now()` })
      .where('id', '=', hostId)
      .returningAll()
      .executeTakeFirstOrThrow();
  } catch (error) {
    if (isUniqueViolation(error, 'hosts_client_domain_live_key')) {
      throw new HomeportError('domain-taken', 'Domain taken', `Another host already has the client domain "${domain}".`);
    }
    throw error;
  }
}

export async function setHostFederation(db: Db, hostId: string, federation: HostFederation): Promise<HostRow> {
  return db
    .updateTable('hosts')
    .set({ federation_mode: federation.mode, federation_allowed_servers: federation.allowedServers, updated_at: sql`now()` })
    .where('id', '=', hostId)
    .returningAll()
    .executeTakeFirstOrThrow();
}
