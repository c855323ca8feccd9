// A customer chooses whom the host federates with: everyone, listed servers, or nobody. Synapse
// reads it from homeserver.yaml, so a change is applied by a rebuild (re-render and restart).
import { HomeportError } from '../../domain/errors.ts';
import { invalidServerNames, maxAllowedServers, normaliseAllowedServers, type FederationMode, type HostFederation } from '../../domain/federation.ts';
import { recordAudit } from '../../store/audit-log.ts';
import { findAccountHost, setHostFederation } from '../../store/hosts.ts';
import type { HostRow, JobRow } from '../../store/schema.ts';
import type { HomeportContext } from '../../homeport-context.ts';
import { queueRebuild } from './rebuild-host.ts';

export interface FederationChange {
  mode: FederationMode;
  /** Omitted: the stored list stays. */
  allowedServers?: string[];
}

function invalid(message: string): HomeportError {
  return new HomeportError('invalid-input', 'Invalid federation setting', message, { errors: [{ field: 'allowedServers', message }] });
}

function checkedFederation(host: HostRow, change: FederationChange): HostFederation {
  const raw = change.allowedServers ?? host.federation_allowed_servers;
  const bad = invalidServerNames(raw);
  if (bad.length > 0) throw invalid(`Not Matrix server names: ${bad.slice(0, 5).map((name) => `"${name}"`).join(', ')}. A server name is a domain such as example.org, optionally with a port (example.org:8448).`);
  const allowedServers = normaliseAllowedServers(raw, host.server_name);
  if (allowedServers.length > maxAllowedServers) throw invalid(`At most ${maxAllowedServers} servers can be listed.`);
  if (change.mode === 'allowlist' && allowedServers.length === 0) {
    throw invalid('Private federation needs at least one other server; to federate with nobody, turn federation off.');
  }
  return { mode: change.mode, allowedServers };
}

const sameList = (a: string[], b: string[]) => a.length === b.length && a.every((name, index) => name === b[index]);

export async function changeFederation(context: HomeportContext, accountId: string, hostRef: string, change: FederationChange): Promise<{ host: HostRow; job: JobRow | null }> {
  return context.db.transaction().execute(async (trx) => {
    const found = await findAccountHost(trx, accountId, hostRef);
    await trx.selectFrom('hosts').select('id').where('id', '=', found.id).forUpdate().execute();
    const host = await findAccountHost(trx, accountId, found.id);
    if (host.status === 'cancelling' || host.status === 'cancelled') {
      throw new HomeportError('host-busy', 'Host is cancelled', `Host ${host.label} is cancelled and cannot be changed.`);
    }
    if (host.cloned_from_host_id && change.mode !== 'off') {
      const message = `Host ${host.label} is a staging clone carrying the server name ${host.server_name} of the host it was restored from: federating would impersonate that host to other servers. A clone's federation stays off.`;
      throw new HomeportError('invalid-input', 'Federation stays off on a staging clone', message, { errors: [{ field: 'mode', message }] });
    }
    const federation = checkedFederation(host, change);
    if (federation.mode === host.federation_mode && sameList(federation.allowedServers, host.federation_allowed_servers)) return { host, job: null };
    const changed = await setHostFederation(trx, host.id, federation);
    const job = await queueRebuild(trx, changed);
    await recordAudit(trx, {
      actorAccountId: accountId, actor: 'customer', action: 'host.federation', hostId: host.id,
      details: { from: host.federation_mode, to: federation.mode, allowedServers: federation.allowedServers },
    });
    return { host: await findAccountHost(trx, accountId, host.id), job };
  });
}
