// Renders Caddy 2.6's JSON configuration of the edge: the whole of it, and each host's own parts
// (its route and its base name's certificate subject, addressable by @id) for changes of one host.
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
  /** `server` is absent for a host with its federation off: it answers 404 like any unknown well-known. */
  wellKnown: { client: object; server?: object; support: object };
  /** The directory holding the host's Element Web config.json. */
  clientConfigDir?: string;
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
  | { handler: 'static_response'; status_code: number; headers?: Record<string, string[]>; body?: string }
  | { handler: 'reverse_proxy'; upstreams: Array<{ dial: string }>; load_balancing?: { try_duration: string; try_interval: string } }
  | { handler: 'headers'; response: { set: Record<string, string[]> } }
  | { handler: 'file_server'; root: string }
  | { handler: 'rewrite'; strip_path_prefix?: string; uri_substring?: Array<{ find: string; replace: string; limit: number }> };

export interface CaddyRoute {
  '@id'?: string;
  match?: Array<{ host?: string[]; path?: string[]; method?: string[]; file?: { root: string; try_files: string[] } }>;
  handle: CaddyHandler[];
  terminal?: boolean;
}

export interface CaddyServer {
  listen: string[];
  routes: CaddyRoute[];
  automatic_https?: { disable_redirects: boolean };
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

/** The web client when one is installed (the folder has index.html, looked at on every request), else how to sign in without it. */
function elementWebRoutes(host: EdgeHost, elementWebDir: string): CaddyRoute[] {
  const config: CaddyRoute[] = host.clientConfigDir ? [{
    // Homeport rewrites config.json whenever the look and feel changes: browsers must ask again.
    match: [{ path: ['/config.json'] }],
    handle: [
      { handler: 'headers', response: { set: { 'Cache-Control': ['no-cache'] } } },
      { handler: 'file_server', root: host.clientConfigDir },
    ],
  }] : [];
  return [
    ...config,
    { match: [{ file: { root: elementWebDir, try_files: ['/index.html'] } }], handle: [{ handler: 'file_server', root: elementWebDir }] },
    { handle: [{ handler: 'static_response', status_code: 503, headers: { 'Content-Type': ['text/html; charset=utf-8'] }, body: noWebClientPage(host.homeserverUrl) }] },
  ];
}

/**
 * The proxy to a host's Synapse. A sleeping host's port is held by Homeport's waker, which lets
 * go of it when the host wakes, a few seconds before Synapse listens: a refused connection is
 * tried again for that long (Caddy retries only connections that failed, never a sent request).
 */
function hostUpstream(host: EdgeHost): CaddyHandler {
  return {
    handler: 'reverse_proxy',
    upstreams: [{ dial: `127.0.0.1:${host.upstreamPort}` }],
    load_balancing: { try_duration: '60s', try_interval: '250ms' },
  };
}

/** How the edge serves a host on its current and earlier names. */
function servingRoutes(host: EdgeHost, elementWebDir: string): CaddyRoute[] {
  const served = wellKnownNames.flatMap((name) => {
    const document = host.wellKnown[name];
    return document === undefined ? [] : [{ name, document }];
  });
  const wellKnownPaths = served.map(({ name }) => `/.well-known/matrix/${name}`);
  const wellKnownRoutes = served.map(({ name, document }): CaddyRoute => ({
    match: [{ path: [`/.well-known/matrix/${name}`] }],
    handle: [{
      handler: 'static_response',
      status_code: 200,
      headers: { 'Content-Type': ['application/json'], ...corsHeaders },
      body: placeholderSafeJson(document),
    }],
  }));
  return [
    // Before anything reaches Synapse: Homeport's own user is out of the customer's reach.
    ...protectedUserRoutes(host.protectedUserIds ?? []),
    // Browsers preflight the well-knowns before Matrix web clients may read them.
    {
      match: [{ path: wellKnownPaths, method: ['OPTIONS'] }],
      handle: [{ handler: 'static_response', status_code: 204, headers: corsHeaders }],
    },
    ...wellKnownRoutes,
    {
      // The Admin API is reachable for the host's own server admins (their token is checked by Synapse).
      match: [{ path: ['/_matrix/*', '/_synapse/client/*', '/_synapse/admin/*'] }],
      handle: [hostUpstream(host)],
    },
    // Synapse's metrics, replication and anything else stay unreachable from outside.
    { match: [{ path: ['/_synapse/*', '/_matrix', '/.well-known/*'] }], handle: [notFound] },
    // Everything else is the web client.
    ...elementWebRoutes(host, elementWebDir),
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

/**
 * Everything the edge server does for one host, as one addressable route: a host change replaces
 * this object alone through the admin API. Its names belong to no other host (Homeport checks
 * that first), so the routes of different hosts never overlap and their order does not matter.
 * Moved client domains answer "server moved"; every other name (current or earlier) serves the host.
 */
export function renderHostRoute(host: EdgeHost, elementWebDir: string): CaddyRoute {
  return {
    '@id': hostRouteId(host.id),
    match: [{ host: allNames(host) }],
    handle: [{ handler: 'subroute', routes: [...movedRoutes(host), ...servingRoutes(host, elementWebDir)] }],
    terminal: true,
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
 * Base-domain names get their certificates up front, under one policy (a policy per host would
 * make Caddy provision an issuer per host at every change); a new host's name is added to its
 * subjects by @id. The customers' own names get theirs only when a client first connects, after
 * Homeport has said the name belongs to a host (no certificates for strangers).
 */
function tlsAutomation(input: CaddyConfigInput): CaddyAutomation {
  const baseNames: CaddyAutomationPolicy = {
    '@id': baseNamesPolicyId,
    subjects: [placeholderSubject, ...(input.calls ? [input.calls.hostname] : []), ...input.hosts.map((host) => host.hostname)],
    issuers: [issuer(input.tls)],
  };
  if (!input.onDemandAsk) return { policies: [baseNames] };
  return { policies: [baseNames, { issuers: [issuer(input.tls)], on_demand: true }], on_demand: { ask: input.onDemandAsk } };
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
            // New hosts' routes are inserted at the front, so the catch-all stays last.
            routes: [
              ...input.hosts.map((host) => renderHostRoute(host, input.elementWebDir)),
              ...(input.calls ? [renderCallsRoute(input.calls)] : []),
              { handle: [notFound] },
            ],
            automatic_https: { disable_redirects: true },
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
