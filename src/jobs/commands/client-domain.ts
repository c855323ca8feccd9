// Moving a custom-DNS host to a new client domain: the old one becomes a previous client domain
// (still served until switched to "moved"), Synapse is rebuilt with the new public URL, the edge
// follows at the end of that rebuild, and the delegation is checked again.
import { canonicalName, explainDomainProblem, normaliseDomain } from '../../domain/custom-dns.ts';
import { HomeportError, notFound } from '../../domain/errors.ts';
import { recordAudit } from '../../store/audit-log.ts';
import { findAccountHost, findHost, setHostClientDomain } from '../../store/hosts.ts';
import { queueDelegationCheck } from '../../store/jobs.ts';
import { listPreviousClientDomains, replaceClientDomain, setPreviousClientDomainMoved } from '../../store/previous-client-domains.ts';
import type { HostRow, JobRow, PreviousClientDomainRow } from '../../store/schema.ts';
import { applyHostEdgeFromDatabase } from '../edge-hosts.ts';
import type { HomeportContext } from '../../homeport-context.ts';
import { queueRebuild } from './rebuild-host.ts';

function assertChangeable(host: HostRow): void {
  if (host.status === 'cancelling' || host.status === 'cancelled') {
    throw new HomeportError('host-busy', 'Host is cancelled', `Host ${host.label} is cancelled and cannot be changed.`);
  }
}

function customClientDomain(host: HostRow): string {
  if (!host.custom_client_domain || !host.custom_homeserver_domain) {
    throw new HomeportError('no-custom-dns', 'No custom DNS', `The host ${host.label} has no custom DNS: its client URL is its name on this installation and does not change.`);
  }
  return host.custom_client_domain;
}

export async function changeClientDomain(context: HomeportContext, accountId: string, hostRef: string, raw: string): Promise<{ host: HostRow; job: JobRow | null }> {
  const checked = normaliseDomain(raw, context.config.baseDomain);
  if ('problem' in checked) {
    const message = explainDomainProblem('The client domain', raw, checked.problem);
    throw new HomeportError('custom-dns-invalid', 'Invalid client domain', message, { errors: [{ field: 'clientDomain', message }] });
  }
  const domain = checked.domain;
  return context.db.transaction().execute(async (trx) => {
    const found = await findAccountHost(trx, accountId, hostRef);
    await trx.selectFrom('hosts').select('id').where('id', '=', found.id).forUpdate().execute();
    const host = await findAccountHost(trx, accountId, found.id);
    assertChangeable(host);
    const old = customClientDomain(host);
    if (domain === old) return { host, job: null };
    if (domain === host.custom_homeserver_domain) {
      const message = 'The client domain must differ from the homeserver domain, e.g. chat.example.com for example.com.';
      throw new HomeportError('custom-dns-invalid', 'Invalid client domain', message, { errors: [{ field: 'clientDomain', message }] });
    }
    const changed = await setHostClientDomain(trx, host.id, domain);
    await replaceClientDomain(trx, host.id, old, domain);
    // Synapse's public_baseurl names the client domain: the rebuild re-renders it, then the edge.
    const job = await queueRebuild(trx, changed);
    await queueDelegationCheck(trx, host.id, new Date());
    await recordAudit(trx, { actorAccountId: accountId, actor: 'customer', action: 'host.client-domain', hostId: host.id, details: { from: old, to: domain } });
    return { host: await findAccountHost(trx, accountId, host.id), job };
  });
}

export async function accountPreviousClientDomains(context: HomeportContext, accountId: string, hostRef: string): Promise<{ host: HostRow; domains: PreviousClientDomainRow[] }> {
  const host = await findAccountHost(context.db, accountId, hostRef);
  return { host, domains: await listPreviousClientDomains(context.db, host.id) };
}

export interface MovedSwitch {
  actorAccountId: string;
  actor: 'customer' | 'operator';
  domain: string;
  moved: boolean;
}

async function switchMoved(context: HomeportContext, host: HostRow, change: MovedSwitch): Promise<PreviousClientDomainRow> {
  assertChangeable(host);
  const domain = canonicalName(change.domain);
  const row = await context.db.transaction().execute(async (trx) => {
    const updated = await setPreviousClientDomainMoved(trx, host.id, domain, change.moved);
    if (!updated) throw notFound(`The previous client domain ${domain} of host ${host.label}`);
    await recordAudit(trx, { actorAccountId: change.actorAccountId, actor: change.actor, action: 'host.previous-client-domain', hostId: host.id, details: { domain, moved: change.moved } });
    return updated;
  });
  await applyHostEdgeFromDatabase(context, host.id);
  return row;
}

/** The customer switches an old client domain of their host to answer "server moved", or back. */
export async function setAccountPreviousDomainMoved(context: HomeportContext, accountId: string, hostRef: string, domain: string, moved: boolean): Promise<PreviousClientDomainRow> {
  const host = await findAccountHost(context.db, accountId, hostRef);
  return switchMoved(context, host, { actorAccountId: accountId, actor: 'customer', domain, moved });
}

/** The same for the operator, on any customer's host. */
export async function setOperatorPreviousDomainMoved(context: HomeportContext, operatorId: string, hostId: string, domain: string, moved: boolean): Promise<PreviousClientDomainRow> {
  const host = await findHost(context.db, hostId);
  if (!host) throw notFound(`Host ${hostId}`);
  return switchMoved(context, host, { actorAccountId: operatorId, actor: 'operator', domain, moved });
}
