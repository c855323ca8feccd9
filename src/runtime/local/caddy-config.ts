// Renders Caddy 2.6's JSON configuration of the edge: the whole of it, and the few hosts' own
// routes (addressable by @id) for changes of one such host. An ordinary host has nothing in
// Caddy's configuration at all: each of its names is a symbolic link `<names dir>/<name>` to the
// host's folder (edge-host-files.ts), and one set of shared routes serves every host through
// that link: its well-knowns, config.json and "no web client" page as files, its Synapse through
// the Unix socket `edge.sock` in its folder (Caddy fills the request's host into the socket's
// path per request). So creating, changing or cancelling an ordinary host is a few file system
// operations and no admin request: the same with 10 hosts as with 1,000. Only a host with moved
// client domains, another protected user, a homeserver.yaml from before edge.sock, or a name too
// long for a socket path has a small route of its own (docs/density-edge.md).
import type { TlsMode } from '../../config.ts';
import { noWebClientPage } from './no-web-client-page.ts';
import { protectedUserRoutes } from './protected-user-routes.ts';

export interface EdgeHost {
  id: string;
  /** The host's name on the base domain; its certificate is obtained up front. */
  hostname: string;
  /** The customer's own names the host answers on (client domain, homeserver domain); certificates on demand. */
  customNames?: string[];
  /** Earlier client domains still served as before (not switched to "moved"); below every current name. */
  previousNames?: string[];
  /** Earlier client domains that answer every request with "server moved". */
  movedNames?: string[];
  /** The address clients use for the host's homeserver. */
  homeserverUrl: string;
  /** Loopback port of the host's Synapse client+federation listener. */
  upstreamPort: number;
  /**
   * Whether the host's Synapse (or its tenant of a shared process) listens for the edge on
   * `edge.sock` in the host's folder (its homeserver.yaml was written since the edge reached
   * hosts that way); without it the edge reaches the host by its port, through a route of its own.
   */
  edgeSocket?: boolean;
  /** `server` is absent for a host with its federation off: it answers 404 like any unknown well-known. */
  wellKnown: { client: object; server?: object; support: object };
  /** Users no request through the edge may name (Homeport's own admin user). */
  protectedUserIds?: string[];
}

export interface CaddyConfigInput {
  /**
   * Path of the admin API's Unix socket, in a directory only Homeport's user can enter: the API
   * has no authentication, and a TCP port would let any local user replace the edge.
   */
  adminSocket: string;
  /** Root of Caddy's file_system storage: certificates, ACME accounts, the local CA. */
  storageDir: string;
  /** '' listens on every interface. */
  bindHost: string;
  httpPort: number;
  httpsPort: number;
  /** acmeCaRoot: a PEM file the ACME CA's certificate chains to (a test CA such as Pebble). */
  tls: { mode: TlsMode; email?: string; acmeCa?: string; acmeCaRoot?: string };
  /**
   * Where Caddy asks whether a name may get an on-demand certificate (`?domain=<name>`; 200 = yes).
   * Caddy 2.6 calls this `on_demand.ask`; Caddy 2.8 and later take a `permission` module instead.
   */
  onDemandAsk?: string;
  /** An unpacked Element Web release served at every host's client URL. */
  /** An Element Web release (index.html at its top) served at every host's address; a sign-in page with the homeserver address while it has none. */
  elementWebDir: string;
  /**
   * The folder of every host's folder (`<hostsDir>/<host id>`): the edge serves a host's
   * well-knowns from `edge/` and its Element Web config.json from `element-web/` in it.
   */
  hostsDir: string;
  /** Where every served host name is a symbolic link to its host's folder (edge-host-files.ts). */
  namesDir: string;
  hosts: EdgeHost[];
  /** Calls: the token service and LiveKit's signalling on their own name; absent with calls off. */
  calls?: EdgeCalls;
}

export interface EdgeCalls {
  /** rtc.<base domain>: its certificate is obtained up front, like a host's base name. */
  hostname: string;
  /** Homeport's API, where the token service answers. */
  tokenServiceDial: string;
  /** LiveKit's signalling port on loopback. */
  livekitDial: string;
}

