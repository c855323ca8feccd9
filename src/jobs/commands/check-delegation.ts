// A custom-DNS host's delegation: what its owner publishes, and the check of what is published
// (both well-knowns fetched SSRF-safely, the client domain's CNAME looked up). The check runs on
// request, after creation and again every few hours until it passes.
import type { Task } from 'graphile-worker';
import type { Config } from '../../config.ts';
import { judgeCname, judgeWellKnown, type Finding, type SeenCname } from '../../domain/delegation-findings.ts';
import { renderDelegation, type Delegation, type DelegationInput } from '../../domain/delegation.ts';
import { HomeportError } from '../../domain/errors.ts';
import { createResolver, resolveCname } from '../../net/dns-resolver.ts';
import { safeFetch } from '../../net/safe-fetch.ts';
import { lastDelegationCheck, recordDelegationCheck } from '../../store/delegation-checks.ts';
import { findAccountHost, findHost } from '../../store/hosts.ts';
import { queueDelegationCheck } from '../../store/jobs.ts';
import type { DelegationCheckRow, HostRow } from '../../store/schema.ts';
import { customerFetchOptions } from '../customer-url-fetch.ts';
import type { HomeportContext } from '../../homeport-context.ts';
import { runFederationCheck } from './check-federation.ts';
import { networkErrorWords } from '../../domain/network-errors.ts';

/** A well-known file is a few hundred bytes; anything past this is not one. */
const maxWellKnownBytes = 64 * 1024;
const maxRedirects = 30;

function delegationInput(config: Config, host: HostRow): DelegationInput {
  if (!host.custom_homeserver_domain || !host.custom_client_domain) {
    throw new HomeportError('no-custom-dns', 'No custom DNS', `The host ${host.label} has no custom DNS: Homeport itself serves its well-knowns, so there is nothing to publish or check.`);
  }
  return { homeserverDomain: host.custom_homeserver_domain, clientDomain: host.custom_client_domain, edgeHttpsPort: config.edgeHttpsPort, edgeCnameTarget: config.edgeCnameTarget };
}

export async function showDelegation(context: HomeportContext, accountId: string, hostRef: string): Promise<{ host: HostRow; delegation: Delegation; lastCheck: DelegationCheckRow | undefined }> {
  const host = await findAccountHost(context.db, accountId, hostRef);
  const delegation = renderDelegation(delegationInput(context.config, host));
  return { host, delegation, lastCheck: await lastDelegationCheck(context.db, host.id) };
}

async function seeCname(config: Config, name: string): Promise<SeenCname> {
  try {
    return { ok: true, targets: await resolveCname(createResolver(config.dnsServers), name) };
  } catch (error) {
    return { ok: false, detail: networkErrorWords((error as { code?: string }).code) };
  }
}

/** Runs every check of a custom-DNS host, federation through the delegation included, and records the findings as its last result. */
export async function runDelegationCheck(context: HomeportContext, host: HostRow): Promise<DelegationCheckRow> {
  const input = delegationInput(context.config, host);
  const delegation = renderDelegation(input);
  const options = await customerFetchOptions(context.config, { maxBytes: maxWellKnownBytes, maxRedirects });
  const [client, server, cname] = await Promise.all([
    safeFetch(delegation.client.url, options),
    safeFetch(delegation.server.url, options),
    seeCname(context.config, input.clientDomain),
  ]);
  // After the well-knowns, not beside them: both fetch the same files, each within its own time limit.
  const federation = await runFederationCheck(context, host);
  const findings: Finding[] = [
    ...judgeWellKnown('client', delegation.client.url, delegation.client.document, client, input),
    ...judgeWellKnown('server', delegation.server.url, delegation.server.document, server, input),
    ...judgeCname(input, cname),
    ...(federation?.findings ?? []),
  ];
  context.logger.info({ hostId: host.id, findings: findings.map((finding) => finding.code) }, 'delegation checked');
  return recordDelegationCheck(context.db, host.id, new Date(), findings);
}

export async function checkAccountHostDelegation(context: HomeportContext, accountId: string, hostRef: string): Promise<DelegationCheckRow> {
  return runDelegationCheck(context, await findAccountHost(context.db, accountId, hostRef));
}

/** The queued check: runs it, and while it does not pass queues the next one a while later. */
export function delegationCheckTask(context: HomeportContext): Task {
  return async (payload) => {
    const { hostId } = payload as { hostId: string };
    const host = await findHost(context.db, hostId);
    if (!host || host.status === 'cancelling' || host.status === 'cancelled' || !host.custom_client_domain || !host.custom_homeserver_domain) return;
    const result = await runDelegationCheck(context, host);
    if (!result.passed) await queueDelegationCheck(context.db, hostId, new Date(Date.now() + context.config.delegationRecheckMinutes * 60_000));
  };
}
