// Judges what a federation check saw, as a remote server sees it (the well-known, where it led,
// the server's key answer and its federation version) and turns it into findings with the fix.
import type { Finding, SeenDocument } from './delegation-findings.ts';
import { isCertificateFailure } from './network-errors.ts';

/** What Homeport knows the host must look like to a remote server. */
export interface FederationExpectation {
  serverName: string;
  /** e.g. `ed25519:a_AbCd`, and its unpadded base64 public key: the host's own signing key. */
  keyId: string;
  publicKey: string;
  /** The m.server Homeport publishes for the host: `<name>:<edge HTTPS port>`. */
  delegatedServer: string;
  /** Who serves /.well-known/matrix/server on the server name: Homeport's edge, or the customer's site. */
  wellKnownBy: 'edge' | 'customer';
}

export interface SeenFederation {
  /** Undefined when the server name is no valid Matrix server name. */
  discovery: {
    route: string;
    hostname: string;
    port: number;
    connect: { name: string; port: number } | undefined;
    wellKnown: SeenDocument | undefined;
    delegatedTo: string | undefined;
  } | undefined;
  key: SeenDocument | undefined;
  /** Whether the key answer carries a valid signature by the host's own key. */
  keySignedByHost: boolean;
  version: SeenDocument | undefined;
  now: Date;
}

function wellKnownUrl(expected: FederationExpectation): string {
  return `https://${expected.serverName}/.well-known/matrix/server`;
}

function publishFix(expected: FederationExpectation): string {
  const document = JSON.stringify({ 'm.server': expected.delegatedServer });
  if (expected.wellKnownBy === 'customer') return `Publish exactly ${document} at ${wellKnownUrl(expected)}, as the delegation page shows.`;
  return `Homeport's edge serves ${document} at ${wellKnownUrl(expected)}; if it does not, the installation's edge is not reachable: tell your provider.`;
}

function providerFix(what: string): string {
  return `${what} This is on Homeport's side: rebuild the host, and if that does not help, tell your provider.`;
}

function describeWellKnown(seen: SeenDocument): string {
  if (!seen.ok) return `could not be fetched (${seen.detail})`;
  const status = seen.hops.at(-1)?.status;
  return status === 200 ? 'holds no valid "m.server"' : `answers with status ${status}`;
}

function where(discovery: NonNullable<SeenFederation['discovery']>): string {
  const target = `${discovery.hostname}:${discovery.port}`;
  return discovery.connect ? `${target} (by its SRV record, ${discovery.connect.name}:${discovery.connect.port})` : target;
}

function judgeDelegation(discovery: NonNullable<SeenFederation['discovery']>, expected: FederationExpectation, keyReached: boolean): Finding[] {
  const severity = keyReached ? 'warning' : 'error';
  const { wellKnown, delegatedTo } = discovery;
  if (!wellKnown) return [];
  if (delegatedTo === undefined) {
    return [{
      severity, code: 'federation-well-known-missing',
      message: `${wellKnownUrl(expected)} ${describeWellKnown(wellKnown)}, so remote servers look for ${expected.serverName} at ${where(discovery)}${keyReached ? ', where it answers' : ''}.`,
      fix: publishFix(expected),
    }];
  }
  if (delegatedTo !== expected.delegatedServer) {
    return [{
      severity, code: 'federation-delegated-elsewhere',
      message: `${wellKnownUrl(expected)} sends remote servers to ${delegatedTo}, but this host answers federation at ${expected.delegatedServer}.`,
      fix: publishFix(expected),
    }];
  }
  return [];
}

function reachFix(discovery: NonNullable<SeenFederation['discovery']>, expected: FederationExpectation, what: string): string {
  if (discovery.delegatedTo !== expected.delegatedServer) return publishFix(expected);
  if (expected.wellKnownBy === 'customer') {
    return `${what} Homeport's edge answers for ${discovery.hostname} once its DNS record points at the edge and the edge has obtained its certificate: check the CNAME record on the delegation page, then check again in a few minutes.`;
  }
  return providerFix(what);
}

function parseObject(body: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(body);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? value as Record<string, unknown> : undefined;
  } catch {
    return undefined;
  }
}