export type CaddyHandler =
  | { handler: 'subroute'; routes: CaddyRoute[] }
  | { handler: 'static_response'; status_code: number; headers?: Record<string, string[]>; body?: string; close?: boolean }
  | { handler: 'reverse_proxy'; upstreams: Array<{ dial: string }>; load_balancing?: { try_duration: string; try_interval: string } }
  | { handler: 'headers'; response: { set: Record<string, string[]> } }
  | { handler: 'file_server'; root: string; status_code?: number }
  | { handler: 'vars'; [name: string]: string }
  | { handler: 'rewrite'; uri?: string; strip_path_prefix?: string; uri_substring?: Array<{ find: string; replace: string; limit: number }> };

export interface CaddyRoute {
  '@id'?: string;
  match?: CaddyMatcherSet[];
  handle: CaddyHandler[];
  terminal?: boolean;
}

export interface CaddyMatcherSet {
  host?: string[];
  path?: string[];
  method?: string[];
  file?: { root: string; try_files?: string[] };
  vars?: Record<string, string[]>;
  vars_regexp?: Record<string, { name?: string; pattern: string }>;
  not?: CaddyMatcherSet[];
}

export interface CaddyServer {
  listen: string[];
  routes: CaddyRoute[];
  automatic_https?: { disable_redirects: boolean; disable_certificates?: boolean };
  tls_connection_policies?: object[];
}

export interface CaddyIssuer {
  module: 'internal' | 'acme';
  email?: string;
  ca?: string;
  trusted_roots_pem_files?: string[];
}

export interface CaddyAutomationPolicy {
  '@id'?: string;
  subjects?: string[];
  issuers: CaddyIssuer[];
  on_demand?: boolean;
}

export interface CaddyAutomation {
  policies: CaddyAutomationPolicy[];
  on_demand?: { ask: string };
}

export interface CaddyConfig {
  admin: { listen: string; origins: string[]; config: { persist: boolean } };
  storage: { module: 'file_system'; root: string };
  apps: {
    http: {
      http_port: number;
      https_port: number;
      servers: Record<string, CaddyServer>;
    };
    tls: { automation: CaddyAutomation };
    pki: { certificate_authorities: { local: { install_trust: boolean } } };
  };
}

const wellKnownNames = ['client', 'server', 'support'] as const;

const corsHeaders = {
  'Access-Control-Allow-Origin': ['*'],
  'Access-Control-Allow-Methods': ['GET, HEAD, OPTIONS'],
  'Access-Control-Allow-Headers': ['X-Requested-With, Content-Type, Authorization'],
};

const notFound: CaddyHandler = { handler: 'static_response', status_code: 404 };

/**
 * A name this edge does not serve (no longer: the host moved to another installation, or was
 * cancelled): 404, and the connection is closed. A peer's pooled connection, opened while the
 * name was served here, would otherwise carry its requests here forever (Caddy closes idle
 * connections only when its configuration is replaced, which an ordinary host change no longer
 * does); closed, the peer connects again and finds where the name lives now.
 */
const unknownName: CaddyHandler = { handler: 'static_response', status_code: 404, close: true };

// Caddy expands {placeholders} in a static body, {env.*} included, so braces inside JSON
// strings are written as \u escapes; braces outside strings can never spell a placeholder.
function placeholderSafeJson(value: object): string {
  return JSON.stringify(value).replace(/"(?:[^"\\]|\\.)*"/g, (string) =>
    string.replaceAll('{', '\\u007b').replaceAll('}', '\\u007d'));
}

const movedCorsHeaders = {
  'Access-Control-Allow-Origin': ['*'],
  'Access-Control-Allow-Methods': ['GET, POST, PUT, DELETE, OPTIONS'],
  'Access-Control-Allow-Headers': ['X-Requested-With, Content-Type, Authorization'],
};

/** What every Matrix client understands as "sign in again", sent by an old client domain. */
export const serverMovedBody = { errcode: 'M_UNKNOWN_TOKEN', error: 'Server moved, please log in again.' };

/** The variables a host's own route sets for the shared routes (Caddy reads them as {http.vars.<name>}). */
export const hostVar = {
  /** The loopback port of a host the edge reaches by its port (no edge.sock); '' for every other host. */
  port: 'homeport_port',
} as const;

