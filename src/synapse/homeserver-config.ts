// Renders a host's homeserver.yaml and log config from typed input: the one place Synapse's settings are decided.
import { stringify } from 'yaml';
import { callsSettings, type CallsInput } from './calls-config.ts';
import type { HostFederation } from '../domain/federation.ts';
import type { RateLimits } from '../domain/rate-limits.ts';
import { noSingleSignOn, type SingleSignOn } from '../domain/single-sign-on.ts';
import type { DatabasePool } from '../domain/sizes.ts';
import type { HomeserverSecrets } from './host-secrets.ts';
import { singleSignOnSettings } from './oidc-config.ts';
import { rateLimitSettings } from './rate-limit-config.ts';

/** Where one host's files live, as its runtime lays them out (runtime/local/host-folder.ts); every path is absolute. */
export interface HomeserverPaths {
  /** The host's own directory, holding everything below. */
  hostDir: string;
  homeserverConfig: string;
  logConfig: string;
  logFile: string;
  signingKey: string;
  pidFile: string;
  mediaStore: string;
  /** Unix socket of the Prometheus listener (seats used are only visible there), mode 0600. */
  metricsSocket: string;
}

export interface TrustedKeyServer {
  serverName: string;
  /** Key id → unpadded base64 public key; without it the key server is trusted through TLS alone. */
  verifyKeys?: Record<string, string>;
}

export interface HomeserverConfigInput {
  serverName: string;
  /** The client-facing URL through the edge, e.g. https://acme.homeport.localhost:8443/ */
  publicBaseUrl: string;
  /**
   * Where the client+federation listener binds: the runtime's choice (the local runtime: a
   * loopback address and a port of its own; a pod: every address on a fixed port).
   */
  listener: { address: string; port: number };
  /**
   * A second client+federation listener on this Unix socket (mode 0600), for an edge on the same
   * machine that reaches every host through one route (the local runtime); absent: none.
   */
  edgeSocket?: string;
  database: { host: string; port: number; name: string; user: string; password: string };
  paths: HomeserverPaths;
  /** Written inline (homeserver.yaml is private to the host); the signing key lives in its own file. */
  secrets: Omit<HomeserverSecrets, 'signingKey'>;
  seats: number;
  /** Synapse size syntax, e.g. "50M". */
  maxUploadSize: string;
  /** The size's rc_* limits. */
  rateLimits: RateLimits;
  /** The size's database pool (cp_min/cp_max); Synapse's own 5/10 would cost far more connections per host. */
  databasePool: DatabasePool;
  /** The host's Trust & Safety contact: what clients show users refused at the seat limit. */
  supportEmail?: string | null;
  federation: FederationInput;
  /** The host's identity providers and whether password login stays on; none: passwords only. */
  singleSignOn?: SingleSignOn;
  /** Calls (MatrixRTC) on the host; null or absent: off. */
  calls?: CallsInput | null;
  /** Top-level keys that replace the rendered ones (tests raise rc_login, allow loopback federation...). */
  overrides?: Record<string, unknown>;
}

export interface FederationInput extends HostFederation {
  /** The notaries asked for keys of servers that cannot be reached directly; none means each server is asked itself. */
  trustedKeyServers: TrustedKeyServer[];
  /**
   * Development installations only: the development federation proxy every outgoing federation
   * connection goes through, and the CA files (PEM, one certificate each) trusted instead of the
   * system's. Production leaves both out and keeps Synapse's IP blocklists and public CAs.
   */
  development?: { proxyUrl: string; caFiles: string[] };
}

const header = '# Rendered by Homeport from the host\'s settings: edits here are overwritten.\n';

// Synapse reads YAML 1.1 (PyYAML), where unquoted `on`, `no` or `1_000` are not strings: quote like 1.1.
function toYaml(value: unknown): string {
  return header + stringify(value, { version: '1.1', lineWidth: 0 });
}

/** Everything homeserver.yaml says about federation (the listener's resources aside). */
export function federationSettings(serverName: string, federation: FederationInput): Record<string, unknown> {
  const allowed = federation.mode === 'open' ? undefined
    // Synapse checks its own name against the list too; `off` leaves nothing else.
    : [serverName, ...(federation.mode === 'allowlist' ? federation.allowedServers : [])];
  return {
    trusted_key_servers: federation.trustedKeyServers.map((server) => ({
      server_name: server.serverName,
      ...(server.verifyKeys ? { verify_keys: server.verifyKeys } : {}),
    })),
    suppress_key_server_warning: true,
    ...(allowed ? { federation_domain_whitelist: allowed } : {}),
    // The proxy connection itself is not subject to ip_range_blacklist, which stays Synapse's default.
    ...(federation.development ? {
      https_proxy: federation.development.proxyUrl,
      // Synapse refuses an empty list; without one it trusts the system's CAs.
      ...(federation.development.caFiles.length > 0 ? { federation_custom_ca_list: federation.development.caFiles } : {}),
    } : {}),
  };
}

