// Renders the whole Caddy 2.6 JSON configuration of the edge from the hosts it must route.
import type { TlsMode } from '../../config.ts';

export interface EdgeHost {
  id: string;
  hostname: string;
  /** Loopback port of the host's Synapse client+federation listener. */
  upstreamPort: number;
  wellKnown: { client: object; server: object; support: object };
}

export interface CaddyConfigInput {
  /** host:port of the admin API, always loopback. */
  adminListen: string;
  /** Root of Caddy's file_system storage: certificates, ACME accounts, the local CA. */
  storageDir: string;
  /** '' listens on every interface. */
  bindHost: string;
  httpPort: number;
  httpsPort: number;
  /** acmeCaRoot: a PEM file the ACME CA's certificate chains to (a test CA such as Pebble). */
  tls: { mode: TlsMode; email?: string; acmeCa?: string; acmeCaRoot?: string };
  hosts: EdgeHost[];
}

export type CaddyHandler =
  | { handler: 'subroute'; routes: CaddyRoute[] }
  | { handler: 'static_response'; status_code: number; headers?: Record<string, string[]>; body?: string }
  | { handler: 'reverse_proxy'; upstreams: Array<{ dial: string }> };

export interface CaddyRoute {
  '@id'?: string;
  match?: Array<{ host?: string[]; path?: string[]; method?: string[] }>;
  handle: CaddyHandler[];
  terminal?: boolean;
}

export interface CaddyServer {
  listen: string[];
  routes: CaddyRoute[];
  automatic_https?: { disable_redirects: boolean };
}

export interface CaddyIssuer {
  module: 'internal' | 'acme';
  email?: string;
  ca?: string;
  trusted_roots_pem_files?: string[];
}

export interface CaddyConfig {
  admin: { listen: string; config: { persist: boolean } };
  storage: { module: 'file_system'; root: string };
  apps: {
    http: {
      http_port: number;
      https_port: number;
      servers: Record<string, CaddyServer>;
    };
    tls?: { automation: { policies: Array<{ subjects: string[]; issuers: CaddyIssuer[] }> } };
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

function hostRoute(host: EdgeHost): CaddyRoute {
  const wellKnownPaths = wellKnownNames.map((name) => `/.well-known/matrix/${name}`);
  const wellKnownRoutes = wellKnownNames.map((name): CaddyRoute => ({
    match: [{ path: [`/.well-known/matrix/${name}`] }],
    handle: [{
      handler: 'static_response',
      status_code: 200,
      headers: { 'Content-Type': ['application/json'], ...corsHeaders },
      body: placeholderSafeJson(host.wellKnown[name]),
    }],
  }));
  return {
    '@id': `host-${host.id}`,
    match: [{ host: [host.hostname] }],
    handle: [{
      handler: 'subroute',
      routes: [
        // Browsers preflight the well-knowns before Matrix web clients may read them.
        {
          match: [{ path: wellKnownPaths, method: ['OPTIONS'] }],
          handle: [{ handler: 'static_response', status_code: 204, headers: corsHeaders }],
        },
        ...wellKnownRoutes,
        {
          // The Admin API is reachable for the host's own server admins (their token is checked by Synapse).
          match: [{ path: ['/_matrix/*', '/_synapse/client/*', '/_synapse/admin/*'] }],
          handle: [{ handler: 'reverse_proxy', upstreams: [{ dial: `127.0.0.1:${host.upstreamPort}` }] }],
        },
        // Synapse's metrics, replication and anything else stay unreachable from outside.
        { handle: [notFound] },
      ],
    }],
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
// internal port behind a forward), so the redirects are ours and name the port clients use.
function redirectServer(input: CaddyConfigInput): CaddyServer {
  const port = input.httpsPort === 443 ? '' : `:${input.httpsPort}`;
  const hostnames = input.hosts.map((host) => host.hostname);
  const redirect: CaddyRoute = {
    match: [{ host: hostnames }],
    handle: [{
      handler: 'static_response',
      status_code: 308,
      headers: { Location: [`https://{http.request.host}${port}{http.request.uri}`] },
    }],
  };
  // ACME HTTP-01 challenges are answered by Caddy on every server before these routes.
  return {
    listen: [listenAddress(input.bindHost, input.httpPort)],
    routes: [...(hostnames.length > 0 ? [redirect] : []), { handle: [notFound] }],
  };
}

export function renderCaddyConfig(input: CaddyConfigInput): CaddyConfig {
  const hostnames = input.hosts.map((host) => host.hostname);
  return {
    // Homeport re-applies the configuration on every start, so Caddy keeps no copy of its own.
    admin: { listen: input.adminListen, config: { persist: false } },
    storage: { module: 'file_system', root: input.storageDir },
    apps: {
      http: {
        http_port: input.httpPort,
        https_port: input.httpsPort,
        servers: {
          // Listening on the HTTPS port turns on automatic HTTPS for every host name routed here.
          edge: {
            listen: [listenAddress(input.bindHost, input.httpsPort)],
            routes: [...input.hosts.map(hostRoute), { handle: [notFound] }],
            automatic_https: { disable_redirects: true },
          },
          redirect: redirectServer(input),
        },
      },
      ...(hostnames.length > 0
        ? { tls: { automation: { policies: [{ subjects: hostnames, issuers: [issuer(input.tls)] }] } } }
        : {}),
      // The local CA must never be installed into the system's trust store.
      pki: { certificate_authorities: { local: { install_trust: false } } },
    },
  };
}
