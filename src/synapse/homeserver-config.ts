// Renders a host's homeserver.yaml and log config from typed input: the one place Synapse's settings are decided.
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { HomeserverSecrets } from './host-secrets.ts';

/** Where one host's files live; every path is absolute. */
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
  /** Loopback port of the client+federation listener. */
  httpPort: number;
  database: { host: string; port: number; name: string; user: string; password: string };
  paths: HomeserverPaths;
  /** Written inline (homeserver.yaml is private to the host); the signing key lives in its own file. */
  secrets: Omit<HomeserverSecrets, 'signingKey'>;
  seats: number;
  /** Synapse size syntax, e.g. "50M". */
  maxUploadSize: string;
  /** Empty by default: hosts fetch other servers' keys directly and never ask matrix.org. */
  trustedKeyServers?: TrustedKeyServer[];
  /** Top-level keys that replace the rendered ones (tests raise rc_login, allow loopback federation...). */
  overrides?: Record<string, unknown>;
}

/** The layout of a host's directory, so every part of Homeport finds the same files. */
export function homeserverPaths(hostDir: string): HomeserverPaths {
  return {
    hostDir,
    homeserverConfig: join(hostDir, 'homeserver.yaml'),
    logConfig: join(hostDir, 'log.config.yaml'),
    logFile: join(hostDir, 'homeserver.log'),
    signingKey: join(hostDir, 'signing.key'),
    pidFile: join(hostDir, 'homeserver.pid'),
    mediaStore: join(hostDir, 'media'),
    metricsSocket: join(hostDir, 'metrics.sock'),
  };
}

const header = '# Rendered by Homeport from the host\'s settings: edits here are overwritten.\n';

// Synapse reads YAML 1.1 (PyYAML), where unquoted `on`, `no` or `1_000` are not strings: quote like 1.1.
function toYaml(value: unknown): string {
  return header + stringify(value, { version: '1.1', lineWidth: 0 });
}

/** Read and write for Synapse's user alone; written as a number, which YAML cannot misread. */
const ownerOnlySocketMode = 0o600;

function loopbackListeners(input: HomeserverConfigInput): unknown[] {
  return [
    {
      // 127.0.0.1 rather than ::1: binding ::1 fails where IPv6 is off. Only the edge reaches it.
      port: input.httpPort,
      type: 'http',
      bind_addresses: ['127.0.0.1'],
      tls: false,
      x_forwarded: true,
      resources: [{ names: ['client', 'federation'], compress: false }],
    },
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
      // Many hosts share one PostgreSQL: hosts × cp_max must stay below its max_connections.
      args: {
        user: database.user,
        password: database.password,
        dbname: database.name,
        host: database.host,
        port: database.port,
        cp_min: 1,
        cp_max: 5,
      },
    },
    macaroon_secret_key: secrets.macaroonSecretKey,
    form_secret: secrets.formSecret,
    registration_shared_secret: secrets.registrationSharedSecret,
    password_config: { enabled: true, pepper: secrets.pepper },
    // Customers invite their users with tokens made through the admin API; nobody signs up freely.
    enable_registration: true,
    registration_requires_token: true,
    allow_guest_access: false,
    // Seats are enforced by Synapse itself; admin-API registration stays possible at the limit.
    limit_usage_by_mau: true,
    max_mau_value: input.seats,
    // No phoning home, and nothing that makes the server fetch from third parties on its own.
    report_stats: false,
    trusted_key_servers: (input.trustedKeyServers ?? []).map((server) => ({
      server_name: server.serverName,
      ...(server.verifyKeys ? { verify_keys: server.verifyKeys } : {}),
    })),
    suppress_key_server_warning: true,
    url_preview_enabled: false,
    enable_3pid_lookup: false,
    // The edge serves /.well-known/matrix/* for every host.
    serve_server_wellknown: false,
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