const placeholder = (name: string) => `{http.vars.${name}}`;

/** The name the request is for, as Caddy has it (the Host header without the port). */
const requestHost = '{http.request.host}';

/**
 * The names the edge serves through the names folder: lowercase DNS names, nothing else. This is
 * what keeps `..`, `/` or an empty name out of the file paths built from the request's host.
 */
export const edgeNamePattern = '^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$';
const edgeNameRegExp = new RegExp(edgeNamePattern);

export function isEdgeName(name: string): boolean {
  return name.length <= 253 && edgeNameRegExp.test(name);
}

/** The socket Synapse listens on for the edge, in the host's folder. */
export const edgeSocketName = 'edge.sock';

/** The file in every linked host folder that says a name is a host's (and is its "no web client" page). */
export const noWebClientFile = 'edge/no-web-client.html';

/** The longest path of a Unix socket Caddy can dial (sun_path is 108 bytes with its final NUL). */
const maxSocketPathBytes = 107;

/** The socket the edge dials for a name: through the name's link, so the same for every host. */
export function edgeSocketDial(namesDir: string, name: string): string {
  return `${namesDir}/${name}/${edgeSocketName}`;
}

/** The localpart of Homeport's own user on every host (jobs/host-admin-access.ts adminLocalpart). */
export const standardProtectedLocalpart = 'homeport-admin';

/** The folder the edge serves a host's well-knowns from (`.well-known/matrix/<name>` in it). */
export function hostEdgeFilesDir(hostsDir: string, hostId: string): string {
  return `${hostsDir}/${hostId}/edge`;
}

/** Where a host's Element Web config.json is. */
export function hostClientConfigDir(hostsDir: string, hostId: string): string {
  return `${hostsDir}/${hostId}/element-web`;
}

/** The well-known documents a host serves (a document left out is answered 404), by file name. */
export function wellKnownFiles(host: EdgeHost): Map<string, string | undefined> {
  return new Map(wellKnownNames.map((name) => {
    const document = host.wellKnown[name];
    return [`.well-known/matrix/${name}`, document === undefined ? undefined : JSON.stringify(document)];
  }));
}

/** The "no web client" page of a host, a file in its edge folder (the address is the host's own). */
export function noWebClientHtml(host: EdgeHost): string {
  return noWebClientPage(host.homeserverUrl);
}

/**
 * A sleeping host's socket (or port) is held by Homeport's waker, which lets go of it when the
 * host wakes, a few seconds before Synapse listens: a refused connection is tried again for that
 * long (Caddy retries only connections that failed, never a sent request).
 */
const wakeRetry = { try_duration: '60s', try_interval: '250ms' };

/** The proxy to a host's Synapse through the socket in the folder the request's name links to. */
function socketUpstream(namesDir: string): CaddyHandler {
  return { handler: 'reverse_proxy', upstreams: [{ dial: `unix/${edgeSocketDial(namesDir, requestHost)}` }], load_balancing: wakeRetry };
}

/** The proxy to a host's Synapse by the port its own route set. */
function portUpstream(): CaddyHandler {
  return { handler: 'reverse_proxy', upstreams: [{ dial: `127.0.0.1:${placeholder(hostVar.port)}` }], load_balancing: wakeRetry };
}

/** The @id of the first route, which clears the host variables before the host routes set them. */
export const hostDefaultsRouteId = 'host-defaults';

/**
 * How the edge serves every host, after the own routes of the few hosts that have one (inserted
 * at index 1): the same objects for 1 and for 1,000 hosts, reading the host's files through the
 * link of the request's name.
 */
