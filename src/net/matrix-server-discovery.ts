// How a remote Matrix server finds the server behind a server name (the server-server
// specification's "resolving server names"): an IP literal or explicit port as given, else
// /.well-known/matrix/server (redirects followed) and its m.server, else SRV records
// (_matrix-fed._tcp, then the deprecated _matrix._tcp), else the name on port 8448.
import type { SrvRecord } from 'node:dns';
import type { Resolver } from 'node:dns/promises';
import { isIP } from 'node:net';
import { safeFetch, type SafeFetchOptions, type SafeFetchResult } from './safe-fetch.ts';

export interface ServerNameParts {
  host: string;
  port: number | undefined;
}

/** Splits `host[:port]` (IPv6 literals in brackets); undefined when it is no valid server name. */
export function parseServerName(name: string): ServerNameParts | undefined {
  const match = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+)(?::(\d{1,5}))?$/.exec(name);
  if (!match) return undefined;
  const port = match[2] === undefined ? undefined : Number(match[2]);
  if (port !== undefined && (port < 1 || port > 65535)) return undefined;
  const host = match[1]!.replace(/^\[(.*)\]$/, '$1');
  if (match[1]!.startsWith('[') && isIP(host) !== 6) return undefined;
  return { host: host.toLowerCase(), port };
}

export type DiscoveryRoute = 'literal' | 'well-known' | 'well-known-srv' | 'well-known-legacy-srv' | 'well-known-default-port' | 'srv' | 'legacy-srv' | 'default-port';

/** Where federation requests for a server name go. */
export interface DiscoveredServer {
  route: DiscoveryRoute;
  /** The name the TLS certificate must be valid for, and the Host header's. */
  hostname: string;
  port: number;
  /** Set when an SRV record sends the connection to another name than `hostname`. */
  connect: { name: string; port: number } | undefined;
  /** The well-known as fetched; undefined when the server name itself says where to go. */
  wellKnown: SafeFetchResult | undefined;
  /** The m.server the well-known names, when it names a valid one. */
  delegatedTo: string | undefined;
}

const defaultFederationPort = 8448;

function isNoRecord(error: unknown): boolean {
  const code = (error as { code?: string }).code;
  return code === 'ENODATA' || code === 'ENOTFOUND';
}

/** The preferred record of an SRV name (lowest priority, then highest weight); undefined when there is none. */
async function srvTarget(resolver: Resolver, name: string): Promise<SrvRecord | undefined> {
  let records: SrvRecord[];
  try {
    records = await resolver.resolveSrv(name);
  } catch (error) {
    if (isNoRecord(error)) return undefined;
    throw error;
  }
  return records.filter((record) => record.name !== '' && record.name !== '.')
    .sort((a, b) => a.priority - b.priority || b.weight - a.weight)[0];
}

/** The route for a host name with no port: its SRV records, else port 8448. */
async function withoutPort(resolver: Resolver, host: string, delegated: boolean, wellKnown: SafeFetchResult | undefined, delegatedTo: string | undefined): Promise<DiscoveredServer> {
  for (const [prefix, route] of [['_matrix-fed._tcp', delegated ? 'well-known-srv' : 'srv'], ['_matrix._tcp', delegated ? 'well-known-legacy-srv' : 'legacy-srv']] as const) {
    const record = await srvTarget(resolver, `${prefix}.${host}`);
    if (record) return { route, hostname: host, port: record.port, connect: { name: record.name.replace(/\.$/, ''), port: record.port }, wellKnown, delegatedTo };
  }
  return { route: delegated ? 'well-known-default-port' : 'default-port', hostname: host, port: defaultFederationPort, connect: undefined, wellKnown, delegatedTo };
}

function mServer(fetched: SafeFetchResult): ServerNameParts | undefined {
  if (!fetched.ok || fetched.hops.at(-1)?.status !== 200) return undefined;
  try {
    const document: unknown = JSON.parse(fetched.body);
    const value = typeof document === 'object' && document !== null ? (document as Record<string, unknown>)['m.server'] : undefined;
    return typeof value === 'string' ? parseServerName(value) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Resolves a server name the way a remote server does. `fetch` carries the SSRF policy (and may
 * route connections elsewhere); its resolver also answers the SRV look-ups.
 */
export async function discoverServer(serverName: string, fetch: SafeFetchOptions): Promise<DiscoveredServer | undefined> {
  const parts = parseServerName(serverName);
  if (!parts) return undefined;
  if (isIP(parts.host) !== 0 || parts.port !== undefined) {
    return { route: 'literal', hostname: parts.host, port: parts.port ?? defaultFederationPort, connect: undefined, wellKnown: undefined, delegatedTo: undefined };
  }
  const wellKnown = await safeFetch(`https://${parts.host}/.well-known/matrix/server`, fetch);
  const delegated = mServer(wellKnown);
  if (!delegated) return withoutPort(fetch.resolver, parts.host, false, wellKnown, undefined);
  const delegatedTo = delegated.port === undefined ? delegated.host : `${delegated.host}:${delegated.port}`;
  if (isIP(delegated.host) !== 0 || delegated.port !== undefined) {
    return { route: 'well-known', hostname: delegated.host, port: delegated.port ?? defaultFederationPort, connect: undefined, wellKnown, delegatedTo };
  }
  return withoutPort(fetch.resolver, delegated.host, true, wellKnown, delegatedTo);
}

/** The URL of a federation endpoint on a discovered server, and the fetch options that reach it there. */
export function federationRequest(server: DiscoveredServer, path: string, fetch: SafeFetchOptions): { url: string; options: SafeFetchOptions } {
  const host = isIP(server.hostname) === 6 ? `[${server.hostname}]` : server.hostname;
  const { connect } = server;
  const options: SafeFetchOptions = connect
    ? { ...fetch, connectVia: async (_hostname, _port) => fetch.connectVia ? (await fetch.connectVia(connect.name, connect.port)) ?? connect : connect }
    : fetch;
  return { url: `https://${host}:${server.port}${path}`, options };
}
