// The federation check of a host, as a remote server sees it: resolve its server name (well-known,
// SRV, port 8448), fetch its key answer over TLS for the right name, verify it is signed by the
// host's own key, fetch its federation version. Runs on request, for every host, and as part of
// a custom-DNS host's delegation check.
import type { Config } from '../../config.ts';
import type { Finding } from '../../domain/delegation-findings.ts';
import { delegatedServer } from '../../domain/delegation.ts';
import { judgeFederation, type FederationExpectation } from '../../domain/federation-findings.ts';
import { hostnameFor } from '../../domain/hostname.ts';
import { HomeportError } from '../../domain/errors.ts';
import { discoverServer, federationRequest, type DiscoveredServer } from '../../net/matrix-server-discovery.ts';
import { safeFetch, type SafeFetchOptions, type SafeFetchResult } from '../../net/safe-fetch.ts';
import { lastFederationCheck, recordFederationCheck } from '../../store/federation-checks.ts';
import { loadHostSecrets } from '../../store/host-secrets.ts';
import { findAccountHost } from '../../store/hosts.ts';
import type { FederationCheckRow, HostRow } from '../../store/schema.ts';
import { hasValidSignature } from '../../synapse/signed-json.ts';
import { parseSigningKey } from '../../synapse/signing-key.ts';
import { federationFetchOptions } from '../federation-fetch.ts';
import type { HomeportContext } from '../../homeport-context.ts';

/** What the host must look like to remote servers; undefined until the host has its signing key. */
async function expectation(context: HomeportContext, host: HostRow): Promise<FederationExpectation | undefined> {
  const { signingKey } = await loadHostSecrets(context.db, context.box, host.id);
  if (!signingKey) return undefined;
  const key = parseSigningKey(signingKey);
  // Only a custom-DNS host's federation goes through its client domain; a client domain added to a
  // host on this installation's domain serves clients only (its name here keeps federating).
  const clientDomain = (host.custom_homeserver_domain ? host.custom_client_domain : null) ?? hostnameFor(host.label, context.config.baseDomain);
  return {
    serverName: host.server_name,
    keyId: key.keyId,
    publicKey: key.publicKey,
    delegatedServer: delegatedServer({ clientDomain, edgeHttpsPort: context.config.edgeHttpsPort }),
    wellKnownBy: host.custom_homeserver_domain ? 'customer' : 'edge',
  };
}

function parsedObject(fetched: SafeFetchResult): Record<string, unknown> | undefined {
  if (!fetched.ok) return undefined;
  try {
    const value: unknown = JSON.parse(fetched.body);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? value as Record<string, unknown> : undefined;
  } catch {
    return undefined;
  }
}

/** A federation endpoint of the discovered server, fetched without redirects, as Synapse does. */
function fetchEndpoint(server: DiscoveredServer, path: string, options: SafeFetchOptions): Promise<SafeFetchResult> {
  const request = federationRequest(server, path, { ...options, maxRedirects: 0 });
  return safeFetch(request.url, request.options);
}

/** What a remote server sees of the host, judged. */
export async function federationFindings(config: Config, context: Pick<HomeportContext, 'developmentEdge'>, expected: FederationExpectation): Promise<Finding[]> {
  const options = await federationFetchOptions(config, context.developmentEdge);
  const discovery = await discoverServer(expected.serverName, options);
  const key = discovery ? await fetchEndpoint(discovery, '/_matrix/key/v2/server', options) : undefined;
  const answer = key ? parsedObject(key) : undefined;
  const keySignedByHost = answer ? hasValidSignature(answer, expected.serverName, expected.keyId, expected.publicKey) : false;
  const version = discovery && key?.ok ? await fetchEndpoint(discovery, '/_matrix/federation/v1/version', options) : undefined;
  return judgeFederation({ discovery, key, keySignedByHost, version, now: new Date() }, expected);
}

/**
 * Runs the federation check of a host and records its findings as the last result; undefined
 * while the host is too new to have a signing key.
 */
export async function runFederationCheck(context: HomeportContext, host: HostRow): Promise<FederationCheckRow | undefined> {
  const expected = await expectation(context, host);
  if (!expected) return undefined;
  const findings = await federationFindings(context.config, context, expected);
  context.logger.info({ hostId: host.id, findings: findings.map((finding) => finding.code) }, 'federation checked');
  return recordFederationCheck(context.db, host.id, new Date(), findings);
}

export async function checkAccountHostFederation(context: HomeportContext, accountId: string, hostRef: string): Promise<FederationCheckRow> {
  const host = await findAccountHost(context.db, accountId, hostRef);
  const row = await runFederationCheck(context, host);
  if (!row) throw new HomeportError('host-busy', 'Host not built yet', `The host ${host.label} is still being built: check its federation once it runs.`);
  return row;
}

export async function showFederationCheck(context: HomeportContext, accountId: string, hostRef: string): Promise<FederationCheckRow | undefined> {
  const host = await findAccountHost(context.db, accountId, hostRef);
  return lastFederationCheck(context.db, host.id);
}