function sharedRoutes(input: Omit<CaddyConfigInput, 'hosts'>): CaddyRoute[] {
  const nameDir = `${input.namesDir}/${requestHost}`;
  const hostFiles = `${nameDir}/edge`;
  const clientConfigDir = `${nameDir}/element-web`;
  const wellKnownFile = { root: hostFiles, try_files: ['{http.request.uri.path}'] };
  const wellKnownPaths = wellKnownNames.map((name) => `/.well-known/matrix/${name}`);
  const proxied = ['/_matrix/*', '/_synapse/client/*', '/_synapse/admin/*'];
  return [
    // A name no host has: not a DNS name (`..`, `/`, upper case: never looked up), or no link.
    {
      match: [
        { not: [{ vars_regexp: { [requestHost]: { name: 'edge_name', pattern: edgeNamePattern } } }] },
        { not: [{ file: { root: nameDir, try_files: [`/${noWebClientFile}`] } }] },
      ],
      handle: [unknownName],
      terminal: true,
    },
    // Before anything reaches Synapse: Homeport's own user is out of the customer's reach.
    ...protectedUserRoutes([`@${standardProtectedLocalpart}:`]).map((route) => ({ ...route, terminal: true })),
    // Browsers preflight the well-knowns before Matrix web clients may read them.
    {
      match: [{ path: wellKnownPaths, method: ['OPTIONS'], file: wellKnownFile }],
      handle: [{ handler: 'static_response', status_code: 204, headers: corsHeaders }],
      terminal: true,
    },
    {
      // Written by Homeport into the host's folder; a document the host does not serve has no file.
      match: [{ path: wellKnownPaths, method: ['GET', 'HEAD'], file: wellKnownFile }],
      handle: [
        { handler: 'headers', response: { set: { 'Content-Type': ['application/json'], ...corsHeaders } } },
        { handler: 'file_server', root: hostFiles },
      ],
      terminal: true,
    },
    // The Admin API is reachable for the host's own server admins (their token is checked by Synapse).
    // A host reached by its port has set it in its own route; every other host through its socket.
    { match: [{ path: proxied, not: [{ vars: { [hostVar.port]: [''] } }] }], handle: [portUpstream()], terminal: true },
    { match: [{ path: proxied }], handle: [socketUpstream(input.namesDir)], terminal: true },
    // Synapse's metrics, replication and anything else stay unreachable from outside.
    { match: [{ path: ['/_synapse/*', '/_matrix', '/.well-known/*'] }], handle: [notFound], terminal: true },
    {
      // Homeport rewrites config.json whenever the look and feel changes: browsers must ask again.
      match: [{ path: ['/config.json'], file: { root: clientConfigDir, try_files: ['/config.json'] } }],
      handle: [
        { handler: 'headers', response: { set: { 'Cache-Control': ['no-cache'] } } },
        { handler: 'file_server', root: clientConfigDir },
      ],
      terminal: true,
    },
    // The web client when one is installed (the folder has index.html, looked at on every request), else how to sign in without it.
    {
      match: [{ file: { root: input.elementWebDir, try_files: ['/index.html'] } }],
      handle: [{ handler: 'file_server', root: input.elementWebDir }],
      terminal: true,
    },
    {
      handle: [
        { handler: 'headers', response: { set: { 'Cache-Control': ['no-cache'] } } },
        { handler: 'rewrite', uri: `/${noWebClientFile}` },
        { handler: 'file_server', root: nameDir, status_code: 503 },
      ],
      terminal: true,
    },
  ];
}

const callsCorsHeaders = {
  'Access-Control-Allow-Origin': ['*'],
  'Access-Control-Allow-Methods': ['POST, OPTIONS'],
  'Access-Control-Allow-Headers': ['Content-Type'],
};

/**
 * The calls name: /livekit/jwt/* is the token service (Homeport's /api/v1/calls/*, called from
 * web clients on any origin), /livekit/sfu/* LiveKit's websocket; nothing else.
 */
export function renderCallsRoute(calls: EdgeCalls): CaddyRoute {
  return {
    '@id': 'calls',
    match: [{ host: [calls.hostname] }],
    handle: [{
      handler: 'subroute',
      routes: [
        { match: [{ path: ['/livekit/jwt/*'], method: ['OPTIONS'] }], handle: [{ handler: 'static_response', status_code: 204, headers: callsCorsHeaders }] },
        {
          match: [{ path: ['/livekit/jwt/*'] }],
          handle: [
            { handler: 'headers', response: { set: callsCorsHeaders } },
            { handler: 'rewrite', uri_substring: [{ find: '/livekit/jwt/', replace: '/api/v1/calls/', limit: 1 }] },
            { handler: 'reverse_proxy', upstreams: [{ dial: calls.tokenServiceDial }] },
          ],
        },
        {
          match: [{ path: ['/livekit/sfu/*'] }],
          handle: [{ handler: 'rewrite', strip_path_prefix: '/livekit/sfu' }, { handler: 'reverse_proxy', upstreams: [{ dial: calls.livekitDial }] }],
        },
        { handle: [notFound] },
      ],
    }],
    terminal: true,
  };
}

