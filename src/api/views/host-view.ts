// How a host row becomes the API's host resource.
import type { Static } from 'typebox';
import type { Config } from '../../config.ts';
import type { Host } from '../../contract/hosts.ts';
import { hostPublicUrl } from '../../jobs/host-spec.ts';
import type { HostRow } from '../../store/schema.ts';

export function hostView(config: Config, host: HostRow): Static<typeof Host> {
  return {
    id: host.id,
    label: host.label,
    serverName: host.server_name,
    customDns: host.custom_homeserver_domain && host.custom_client_domain
      ? { homeserverDomain: host.custom_homeserver_domain, clientDomain: host.custom_client_domain }
      : null,
    homeserverUrl: hostPublicUrl(config, host),
    status: host.status,
    size: host.size,
    seats: host.seats,
    supportEmail: host.support_email,
    synapseVersion: host.synapse_version,
    federation: { mode: host.federation_mode, allowedServers: host.federation_allowed_servers },
    createdAt: new Date(host.created_at).toISOString(),
  };
}
