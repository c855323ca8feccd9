// Which hosts the edge routes: every live host whose ports are allocated, derived from the database,
// with every name it answers on and its Element Web config.json.
import { delegatedServer } from '../domain/delegation.ts';
import { renderElementConfig, type LookAndFeel } from '../domain/element-config.ts';
import { userIdFor } from '../domain/matrix-localpart.ts';
import type { EdgeRoute } from '../runtime/runtime.ts';
import { previousClientDomainsOfLiveHosts } from '../store/previous-client-domains.ts';
import type { HomeportContext } from './job-context.ts';
import { adminLocalpart } from './host-admin-access.ts';
import { hostAddresses } from './host-spec.ts';

/** The statuses in which a host is served by the edge (and may get certificates for its names). */
export const routedStatuses = ['provisioning', 'running', 'degraded', 'rebuilding', 'failed', 'exporting'] as const;

export async function routedHosts(context: Pick<HomeportContext, 'db' | 'config'>): Promise<EdgeRoute[]> {
  const rows = await context.db
    .selectFrom('hosts')
    .leftJoin('host_look_and_feel', 'host_look_and_feel.host_id', 'hosts.id')
    .select([
      'hosts.id', 'hosts.label', 'hosts.server_name', 'hosts.custom_homeserver_domain', 'hosts.custom_client_domain', 'hosts.http_port', 'hosts.support_email',
      'host_look_and_feel.brand', 'host_look_and_feel.home_url', 'host_look_and_feel.welcome_url',
      'host_look_and_feel.logo_url', 'host_look_and_feel.welcome_background_url',
    ])
    .where('hosts.status', 'in', [...routedStatuses])
    .where('hosts.http_port', 'is not', null)
    .orderBy('hosts.created_at')
    .execute();
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
      httpPort: row.http_port as number,
      supportEmail: row.support_email,
      ...addresses,
      customNames,
      previousNames: earlier.filter((domain) => !domain.moved).map((domain) => domain.domain),
      movedNames: earlier.filter((domain) => domain.moved).map((domain) => domain.domain),
      delegatedServer: delegatedServer({ clientDomain: row.custom_client_domain ?? addresses.edgeHostname, edgeHttpsPort: context.config.edgeHttpsPort }),
      clientConfig: renderElementConfig({ homeserverUrl: addresses.publicBaseUrl, serverName: row.server_name, lookAndFeel }),
      homeportUserId: userIdFor(adminLocalpart, row.server_name),
    };
  });
}

/** Re-renders the edge from the database: the same call adds, updates and removes routes. */
export async function applyEdgeFromDatabase(context: HomeportContext): Promise<void> {
  await context.runtime.applyEdge(await routedHosts(context));
}