function judgeKeyAnswer(seen: SeenFederation, discovery: NonNullable<SeenFederation['discovery']>, expected: FederationExpectation): Finding[] {
  const key = seen.key;
  const url = `https://${discovery.hostname}:${discovery.port}/_matrix/key/v2/server`;
  if (!key) return [];
  if (!key.ok) {
    const certificate = key.failure === 'unreachable' && isCertificateFailure(key.detail);
    return [certificate
      ? { severity: 'error', code: 'federation-certificate', message: `The certificate of ${where(discovery)} is not valid for ${discovery.hostname} to a remote server: ${key.detail}.`, fix: reachFix(discovery, expected, `Federation needs a certificate for ${discovery.hostname} from a public CA.`) }
      : { severity: 'error', code: 'federation-unreachable', message: `Remote servers cannot reach ${expected.serverName} at ${where(discovery)}: ${key.detail}.`, fix: reachFix(discovery, expected, 'The host\'s federation port does not answer.') }];
  }
  const status = key.hops.at(-1)?.status;
  if (status !== 200) {
    return [{ severity: 'error', code: 'federation-key-status', message: `${url} answers with status ${status} instead of the server's key: no Matrix server answers there.`, fix: reachFix(discovery, expected, 'The host\'s Synapse does not answer.') }];
  }
  const answer = parseObject(key.body);
  if (!answer) return [{ severity: 'error', code: 'federation-key-invalid', message: `${url} does not answer a JSON object.`, fix: reachFix(discovery, expected, 'Something other than the host\'s Synapse answers.') }];
  if (answer.server_name !== expected.serverName) {
    return [{ severity: 'error', code: 'federation-key-other-server', message: `${url} answers for the server "${String(answer.server_name)}", not for ${expected.serverName}: another Matrix server answers there.`, fix: publishFix(expected) }];
  }
  const verifyKeys = answer.verify_keys as Record<string, { key?: unknown } | undefined> | undefined;
  const offered = typeof verifyKeys === 'object' && verifyKeys !== null ? verifyKeys[expected.keyId]?.key : undefined;
  if (offered !== expected.publicKey || !seen.keySignedByHost) {
    return [{
      severity: 'error', code: 'federation-key-other-key',
      message: `The server answering for ${expected.serverName} at ${where(discovery)} does not ${offered === expected.publicKey ? 'sign its answer with' : 'offer'} this host's key ${expected.keyId}: remote servers would not trust this host's messages.`,
      fix: discovery.delegatedTo === expected.delegatedServer ? providerFix('Another server, or another key, answers for this host.') : publishFix(expected),
    }];
  }
  const validUntil = answer.valid_until_ts;
  if (typeof validUntil !== 'number' || validUntil <= seen.now.getTime()) {
    return [{ severity: 'error', code: 'federation-key-expired', message: `The key answer of ${expected.serverName} ${typeof validUntil === 'number' ? `expired at ${new Date(validUntil).toISOString()}` : 'has no "valid_until_ts"'}: remote servers stop accepting it.`, fix: providerFix('Synapse renews this by itself.') }];
  }
  return [];
}

function judgeVersion(seen: SeenFederation, discovery: NonNullable<SeenFederation['discovery']>, expected: FederationExpectation): Finding[] {
  const version = seen.version;
  if (!version) return [];
  const answer = version.ok && version.hops.at(-1)?.status === 200 ? parseObject(version.body) : undefined;
  const server = answer?.server as Record<string, unknown> | undefined;
  if (typeof server?.name === 'string') return [];
  return [{
    severity: 'error', code: 'federation-version',
    message: `https://${discovery.hostname}:${discovery.port}/_matrix/federation/v1/version ${version.ok ? `answers with status ${version.hops.at(-1)?.status} and no server version` : `could not be fetched (${version.detail})`}: remote servers cannot use the federation API there.`,
    fix: reachFix(discovery, expected, 'The federation API of the host does not answer.'),
  }];
}

/** Findings of a federation check; none means remote servers reach the host and trust its key. */
export function judgeFederation(seen: SeenFederation, expected: FederationExpectation): Finding[] {
  const discovery = seen.discovery;
  if (!discovery) {
    return [{ severity: 'error', code: 'federation-server-name-invalid', message: `"${expected.serverName}" is not a server name remote servers can resolve.`, fix: providerFix('The host\'s server name is invalid.') }];
  }
  const keyFindings = judgeKeyAnswer(seen, discovery, expected);
  const keyReached = seen.key?.ok === true && keyFindings.length === 0;
  return [...judgeDelegation(discovery, expected, keyReached), ...keyFindings, ...(keyFindings.length === 0 ? judgeVersion(seen, discovery, expected) : [])];
}
