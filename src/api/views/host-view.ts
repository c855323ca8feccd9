// How a host row becomes the API's host resource.
import type { Static } from 'typebox';
import type { Config } from '../../config.ts';
import type { Host } from '../../contract/hosts.ts';
import { seatWarning } from '../../domain/seats.ts';
import { hostPublicUrl } from '../../jobs/host-spec.ts';
import type { HostRow } from '../../store/schema.ts';

/** `seatsUsed`: counted by the caller where it is worth a look into the host's database (one host, not a list). */
export function hostView(config: Config, host: HostRow, seatsUsed: number | null = null): Static<typeof Host> {
  return {
    id: host.id,
    label: host.label,
    serverName: host.server_name,
    customDns: host.custom_homeserver_domain && host.custom_client_domain
      ? { homeserverDomain: host.custom_homeserver_domain, clientDomain: host.custom_client_domain }
      : null,
    clientDomain: host.custom_client_domain,
    clientDomainCnameTarget: config.edgeCnameTarget,
    homeserverUrl: hostPublicUrl(config, host),
    status: host.status,
    size: host.size,
    seats: host.seats,
    seatsUsed,
    seatsWarning: seatsUsed === null ? null : seatWarning(seatsUsed, host.seats),
    supportEmail: host.support_email,
    synapseVersion: host.synapse_version,
    edgeProblem: host.edge_problem,
    federation: { mode: host.federation_mode, allowedServers: host.federation_allowed_servers },
    callsOffered: config.calls.enabled,
    lastBackup: host.last_backup_status && host.last_backup_at
      ? { status: host.last_backup_status, at: new Date(host.last_backup_at).toISOString(), error: host.last_backup_error }
      : null,
    clonedFromHostId: host.cloned_from_host_id,
    stagingCloneOf: host.cloned_from_label,
    createdAt: new Date(host.created_at).toISOString(),
  };
}