/** The @id of a host's route in the edge server: Caddy's admin API reaches it at /id/<id>. */
export function hostRouteId(hostId: string): string {
  return `host-${hostId}`;
}

/** The @id of the certificate policy of every base name (obtained up front, not on demand). */
export const baseNamesPolicyId = 'base-names';

/**
 * Always among the base names' subjects: a policy whose subjects are empty would be Caddy's
 * catch-all and take every custom name too. `.invalid` names never resolve (RFC 6761).
 */
export const placeholderSubject = 'no-host.homeport.invalid';

/** Every request on a moved client domain is told to sign in again, with what browsers need to read it. */
function movedRoutes(host: EdgeHost): CaddyRoute[] {
  if (!host.movedNames?.length) return [];
  return [{
    match: [{ host: host.movedNames }],
    handle: [{
      handler: 'subroute',
      routes: [
        { match: [{ method: ['OPTIONS'] }], handle: [{ handler: 'static_response', status_code: 204, headers: movedCorsHeaders }] },
        {
          handle: [{
            handler: 'static_response',
            status_code: 401,
            headers: { 'Content-Type': ['application/json'], ...movedCorsHeaders },
            body: placeholderSafeJson(serverMovedBody),
          }],
        },
      ],
    }],
    terminal: true,
  }];
}

/** Every name of a host, base name first. */
function allNames(host: EdgeHost): string[] {
  return [host.hostname, ...(host.customNames ?? []), ...(host.previousNames ?? []), ...(host.movedNames ?? [])];
}

/** The names of a host served through the names folder (moved names answer from its own route). */
export function linkedNames(host: EdgeHost): string[] {
  return [...new Set([host.hostname, ...(host.customNames ?? []), ...(host.previousNames ?? [])].map((name) => name.toLowerCase()))];
}

/** Whether the edge reaches the host by its port: no edge.sock yet, or a name whose socket path would be too long. */
export function reachedByPort(host: EdgeHost, namesDir: string): boolean {
  return !host.edgeSocket || linkedNames(host).some((name) => Buffer.byteLength(edgeSocketDial(namesDir, name)) > maxSocketPathBytes);
}

/**
 * The route of a host of its own, addressable by its @id, for the few hosts that need one (a
 * host change replaces this object alone through the admin API); undefined for every other host,
 * served by the shared routes alone. It matches the host's names (which belong to no other host:
 * Homeport checks that first, so host routes never overlap and their order does not matter),
 * answers what is the host's own (moved client domains: "server moved"; paths naming a protected
 * user other than Homeport's usual one: refused) and sets the port of a host reached by its port.
 * It is not terminal: the shared routes follow.
 */
export function renderHostRoute(host: EdgeHost, namesDir: string): CaddyRoute | undefined {
  const usual = (userId: string) => userId.toLowerCase().startsWith(`@${standardProtectedLocalpart}:`);
  const own = [...movedRoutes(host), ...protectedUserRoutes((host.protectedUserIds ?? []).filter((userId) => !usual(userId)))];
  const byPort = reachedByPort(host, namesDir);
  if (own.length === 0 && !byPort) return undefined;
  return {
    '@id': hostRouteId(host.id),
    match: [{ host: allNames(host) }],
    handle: [
      { handler: 'vars', [hostVar.port]: byPort ? String(host.upstreamPort) : '' },
      ...(own.length > 0 ? [{ handler: 'subroute' as const, routes: own }] : []),
    ],
  };
}

