// Which hosts the edge routes: every live host whose ports are allocated, derived from the database,
// with every name it answers on and its Element Web config.json. Applied whole when Homeport or the
// edge starts, one host at a time when a host changes. One host's bad state never keeps the edge
// from the others: a host whose names another host serves, or whose routes the edge refuses, is
// left out and told why (hosts.edge_problem); every other host is still applied.
import { canonicalName } from '../domain/custom-dns.ts';
import { delegatedServer } from '../domain/delegation.ts';
import { renderElementConfig, type LookAndFeel } from '../domain/element-config.ts';
import { userIdFor } from '../domain/matrix-localpart.ts';
import type { EdgeRefusal, EdgeRoute } from '../runtime/runtime.ts';
import type { Db } from '../store/database.ts';
import { previousClientDomainsOfLiveHosts } from '../store/previous-client-domains.ts';
import type { HomeportContext } from '../homeport-context.ts';
import { adminLocalpart } from './host-admin-access.ts';
import { callsServiceUrlFor, hostAddresses } from './host-spec.ts';

/** The statuses in which a host is served by the edge (and may get certificates for its names). */
export const routedStatuses = ['provisioning', 'running', 'degraded', 'sleeping', 'rebuilding', 'failed', 'exporting', 'upgrading'] as const;

/** The routes of every routed host, or of the one host `onlyHostId` (none when it is not routed). */
export async function routedHosts(context: Pick<HomeportContext, 'db' | 'config'>, onlyHostId?: string): Promise<EdgeRoute[]> {
  let query = context.db
    .selectFrom('hosts')
    .leftJoin('host_look_and_feel', 'host_look_and_feel.host_id', 'hosts.id')
    .select([
      'hosts.id', 'hosts.label', 'hosts.server_name', 'hosts.custom_homeserver_domain', 'hosts.custom_client_domain', 'hosts.support_email', 'hosts.federation_mode', 'hosts.cloned_from_host_id', 'hosts.calls_enabled',
      'host_look_and_feel.brand', 'host_look_and_feel.home_url', 'host_look_and_feel.welcome_url',
      'host_look_and_feel.logo_url', 'host_look_and_feel.welcome_background_url',
    ])
    .where('hosts.status', 'in', [...routedStatuses])
    // Allocated: the runtime can reach it (see hostAllocated).
    .where('hosts.synapse_release', 'is not', null)
    .orderBy('hosts.created_at');
  if (onlyHostId !== undefined) query = query.where('hosts.id', '=', onlyHostId);
  const rows = await query.execute();
  const previous = await previousClientDomainsOfLiveHosts(context.db, rows.map((row) => row.id));
  return rows.map((row) => {
    const addresses = hostAddresses(context.config, row);
    const customNames = [row.custom_client_domain, row.custom_homeserver_domain].filter((name) => name !== null);
    const earlier = previous.filter((domain) => domain.host_id === row.id && !customNames.includes(domain.domain));
    // A host without a look-and-feel row reads nulls here: Element Web's defaults.
    const lookAndFeel: LookAndFeel = {
      brand: row.brand, homeUrl: row.home_url, welcomeUrl: row.welcome_url, logoUrl: row.logo_url, welcomeBackgroundUrl: row.welcome_background_url,
    };
    return {
      id: row.id,
      supportEmail: row.support_email,
      ...addresses,
      customNames,
      previousNames: earlier.filter((domain) => !domain.moved).map((domain) => domain.domain),
      movedNames: earlier.filter((domain) => domain.moved).map((domain) => domain.domain),
      // Federation off: no /.well-known/matrix/server sends other servers to a host that will not answer them.
      delegatedServer: row.federation_mode === 'off'
        ? null
        : delegatedServer({ clientDomain: (row.custom_homeserver_domain ? row.custom_client_domain : null) ?? addresses.edgeHostname, edgeHttpsPort: context.config.edgeHttpsPort }),
      clientConfig: renderElementConfig({ homeserverUrl: addresses.publicBaseUrl, serverName: row.server_name, lookAndFeel, calls: callsServiceUrlFor(context.config, row) !== null }),
      homeportUserId: userIdFor(adminLocalpart, row.server_name),
      callsServiceUrl: callsServiceUrlFor(context.config, row),
    };
  });
}

function servedNames(route: EdgeRoute): string[] {
  return [route.edgeHostname, ...route.customNames, ...route.previousNames, ...route.movedNames].map(canonicalName);
}