/** A host with federation off serves neither federation nor keys; OpenID stays for integrations (widgets). */
export function listenerResources(federation: Pick<FederationInput, 'mode'>): string[] {
  return federation.mode === 'off' ? ['client', 'openid'] : ['client', 'federation'];
}

/** Read and write for Synapse's user alone; written as a number, which YAML cannot misread. */
const ownerOnlySocketMode = 0o600;

function loopbackListeners(input: HomeserverConfigInput): unknown[] {
  return [
    {
      port: input.listener.port,
      type: 'http',
      bind_addresses: [input.listener.address],
      tls: false,
      x_forwarded: true,
      resources: [{ names: listenerResources(input.federation), compress: false }],
    },
    ...(input.edgeSocket ? [{
      path: input.edgeSocket, mode: ownerOnlySocketMode, type: 'http', x_forwarded: true,
      resources: [{ names: listenerResources(input.federation), compress: false }],
    }] : []),
    // Not a `metrics` listener: that type only binds TCP, which every local user can reach.
    { path: input.paths.metricsSocket, mode: ownerOnlySocketMode, type: 'http', resources: [{ names: ['metrics'], compress: false }] },
  ];
}

export function renderHomeserverConfig(input: HomeserverConfigInput): string {
  const { database, paths, secrets } = input;
  const config: Record<string, unknown> = {
    server_name: input.serverName,
    public_baseurl: input.publicBaseUrl,
    pid_file: paths.pidFile,
    log_config: paths.logConfig,
    signing_key_path: paths.signingKey,
    media_store_path: paths.mediaStore,
    max_upload_size: input.maxUploadSize,
    listeners: loopbackListeners(input),
    enable_metrics: true,
    database: {
      name: 'psycopg2',
      // Many hosts share one PostgreSQL: hosts × cp_max must stay below its max_connections, so
      // the size decides (Synapse keeps every connection it opened, so cp_max is what an idle host holds).
      args: {
        user: database.user,
        password: database.password,
        dbname: database.name,
        host: database.host,
        port: database.port,
        cp_min: input.databasePool.min,
        cp_max: input.databasePool.max,
      },
    },
    macaroon_secret_key: secrets.macaroonSecretKey,
    form_secret: secrets.formSecret,
    registration_shared_secret: secrets.registrationSharedSecret,
    ...singleSignOnSettings(input.singleSignOn ?? noSingleSignOn, secrets.pepper),
    // Customers invite their users with tokens made through the admin API; nobody signs up freely.
    enable_registration: true,
    registration_requires_token: true,
    allow_guest_access: false,
    // Seats are enforced by Synapse itself; admin-API registration stays possible at the limit.
    limit_usage_by_mau: true,
    max_mau_value: input.seats,
    ...(input.supportEmail ? { admin_contact: `mailto:${input.supportEmail}` } : {}),
    // No phoning home, and nothing that makes the server fetch from third parties on its own.
    report_stats: false,
    ...federationSettings(input.serverName, input.federation),
    url_preview_enabled: false,
    enable_3pid_lookup: false,
    // The edge serves /.well-known/matrix/* for every host.
    serve_server_wellknown: false,
    ...rateLimitSettings(input.rateLimits),
    ...callsSettings(input.calls ?? null),
  };
  return toYaml({ ...config, ...input.overrides });
}

/** Python logging dictConfig: INFO to a size-rotated file, WARNING and worse also to stderr for the supervisor. */
export function renderLogConfig(input: { paths: Pick<HomeserverPaths, 'logFile'> }): string {
  const config = {
    version: 1,
    // Synapse's modules create their loggers before this config loads: keep them enabled.
    disable_existing_loggers: false,
    formatters: {
      // %(request)s is filled in by the log record factory Synapse installs.
      precise: { format: '%(asctime)s - %(name)s - %(lineno)d - %(levelname)s - %(request)s - %(message)s' },
    },
    handlers: {
      file: {
        class: 'logging.handlers.RotatingFileHandler',
        formatter: 'precise',
        filename: input.paths.logFile,
        maxBytes: 10 * 1024 * 1024,
        backupCount: 5,
        encoding: 'utf8',
      },
      console: { class: 'logging.StreamHandler', formatter: 'precise', level: 'WARNING' },
    },
    loggers: {
      // DEBUG here would log access tokens.
      'synapse.storage.SQL': { level: 'INFO' },
    },
    root: { level: 'INFO', handlers: ['file', 'console'] },
  };
  return toYaml(config);
}
