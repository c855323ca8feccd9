// A host's own client domain: a host bought without custom DNS can add one later (its server name
// never changes; the domain's CNAME record must already lead to the edge, so clients are never
// sent to a name that does not reach the host), and any host can move to a new one: the old one
// becomes a previous client domain (still served until switched to "moved"). Synapse is rebuilt
// with the new public URL, the edge follows at the end of that rebuild, and a custom-DNS host's
// delegation is checked again.
import { canonicalName, explainDomainProblem, normaliseDomain } from '../../domain/custom-dns.ts';
import { judgeCname, type SeenCname } from '../../domain/delegation-findings.ts';
import { networkErrorWords } from '../../domain/network-errors.ts';
import { createResolver, resolveCname } from '../../net/dns-resolver.ts';
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

/** Refuses a first client domain whose CNAME record does not lead to the edge yet (with the record to create). */
async function requireCnameToEdge(context: HomeportContext, host: HostRow, domain: string): Promise<void> {
  let seen: SeenCname;
  try {
    seen = { ok: true, targets: await resolveCname(createResolver(context.config.dnsServers), domain) };
  } catch (error) {
    seen = { ok: false, detail: networkErrorWords((error as { code?: string }).code) };
  }
  const input = { homeserverDomain: host.server_name, clientDomain: domain, edgeHttpsPort: context.config.edgeHttpsPort, edgeCnameTarget: context.config.edgeCnameTarget };
  const finding = judgeCname(input, seen)[0];
  if (!finding) return;
  const message = `${finding.message} ${finding.fix} Then add the domain again.`;
  throw new HomeportError('custom-dns-invalid', 'Publish the DNS record first', message, { errors: [{ field: 'clientDomain', message }] });
}

export async function changeClientDomain(context: HomeportContext, accountId: string, hostRef: string, raw: string): Promise<{ host: HostRow; job: JobRow | null }> {
  const checked = normaliseDomain(raw, context.config.baseDomain);
  if ('problem' in checked) {
    const message = explainDomainProblem('The client domain', raw, checked.problem);
    throw new HomeportError('custom-dns-invalid', 'Invalid client domain', message, { errors: [{ field: 'clientDomain', message }] });
  }
  const domain = checked.domain;
  const before = await findAccountHost(context.db, accountId, hostRef);
  if (!before.custom_homeserver_domain && before.custom_client_domain !== domain) await requireCnameToEdge(context, before, domain);
  return context.db.transaction().execute(async (trx) => {
    const found = await findAccountHost(trx, accountId, hostRef);
    await trx.selectFrom('hosts').select('id').where('id', '=', found.id).forUpdate().execute();
    const host = await findAccountHost(trx, accountId, found.id);
    assertChangeable(host);
    const old = host.custom_client_domain;
    if (domain === old) return { host, job: null };
    if (domain === host.custom_homeserver_domain) {
      const message = 'The client domain must differ from the homeserver domain, e.g. chat.example.com for example.com.';
      throw new HomeportError('custom-dns-invalid', 'Invalid client domain', message, { errors: [{ field: 'clientDomain', message }] });
    }
    const changed = await setHostClientDomain(trx, host.id, domain);
    if (old) await replaceClientDomain(trx, host.id, old, domain);
    // Synapse's public_baseurl names the client domain: the rebuild re-renders it, then the edge.
    const job = await queueRebuild(trx, changed);
    if (host.custom_homeserver_domain) await queueDelegationCheck(trx, host.id, new Date());
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