/**
 * Routes in which every name is served by one host only. A host serving a name that host_names
 * gives to another host loses the whole route; among hosts with unrecorded names (data from before
 * host_names) the older one keeps the name.
 */
export async function withoutSharedNames(db: Db, routes: EdgeRoute[]): Promise<{ routes: EdgeRoute[]; leftOut: EdgeRefusal[] }> {
  const names = routes.flatMap(servedNames);
  const owners = new Map<string, string>();
  if (names.length > 0) {
    for (const row of await db.selectFrom('host_names').select(['name', 'host_id']).where('name', 'in', names).execute()) owners.set(row.name, row.host_id);
  }
  const served = new Map<string, string>();
  const kept: EdgeRoute[] = [];
  const leftOut: EdgeRefusal[] = [];
  for (const route of routes) {
    const own = servedNames(route);
    const clash = own.find((name) => (owners.get(name) ?? route.id) !== route.id || served.has(name) || own.indexOf(name) !== own.lastIndexOf(name));
    if (clash) {
      leftOut.push({ id: route.id, reason: `the name ${clash} is served by another host, so the edge does not serve this host` });
      continue;
    }
    for (const name of own) served.set(name, route.id);
    kept.push(route);
  }
  return { routes: kept, leftOut };
}

/**
 * Why one host may not have its names, judged by host_names alone (an indexed lookup per name, so
 * one host's change costs the same with any number of hosts): a name recorded for another host,
 * or a name twice in its own routes.
 */
async function sharedNameOf(db: Db, route: EdgeRoute): Promise<EdgeRefusal | undefined> {
  const own = servedNames(route);
  const owners = await db.selectFrom('host_names').select(['name', 'host_id']).where('name', 'in', own).execute();
  const clash = own.find((name, index) => own.indexOf(name) !== index || owners.some((owner) => owner.name === name && owner.host_id !== route.id));
  return clash ? { id: route.id, reason: `the name ${clash} is served by another host, so the edge does not serve this host` } : undefined;
}

/** Stores why each host is not served (null for every host that is), changing only what changed. */
async function recordEdgeProblems(db: Db, problems: EdgeRefusal[]): Promise<void> {
  const ids = problems.map((problem) => problem.id);
  let cleared = db.updateTable('hosts').set({ edge_problem: null }).where('edge_problem', 'is not', null);
  if (ids.length > 0) cleared = cleared.where('id', 'not in', ids);
  await cleared.execute();
  for (const problem of problems) {
    await db.updateTable('hosts').set({ edge_problem: problem.reason }).where('id', '=', problem.id)
      .where((eb) => eb.or([eb('edge_problem', 'is', null), eb('edge_problem', '<>', problem.reason)])).execute();
  }
}

/**
 * Re-renders the edge from the database: the same call adds, updates and removes routes. Answers
 * the hosts left out of it, with why; the others are served whatever is wrong with those.
 */
export async function applyEdgeFromDatabase(context: HomeportContext): Promise<Map<string, string>> {
  const { routes, leftOut } = await withoutSharedNames(context.db, await routedHosts(context));
  const refused = await context.runtime.applyEdge(routes);
  const problems = [...leftOut, ...refused];
  for (const problem of problems) context.logger.warn({ hostId: problem.id, problem: problem.reason }, 'host left out of the edge');
  await recordEdgeProblems(context.db, problems);
  return new Map(problems.map((problem) => [problem.id, problem.reason]));
}

/**
 * Re-renders one host's routes from the database (adding, changing or removing them) and leaves
 * every other host's as they are: what a change of one host costs does not grow with the number
 * of hosts. Answers why the host is not served, or undefined when it is (or is not routed at all).
 */
export async function applyHostEdgeFromDatabase(context: HomeportContext, hostId: string): Promise<string | undefined> {
  const [route] = await routedHosts(context, hostId);
  let problem = route && (await sharedNameOf(context.db, route));
  // A host refused for its names has nothing in the edge, like a host that is not routed.
  if (problem) await context.runtime.applyEdgeHost(hostId, undefined);
  else problem = await context.runtime.applyEdgeHost(hostId, route);
  if (problem) context.logger.warn({ hostId, problem: problem.reason }, 'host left out of the edge');
  await context.db.updateTable('hosts').set({ edge_problem: problem?.reason ?? null }).where('id', '=', hostId)
    .where((eb) => problem ? eb.or([eb('edge_problem', 'is', null), eb('edge_problem', '<>', problem.reason)]) : eb('edge_problem', 'is not', null))
    .execute();
  return problem?.reason;
}