function issuer(tls: CaddyConfigInput['tls']): CaddyIssuer {
  if (tls.mode === 'internal') return { module: 'internal' };
  return {
    module: 'acme',
    ...(tls.email ? { email: tls.email } : {}),
    ...(tls.acmeCa ? { ca: tls.acmeCa } : {}),
    ...(tls.acmeCaRoot ? { trusted_roots_pem_files: [tls.acmeCaRoot] } : {}),
  };
}

function listenAddress(bindHost: string, port: number): string {
  return bindHost.includes(':') ? `[${bindHost}]:${port}` : `${bindHost}:${port}`;
}

// Caddy's own redirects leave out any HTTPS port other than 443 (it takes https_port for an
// internal port behind a forward), so the redirects are ours and name the port clients use. They
// name no host, so a host change never touches this server.
function redirectServer(input: Omit<CaddyConfigInput, 'hosts'>): CaddyServer {
  const port = input.httpsPort === 443 ? '' : `:${input.httpsPort}`;
  // ACME HTTP-01 challenges are answered by Caddy on every server before this route.
  return {
    listen: [listenAddress(input.bindHost, input.httpPort)],
    routes: [{
      handle: [{
        handler: 'static_response',
        status_code: 308,
        headers: { Location: [`https://{http.request.host}${port}{http.request.uri}`] },
      }],
    }],
  };
}

/**
 * With Homeport to ask (always, when Homeport runs), every name gets its certificate on demand,
 * after Homeport has said the name belongs to a host (two indexed lookups: no certificates for
 * strangers): Caddy's configuration holds no list of names, and Caddy manages no names when it
 * applies a change (managing every host's name again took most of a change's time at 1,000
 * hosts). A new host's base name gets its certificate right after its route is set, by a TLS
 * handshake of Homeport's (CaddyEdge), not at the first client's.
 *
 * Without one (an edge on its own), base-domain names get their certificates up front, under one
 * policy whose subjects a new host's name is added to by @id, and nothing else gets any.
 */
function tlsAutomation(input: CaddyConfigInput): CaddyAutomation {
  if (input.onDemandAsk) return { policies: [{ issuers: [issuer(input.tls)], on_demand: true }], on_demand: { ask: input.onDemandAsk } };
  return {
    policies: [{
      '@id': baseNamesPolicyId,
      subjects: [placeholderSubject, ...(input.calls ? [input.calls.hostname] : []), ...input.hosts.map((host) => host.hostname)],
      issuers: [issuer(input.tls)],
    }],
  };
}

export function renderCaddyConfig(input: CaddyConfigInput): CaddyConfig {
  return {
    // Homeport re-applies the configuration on every start, so Caddy keeps no copy of its own.
    // Caddy 2.6 checks the Host header even on a Unix socket; Homeport's requests name localhost.
    admin: { listen: `unix/${input.adminSocket}`, origins: ['localhost'], config: { persist: false } },
    storage: { module: 'file_system', root: input.storageDir },
    apps: {
      http: {
        http_port: input.httpPort,
        https_port: input.httpsPort,
        servers: {
          // Listening on the HTTPS port turns on automatic HTTPS for every host name routed here.
          edge: {
            listen: [listenAddress(input.bindHost, input.httpsPort)],
            // New hosts' routes are inserted at index 1, between the defaults and the shared routes.
            routes: [
              { '@id': hostDefaultsRouteId, handle: [{ handler: 'vars', [hostVar.port]: '' }] },
              ...input.hosts.flatMap((host) => renderHostRoute(host, input.namesDir) ?? []),
              // rtc.<base domain> before the shared routes, whose first answers 404 to a name no host has.
              ...(input.calls ? [renderCallsRoute(input.calls)] : []),
              ...sharedRoutes(input),
            ],
            // Names are not collected from the host routes when every certificate comes on demand.
            automatic_https: { disable_redirects: true, ...(input.onDemandAsk ? { disable_certificates: true } : {}) },
            // TLS on every connection, also for names whose certificate comes on demand.
            tls_connection_policies: [{}],
          },
          redirect: redirectServer(input),
        },
      },
      tls: { automation: tlsAutomation(input) },
      // The local CA must never be installed into the system's trust store.
      pki: { certificate_authorities: { local: { install_trust: false } } },
    },
  };
}
