// Every setting of Homeport, read once from the environment, validated and typed.
import { isIP } from 'node:net';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { isCurrencyCode } from './domain/billing/money.ts';
import { parseVatRates, type VatRates } from './domain/billing/tax.ts';
import { checkVatId } from './domain/vat-id.ts';
import { isSynapseRelease } from './domain/synapse-release.ts';
import { parseRoles, RolesError, type ControlPlaneRole } from './control-plane-roles.ts';
import type { CapacityLimits } from './domain/capacity.ts';
import { kubernetesSettingsFromEnvironment, KubernetesSettingsError, type KubernetesRuntimeSettings } from './runtime/kubernetes/kubernetes-settings.ts';

export type TlsMode = 'internal' | 'acme';

export type LogFormat = 'json' | 'pretty';

function logFormat(raw: string | undefined): LogFormat {
  const format = raw || 'auto';
  if (format === 'auto') return process.stdout.isTTY ? 'pretty' : 'json';
  if (format !== 'json' && format !== 'pretty') throw new ConfigError(`HOMEPORT_LOG_FORMAT must be "auto", "json" or "pretty", got "${format}"`);
  return format;
}

function synapseRelease(raw: string | undefined): string | undefined {
  if (!raw) return undefined;
  if (!isSynapseRelease(raw)) throw new ConfigError(`HOMEPORT_SYNAPSE_VERSION must be a Synapse release such as 1.163.2, got "${raw}"`);
  return raw;
}

export interface Config {
  /** HOMEPORT_DATA_DIR: where the PostgreSQL cluster, the master key, Caddy's state and every host's files live. */
  dataDir: string;
  /**
   * HOMEPORT_WORK_DIR: Homeport's own working files, none of them a host's: exports waiting for
   * download, imports being unpacked, uploads (default: the data directory).
   */
  workDir: string;
  /** HOMEPORT_API_HOST: the address the API and the panel listen on. */
  apiHost: string;
  /** HOMEPORT_API_PORT: the port of the API and the panel. */
  apiPort: number;
  /** HOMEPORT_BASE_DOMAIN: hosts are named `<label>.<base domain>`. */
  baseDomain: string;
  /** HOMEPORT_EDGE_HOST: the address the edge (Caddy) listens on; empty means every interface. */
  edgeHost: string;
  /** HOMEPORT_EDGE_HTTP_PORT: the edge's plain HTTP port (redirects, ACME HTTP-01). */
  edgeHttpPort: number;
  /** HOMEPORT_EDGE_HTTPS_PORT: the edge's HTTPS port that clients use. */
  edgeHttpsPort: number;
  /** HOMEPORT_TLS: `internal` (Caddy's own CA, for development domains) or `acme` (a public CA). */
  tlsMode: TlsMode;
  /** HOMEPORT_ACME_EMAIL: the contact address given to the ACME CA. */
  acmeEmail: string | undefined;
  /** HOMEPORT_ACME_CA: the ACME directory URL (default: Let's Encrypt). */
  acmeCa: string | undefined;
  /** HOMEPORT_ACME_CA_ROOT: a PEM file the ACME CA's own HTTPS certificate chains to (a private or test CA). */
  acmeCaRoot: string | undefined;
  /** DATABASE_URL: an external PostgreSQL; without it Homeport runs its own cluster in the data directory. */
  databaseUrl: string | undefined;
  /** HOMEPORT_RUNTIME: where hosts run, `local` (this machine, the default) or `kubernetes` (a cluster, with its settings). */
  runtime: RuntimeChoice;
  /** HOMEPORT_ROLES (or `homeport start --roles`): what this process does, see control-plane-roles.ts (default: every role). */
  roles: ReadonlySet<ControlPlaneRole>;
  /** HOMEPORT_WORKER_LEASE_SECONDS: how long a replica's claim on its running jobs, and on the reconciler, lasts unrenewed before another replica takes them over (default 30). */
  workerLeaseSeconds: number;
  /** HOMEPORT_PG_PORT: the loopback port of Homeport's own PostgreSQL cluster. */
  pgPort: number;
  /** HOMEPORT_HOST_PORTS: the loopback port range for hosts' Synapse listeners, `first-last`. */
  hostPorts: { first: number; last: number };
  /** HOMEPORT_SYNAPSE_VENV: the Python virtual environment with Synapse (created on first start). */
  synapseVenv: string;
  /** HOMEPORT_SYNAPSE_VERSION: the installed Synapse release new hosts run; undefined: the pinned one. */
  synapseRelease: string | undefined;
  /** HOMEPORT_PYTHON: the Python (>= 3.10) that creates the virtual environment. */
  python: string;
  /** HOMEPORT_CADDY: the Caddy binary. */
  caddyBin: string;
  /** HOMEPORT_SIZES_FILE: a YAML file with the sizes on offer; built-in sizes without it. */
  sizesFile: string | undefined;
  /** HOMEPORT_MASTER_KEY: base64 of 32 bytes; without it the key is kept in `<data dir>/master.key`. */
  masterKey: string | undefined;
  /** HOMEPORT_SYNAPSE_EXTRA_CONFIG: a YAML file whose top-level keys are added to every host's homeserver.yaml. */
  synapseExtraConfig: string | undefined;
  /** HOMEPORT_LOG_LEVEL: pino level (info by default). */
  logLevel: string;
  /** HOMEPORT_LOG_FORMAT: `json` (one object a line, for journald and collectors), `pretty` (for people) or `auto` (pretty on a terminal, else json; the default). */
  logFormat: LogFormat;
  /** HOMEPORT_STOP_HOSTS_ON_EXIT: whether Ctrl-C also stops the hosts' Synapses (default true). */
  stopHostsOnExit: boolean;
  /** HOMEPORT_HIBERNATE_AFTER_SECONDS: a host without client or federation requests this long sleeps until its next one (default 900; 0 = never). */
  hibernateAfterSeconds: number;
  /** HOMEPORT_PUBLIC_URL: where customers reach the panel (links in mail); session cookies are `Secure` when it is https. Default: the API's own address. */
  publicUrl: string;
  /** HOMEPORT_SMTP_URL: an SMTP server URL (`smtps://user:pass@mail.example.com`); without it mail is captured in the database and logged. */
  smtpUrl: string | undefined;
  /** HOMEPORT_MAIL_FROM: the sender of account mail (default `Homeport <noreply@<base domain>>`). */
  mailFrom: string;
  /** HOMEPORT_REQUIRE_2FA: every account must enrol in two-factor authentication before doing anything else (default false). */
  require2fa: boolean;
  /** HOMEPORT_SESSION_HOURS: how long a panel session lasts after logging in (default 168, a week). */
  sessionHours: number;
  /** HOMEPORT_LOGIN_FAILURES_PER_ACCOUNT: failed logins for one email within the window before further attempts get 429 (default 5). */
  loginFailuresPerAccount: number;
  /** HOMEPORT_LOGIN_FAILURES_PER_ADDRESS: failed logins from one IP address within the window before further attempts get 429 (default 20). */
  loginFailuresPerAddress: number;
  /** HOMEPORT_LOGIN_WINDOW_MINUTES: the window of the login limits, in minutes (default 15). */
  loginWindowMinutes: number;
  /** HOMEPORT_SIGNUPS_PER_ADDRESS_PER_HOUR: account registrations one client address may make per hour before 429 (default 10). */
  signUpsPerAddressPerHour: number;
  /** HOMEPORT_MAIL_REQUESTS_PER_ADDRESS_PER_HOUR: password reset and verification resend requests one client address may make per hour (default 20). */
  mailRequestsPerAddressPerHour: number;
  /** HOMEPORT_MAILS_PER_ACCOUNT_PER_HOUR: verification or reset mails one account receives per hour at most, whoever asks (default 5). */
  mailsPerAccountPerHour: number;
  /**
   * HOMEPORT_TRUST_PROXY: which reverse proxies in front of the API are trusted to say the client's
   * address in X-Forwarded-For: a number of hops, or comma-separated IPs/CIDRs; empty trusts none
   * (default), so every limit counts the address that connected.
   */
  trustProxy: number | string[] | false;
  /** HOMEPORT_OPERATOR_EMAIL: the email of the first operator account, created with a one-time password on first start (default `operator@<base domain>`). */
  operatorEmail: string;
  /** HOMEPORT_EDGE_CNAME_TARGET: the name customers point their client domain's CNAME record at (default `edge.<base domain>`). */
  edgeCnameTarget: string;
  /** HOMEPORT_DNS_SERVERS: comma-separated `ip[:port]` of the DNS servers delegation checks and outbound fetches ask; empty means the system's. */
  dnsServers: string[];
  /** HOMEPORT_FETCH_ALLOW: comma-separated IPs or CIDRs that outbound fetches of customers' URLs may reach although they are not public (tests, private deployments). */
  fetchAllow: string[];
  /** HOMEPORT_FETCH_CA_FILE: a PEM file of extra CAs trusted, besides the public ones, when fetching customers' URLs over HTTPS. */
  fetchCaFile: string | undefined;
  /** HOMEPORT_FETCH_TIMEOUT_MS: how long one fetch of a customer's URL may take, all redirects included (default 10000). */
  fetchTimeoutMs: number;
  /** HOMEPORT_DELEGATION_RECHECK_MINUTES: how long after a failed delegation check Homeport checks again by itself (default 240; fractions allowed). */
  delegationRecheckMinutes: number;
  /** HOMEPORT_ELEMENT_WEB_DIR: an unpacked Element Web release of the operator's own (with index.html) served at every host's client URL instead of the one `homeport element-web install` installs. */
  elementWebDir: string | undefined;
  /** HOMEPORT_ELEMENT_WEB_RELEASES_URL: where `homeport element-web install` fetches releases (the publisher's GitHub releases). */
  elementWebReleasesUrl: string;
  /** HOMEPORT_ELEMENT_WEB_SIGNING_KEY_URL: the publisher's OpenPGP key that signs Element Web releases. */
  elementWebSigningKeyUrl: string;
  /** HOMEPORT_EXPORT_RETENTION_MINUTES: how long an export's files are kept after they are ready, then deleted (default 10080, a week). */
  exportRetentionMinutes: number;
  /** HOMEPORT_BACKUP_DIR: the local folder backups are stored in (default `<data dir>/backups`; best on another disk). */
  backupDir: string;
  /** Backups to an S3-compatible object store instead of HOMEPORT_BACKUP_DIR; undefined: the local folder. */
  backupS3: BackupS3Config | undefined;
  /** HOMEPORT_BACKUP_CHECK_MINUTES: how often Homeport looks for hosts whose scheduled backup is due (default 60; 0: no scheduled backups). */
  backupCheckMinutes: number;
  /** HOMEPORT_DOWNLOAD_LINK_MINUTES: how long a signed download link of an export stays valid (default 1440, a day). */
  downloadLinkMinutes: number;
  /** HOMEPORT_IMPORT_DISK_RESERVE_MB: free disk an import must leave after unpacking and restoring, checked before it starts (default 1024). */
  importDiskReserveMb: number;
  /** When the machine is full: new hosts and imports are refused (503) before anything is charged or built. */
  capacity: CapacityLimits;
  /** Prices, tax, invoices and card payment: see BillingConfig. */
  billing: BillingConfig;
  /** How hosts federate: see FederationConfig. */
  federation: FederationConfig;
  /** Health history and alerts: see MonitoringConfig. */
  monitoring: MonitoringConfig;
  /** Calls (MatrixRTC with LiveKit): see CallsConfig. */
  calls: CallsConfig;
}

/**
 * Where `scripts/install-prerequisites.sh` builds LiveKit when HOMEPORT_LIVEKIT is not set: the
 * machine's cache as root, the user's own cache otherwise.
 */
export function defaultLivekitBin(home = homedir()): string {
  const candidates = ['/var/cache/homeport', join(home, '.cache', 'homeport')].map((dir) => join(dir, 'livekit-v1.13.5', 'bin', 'server'));
  return candidates.find((file) => existsSync(file)) ?? candidates[0]!;
}

export interface CallsConfig {
  /** HOMEPORT_CALLS: whether the installation offers calls at all (default true): LiveKit runs, hosts get rtc_foci and the Synapse settings calls need. */
  enabled: boolean;
  /** HOMEPORT_LIVEKIT: the LiveKit server binary (default /var/cache/homeport/livekit-v1.13.5/bin/server, built by the installer). */
  livekitBin: string;
  /** HOMEPORT_LIVEKIT_PORT: LiveKit's signalling port on loopback, reached through the edge (default 7880). */
  signalPort: number;
  /** HOMEPORT_LIVEKIT_RTC_TCP_PORT: the TCP port clients send media to when UDP is blocked; open it in the firewall (default 7881). */
  rtcTcpPort: number;
  /** HOMEPORT_LIVEKIT_RTC_UDP_PORT: the one UDP port all media goes through; open it in the firewall (default 7882). */
  rtcUdpPort: number;
  /** HOMEPORT_CALLS_PUBLIC_IP: the edge's public address, given to clients for media; unset: 127.0.0.1 on a development base domain, else found through STUN. */
  publicIp: string | undefined;
  /** HOMEPORT_CALLS_TURN_PORT: the UDP port of LiveKit's embedded TURN server on rtc.<base domain>, for clients behind strict NAT (default 3478; 0: off). */
  turnPort: number;
  /** HOMEPORT_CALLS_REMOTE_USERS: whether users of other servers may join a call a local host's user started (default true). */
  remoteUsers: boolean;
}

export interface MonitoringConfig {
  /** HOMEPORT_MONITOR_INTERVAL_SECONDS: how often every host's health is checked and alerts are looked at (default 60). */
  intervalSeconds: number;
  /** HOMEPORT_HEALTH_RETENTION_DAYS: how long health checks are kept (default 30). */
  retentionDays: number;
  /** HOMEPORT_ALERT_EMAIL: where alerts and recovery notices are mailed (default: HOMEPORT_OPERATOR_EMAIL). */
  alertEmail: string;
  /** HOMEPORT_ALERT_WEBHOOK_URL: alerts are also POSTed here as JSON, signed with HOMEPORT_ALERT_WEBHOOK_SECRET; unset: mail only. */
  webhookUrl: string | undefined;
  /** HOMEPORT_ALERT_WEBHOOK_SECRET: the HMAC-SHA256 key of the X-Homeport-Signature header (needed with the URL). */
  webhookSecret: string | undefined;
  /** HOMEPORT_ALERT_DOWN_GRACE_SECONDS: how long a host must be down before it is alerted on (default 180). */
  downGraceSeconds: number;
  /** HOMEPORT_ALERT_DISK_PERCENT: the share of the data directory's filesystem in use from which an alert is raised (default 90). */
  diskPercent: number;
  /** HOMEPORT_ALERT_SEAT_PERCENT: the share of a host's seats in use from which an alert is raised (default 90). */
  seatPercent: number;
  /** HOMEPORT_ALERT_CERTIFICATE_DAYS: a host's certificate expiring within this many days raises an alert (default 14). */
  certificateDays: number;
}

export interface FederationConfig {
  /**
   * HOMEPORT_TRUSTED_KEY_SERVERS: the notaries hosts ask for keys of servers they cannot reach,
   * comma-separated `server_name` or `server_name key_id=base64key`; empty means none. Default:
   * matrix.org with its key in production, none on a development base domain (no internet there).
   */
  trustedKeyServers: { serverName: string; verifyKeys?: Record<string, string> }[];
  /**
   * HOMEPORT_DEV_FEDERATION_PROXY_PORT: the loopback port of the development federation proxy
   * (development base domains only; default 8449), through which hosts reach each other via the edge.
   */
  developmentProxyPort: number;
  /**
   * HOMEPORT_DEV_FEDERATION_PEERS: comma-separated `server-name=ip:port` of Matrix servers outside
   * this installation the development proxy sends hosts to (development base domains only).
   */
  developmentPeers: { serverName: string; address: string; port: number }[];
  /** HOMEPORT_FEDERATION_CA_FILE: a PEM file with one more CA hosts trust for federation (development base domains only). */
  developmentCaFile: string | undefined;
}

export interface BillingConfig {
  /** HOMEPORT_CURRENCY: the ISO 4217 currency of every price, invoice and coupon (default EUR); a sizes file must use it. */
  currency: string;
  /** HOMEPORT_VAT_RATES: `DE=19,FR=20,...` VAT percentages per buyer country (default: the EU standard rates). */
  vatRates: VatRates;
  /** HOMEPORT_INVOICE_PREFIX: put before the year and sequence of every invoice number (default `HP-`). */
  invoicePrefix: string;
  /** HOMEPORT_BILLING_CHECK_MINUTES: how often renewals, unpaid card invoices and lost charges are looked at (default 15). */
  checkMinutes: number;
  /** Card payment through Stripe; undefined when HOMEPORT_STRIPE_SECRET_KEY is not set (invoice payment only). */
  stripe: StripeConfig | undefined;
  /** HOMEPORT_VIES_URL: the VIES REST API (https://ec.europa.eu/taxation_customs/vies/rest-api) asked about every VAT ID saved; unset: VAT IDs are format-checked only. */
  viesUrl: string | undefined;
  /** HOMEPORT_VIES_TIMEOUT_MS: how long a VIES check may take before it counts as VIES unavailable (default 10000). */
  viesTimeoutMs: number;
  /** HOMEPORT_VIES_REQUESTER_VAT_ID: the seller's own VAT ID, sent to VIES as the requester so that VIES answers a request identifier (the consultation number auditors ask for). */
  viesRequesterVatId: string | undefined;
}

export interface StripeConfig {
  /** HOMEPORT_STRIPE_SECRET_KEY: the secret API key (sk_...). */
  secretKey: string;
  /** HOMEPORT_STRIPE_PUBLISHABLE_KEY: the publishable key (pk_...) the panel gives Stripe.js. */
  publishableKey: string;
  /** HOMEPORT_STRIPE_WEBHOOK_SECRET: the signing secret (whsec_...) of the webhook endpoint /api/v1/stripe/webhook. */
  webhookSecret: string;
  /** HOMEPORT_STRIPE_API_URL: another Stripe API (tests: stripe-mock); default Stripe's own. */
  apiUrl: string | undefined;
}

/** Set HOMEPORT_BACKUP_S3_BUCKET to keep backups in an S3-compatible store (AWS S3, MinIO, Ceph, Garage, ...). */
export interface BackupS3Config {
  /** HOMEPORT_BACKUP_S3_ENDPOINT: the store's URL (https://s3.example.net); empty: AWS S3 of the region. Any other endpoint is addressed path-style. */
  endpoint: string | undefined;
  /** HOMEPORT_BACKUP_S3_BUCKET: the bucket; it must exist already. */
  bucket: string;
  /** HOMEPORT_BACKUP_S3_REGION: the bucket's region (default us-east-1). */
  region: string;
  /** HOMEPORT_BACKUP_S3_ACCESS_KEY_ID and HOMEPORT_BACKUP_S3_SECRET_ACCESS_KEY: the credentials; both or neither (then the SDK's own chain: environment, instance role). */
  accessKeyId: string | undefined;
  secretAccessKey: string | undefined;
  /** HOMEPORT_BACKUP_S3_PREFIX: a folder of the bucket the backups go under (default none), e.g. `homeport/`. */
  prefix: string;
}

export class ConfigError extends Error {}

const developmentSuffixes = ['.localhost', '.test', '.internal', '.local', '.example', '.invalid'];

function port(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > 65535) {
    throw new ConfigError(`${name} must be a port number (1-65535), got "${raw}"`);
  }
  return value;
}

function positiveInteger(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new ConfigError(`${name} must be a positive whole number, got "${raw}"`);
  return value;
}

function wholeNumber(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < 0) throw new ConfigError(`${name} must be a whole number (0 or more), got "${raw}"`);
  return value;
}

function positiveNumber(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new ConfigError(`${name} must be a positive number, got "${raw}"`);
  return value;
}

function booleanSetting(env: NodeJS.ProcessEnv, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (raw !== 'true' && raw !== 'false') throw new ConfigError(`${name} must be "true" or "false", got "${raw}"`);
  return raw === 'true';
}

function httpUrl(name: string, raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(`${name} must be a URL, got "${raw}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new ConfigError(`${name} must be an http(s) URL, got "${raw}"`);
  return url.origin;
}

function portRange(raw: string | undefined): { first: number; last: number } {
  const match = /^(\d+)-(\d+)$/.exec(raw ?? '18000-21999');
  const first = Number(match?.[1]);
  const last = Number(match?.[2]);
  if (!match || first < 1024 || last > 65535 || last - first < 1) {
    throw new ConfigError(`HOMEPORT_HOST_PORTS must be a range like 18000-21999, got "${raw}"`);
  }
  return { first, last };
}

function dnsName(name: string, raw: string): string {
  const value = raw.toLowerCase().replace(/\.$/, '');
  if (!/^([a-z0-9]([a-z0-9-]*[a-z0-9])?\.)+[a-z0-9-]+$/.test(value) && value !== 'localhost') {
    throw new ConfigError(`${name} must be a DNS name, got "${raw}"`);
  }
  return value;
}

function commaList(raw: string | undefined): string[] {
  return (raw ?? '').split(',').map((item) => item.trim()).filter((item) => item !== '');
}

function dnsServers(raw: string | undefined): string[] {
  const servers = commaList(raw);
  for (const server of servers) {
    if (isIP(server) === 0 && !/^(\d+\.\d+\.\d+\.\d+|\[[0-9a-f:.]+\]):\d+$/i.test(server)) {
      throw new ConfigError(`HOMEPORT_DNS_SERVERS must be comma-separated ip or ip:port ([ipv6]:port), got "${server}"`);
    }
  }
  return servers;
}

function addressList(name: string, raw: string | undefined): string[] {
  const items = commaList(raw);
  for (const item of items) {
    const [address, bits, ...rest] = item.split('/');
    const family = isIP(address ?? '');
    const maxBits = family === 6 ? 128 : 32;
    const bitsOk = bits === undefined || (/^\d+$/.test(bits) && Number(bits) <= maxBits);
    if (family === 0 || !bitsOk || rest.length > 0) throw new ConfigError(`${name} must be comma-separated IP addresses or CIDRs, got "${item}"`);
  }
  return items;
}

function trustProxy(raw: string | undefined): number | string[] | false {
  if (raw === undefined || raw.trim() === '') return false;
  if (/^\d+$/.test(raw.trim())) return positiveInteger({ HOMEPORT_TRUST_PROXY: raw.trim() }, 'HOMEPORT_TRUST_PROXY', 1);
  return addressList('HOMEPORT_TRUST_PROXY', raw);
}

function roles(raw: string | undefined): ReadonlySet<ControlPlaneRole> {
  try {
    return parseRoles(raw, 'HOMEPORT_ROLES');
  } catch (error) {
    if (error instanceof RolesError) throw new ConfigError(error.message);
    throw error;
  }
}

export type RuntimeChoice = { kind: 'local' } | { kind: 'kubernetes'; settings: KubernetesRuntimeSettings };

function runtimeChoice(env: NodeJS.ProcessEnv): RuntimeChoice {
  const kind = env.HOMEPORT_RUNTIME || 'local';
  if (kind === 'local') return { kind };
  if (kind !== 'kubernetes') throw new ConfigError(`HOMEPORT_RUNTIME must be "local" or "kubernetes", got "${kind}"`);
  // Homeport's own database is shared by its replicas in the cluster: never a cluster of its own in a pod.
  if (!env.DATABASE_URL) throw new ConfigError('DATABASE_URL is required with HOMEPORT_RUNTIME=kubernetes');
  try {
    return { kind, settings: kubernetesSettingsFromEnvironment(env) };
  } catch (error) {
    if (error instanceof KubernetesSettingsError) throw new ConfigError(error.message);
    throw error;
  }
}

export function isDevelopmentDomain(domain: string): boolean {
  return domain === 'localhost' || developmentSuffixes.some((suffix) => domain.endsWith(suffix));
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const dataDir = resolve(env.HOMEPORT_DATA_DIR || './data');
  const domain = dnsName('HOMEPORT_BASE_DOMAIN', env.HOMEPORT_BASE_DOMAIN || 'homeport.localhost');
  const tls = env.HOMEPORT_TLS || (isDevelopmentDomain(domain) ? 'internal' : 'acme');
  if (tls !== 'internal' && tls !== 'acme') {
    throw new ConfigError(`HOMEPORT_TLS must be "internal" or "acme", got "${tls}"`);
  }
  const masterKey = env.HOMEPORT_MASTER_KEY || undefined;
  if (masterKey !== undefined && Buffer.from(masterKey, 'base64').length !== 32) {
    throw new ConfigError('HOMEPORT_MASTER_KEY must be the base64 of exactly 32 bytes');
  }
  // Homeport's own API, not a host: by default only this machine reaches it.
  // eslint-disable-next-line no-restricted-syntax
  const apiHost = env.HOMEPORT_API_HOST || '127.0.0.1';
  const apiPort = port(env, 'HOMEPORT_API_PORT', 8080);
  const smtpUrl = env.HOMEPORT_SMTP_URL || undefined;
  if (smtpUrl !== undefined && !/^smtps?:\/\//.test(smtpUrl)) {
    throw new ConfigError('HOMEPORT_SMTP_URL must start with smtp:// or smtps://');
  }
  const operatorEmail = env.HOMEPORT_OPERATOR_EMAIL || `operator@${domain}`;
  if (!/^[^\s@]+@[^\s@]+$/.test(operatorEmail)) throw new ConfigError(`HOMEPORT_OPERATOR_EMAIL must be an email address, got "${operatorEmail}"`);
  const runtime = runtimeChoice(env);
  return {
    dataDir,
    workDir: resolve(env.HOMEPORT_WORK_DIR || dataDir),
    apiHost,
    apiPort,
    baseDomain: domain,
    edgeHost: env.HOMEPORT_EDGE_HOST ?? '',
    edgeHttpPort: port(env, 'HOMEPORT_EDGE_HTTP_PORT', tls === 'acme' ? 80 : 8081),
    edgeHttpsPort: port(env, 'HOMEPORT_EDGE_HTTPS_PORT', tls === 'acme' ? 443 : 8443),
    tlsMode: tls,
    acmeEmail: env.HOMEPORT_ACME_EMAIL || undefined,
    acmeCa: env.HOMEPORT_ACME_CA || undefined,
    acmeCaRoot: env.HOMEPORT_ACME_CA_ROOT ? resolve(env.HOMEPORT_ACME_CA_ROOT) : undefined,
    databaseUrl: env.DATABASE_URL || undefined,
    runtime,
    roles: roles(env.HOMEPORT_ROLES),
    workerLeaseSeconds: positiveInteger(env, 'HOMEPORT_WORKER_LEASE_SECONDS', 30),
    pgPort: port(env, 'HOMEPORT_PG_PORT', 5433),
    hostPorts: portRange(env.HOMEPORT_HOST_PORTS || undefined),
    synapseVenv: resolve(env.HOMEPORT_SYNAPSE_VENV || `${dataDir}/synapse-venv`),
    synapseRelease: synapseRelease(env.HOMEPORT_SYNAPSE_VERSION),
    python: env.HOMEPORT_PYTHON || 'python3',
    caddyBin: env.HOMEPORT_CADDY || 'caddy',
    sizesFile: env.HOMEPORT_SIZES_FILE || undefined,
    masterKey,
    synapseExtraConfig: env.HOMEPORT_SYNAPSE_EXTRA_CONFIG || undefined,
    logLevel: env.HOMEPORT_LOG_LEVEL || 'info',
    logFormat: logFormat(env.HOMEPORT_LOG_FORMAT),
    stopHostsOnExit: (env.HOMEPORT_STOP_HOSTS_ON_EXIT ?? 'true') !== 'false',
    hibernateAfterSeconds: wholeNumber(env, 'HOMEPORT_HIBERNATE_AFTER_SECONDS', 900),
    publicUrl: httpUrl('HOMEPORT_PUBLIC_URL', env.HOMEPORT_PUBLIC_URL || `http://${apiHost.includes(':') ? `[${apiHost}]` : apiHost}:${apiPort}`),
    smtpUrl,
    mailFrom: env.HOMEPORT_MAIL_FROM || `Homeport <noreply@${domain}>`,
    require2fa: booleanSetting(env, 'HOMEPORT_REQUIRE_2FA', false),
    sessionHours: positiveInteger(env, 'HOMEPORT_SESSION_HOURS', 168),
    loginFailuresPerAccount: positiveInteger(env, 'HOMEPORT_LOGIN_FAILURES_PER_ACCOUNT', 5),
    loginFailuresPerAddress: positiveInteger(env, 'HOMEPORT_LOGIN_FAILURES_PER_ADDRESS', 20),
    loginWindowMinutes: positiveInteger(env, 'HOMEPORT_LOGIN_WINDOW_MINUTES', 15),
    signUpsPerAddressPerHour: positiveInteger(env, 'HOMEPORT_SIGNUPS_PER_ADDRESS_PER_HOUR', 10),
    mailRequestsPerAddressPerHour: positiveInteger(env, 'HOMEPORT_MAIL_REQUESTS_PER_ADDRESS_PER_HOUR', 20),
    mailsPerAccountPerHour: positiveInteger(env, 'HOMEPORT_MAILS_PER_ACCOUNT_PER_HOUR', 5),
    trustProxy: trustProxy(env.HOMEPORT_TRUST_PROXY),
    operatorEmail,
    edgeCnameTarget: dnsName('HOMEPORT_EDGE_CNAME_TARGET', env.HOMEPORT_EDGE_CNAME_TARGET || `edge.${domain}`),
    dnsServers: dnsServers(env.HOMEPORT_DNS_SERVERS),
    fetchAllow: addressList('HOMEPORT_FETCH_ALLOW', env.HOMEPORT_FETCH_ALLOW),
    fetchCaFile: env.HOMEPORT_FETCH_CA_FILE ? resolve(env.HOMEPORT_FETCH_CA_FILE) : undefined,
    fetchTimeoutMs: positiveInteger(env, 'HOMEPORT_FETCH_TIMEOUT_MS', 10_000),
    delegationRecheckMinutes: positiveNumber(env, 'HOMEPORT_DELEGATION_RECHECK_MINUTES', 240),
    elementWebDir: env.HOMEPORT_ELEMENT_WEB_DIR ? resolve(env.HOMEPORT_ELEMENT_WEB_DIR) : undefined,
    elementWebReleasesUrl: httpUrlWithPath('HOMEPORT_ELEMENT_WEB_RELEASES_URL', env.HOMEPORT_ELEMENT_WEB_RELEASES_URL || 'https://github.com/element-hq/element-web/releases'),
    elementWebSigningKeyUrl: httpUrlWithPath('HOMEPORT_ELEMENT_WEB_SIGNING_KEY_URL', env.HOMEPORT_ELEMENT_WEB_SIGNING_KEY_URL || 'https://packages.element.io/element-release-key.asc'),
    exportRetentionMinutes: positiveInteger(env, 'HOMEPORT_EXPORT_RETENTION_MINUTES', 10_080),
    downloadLinkMinutes: positiveInteger(env, 'HOMEPORT_DOWNLOAD_LINK_MINUTES', 1440),
    backupDir: resolve(env.HOMEPORT_BACKUP_DIR || `${dataDir}/backups`),
    backupS3: backupS3Settings(env),
    backupCheckMinutes: wholeNumber(env, 'HOMEPORT_BACKUP_CHECK_MINUTES', 60),
    importDiskReserveMb: positiveInteger(env, 'HOMEPORT_IMPORT_DISK_RESERVE_MB', 1024),
    capacity: {
      // 0: no limit by count; memory and connections still decide.
      maxHosts: wholeNumber(env, 'HOMEPORT_MAX_HOSTS', 0),
      minFreeMemoryBytes: wholeNumber(env, 'HOMEPORT_MIN_FREE_MEMORY_MB', 1024) * 1024 * 1024,
      minFreeDatabaseConnections: wholeNumber(env, 'HOMEPORT_MIN_FREE_DB_CONNECTIONS', 20),
    },
    billing: billingSettings(env),
    federation: federationSettings(env, domain),
    monitoring: monitoringSettings(env, operatorEmail),
    calls: callsSettings(env, domain, runtime.kind),
  };
}

function callsSettings(env: NodeJS.ProcessEnv, domain: string, runtime: RuntimeChoice['kind']): CallsConfig {
  // LiveKit runs beside the local runtime's edge; a cluster has none yet.
  const enabled = booleanSetting(env, 'HOMEPORT_CALLS', runtime === 'local');
  if (enabled && runtime !== 'local') throw new ConfigError('HOMEPORT_CALLS=true needs HOMEPORT_RUNTIME=local: the Kubernetes runtime runs no media server yet');
  // The edge's own public address for media, not a host's: on a development domain, this machine.
  // eslint-disable-next-line no-restricted-syntax
  const publicIp = env.HOMEPORT_CALLS_PUBLIC_IP || (isDevelopmentDomain(domain) ? '127.0.0.1' : undefined);
  if (publicIp !== undefined && isIP(publicIp) === 0) throw new ConfigError(`HOMEPORT_CALLS_PUBLIC_IP must be an IP address, got "${publicIp}"`);
  const turnPort = wholeNumber(env, 'HOMEPORT_CALLS_TURN_PORT', 3478);
  if (turnPort > 65535) throw new ConfigError(`HOMEPORT_CALLS_TURN_PORT must be a port number or 0, got "${turnPort}"`);
  return {
    enabled,
    livekitBin: env.HOMEPORT_LIVEKIT || defaultLivekitBin(),
    signalPort: port(env, 'HOMEPORT_LIVEKIT_PORT', 7880),
    rtcTcpPort: port(env, 'HOMEPORT_LIVEKIT_RTC_TCP_PORT', 7881),
    rtcUdpPort: port(env, 'HOMEPORT_LIVEKIT_RTC_UDP_PORT', 7882),
    publicIp,
    turnPort,
    remoteUsers: booleanSetting(env, 'HOMEPORT_CALLS_REMOTE_USERS', true),
  };
}

function percent(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const value = positiveNumber(env, name, fallback);
  if (value > 100) throw new ConfigError(`${name} must be a percentage (above 0, at most 100), got "${env[name]}"`);
  return value;
}

function monitoringSettings(env: NodeJS.ProcessEnv, operatorEmail: string): MonitoringConfig {
  const alertEmail = env.HOMEPORT_ALERT_EMAIL || operatorEmail;
  if (!/^[^\s@]+@[^\s@]+$/.test(alertEmail)) throw new ConfigError(`HOMEPORT_ALERT_EMAIL must be an email address, got "${alertEmail}"`);
  const webhookUrl = env.HOMEPORT_ALERT_WEBHOOK_URL ? httpUrlWithPath('HOMEPORT_ALERT_WEBHOOK_URL', env.HOMEPORT_ALERT_WEBHOOK_URL) : undefined;
  const webhookSecret = env.HOMEPORT_ALERT_WEBHOOK_SECRET || undefined;
  // An unsigned webhook could be forged by anyone who learns its URL.
  if (webhookUrl && (webhookSecret ?? '').length < 16) throw new ConfigError('HOMEPORT_ALERT_WEBHOOK_SECRET (16 characters or more) is needed with HOMEPORT_ALERT_WEBHOOK_URL');
  return {
    intervalSeconds: positiveInteger(env, 'HOMEPORT_MONITOR_INTERVAL_SECONDS', 60),
    retentionDays: positiveInteger(env, 'HOMEPORT_HEALTH_RETENTION_DAYS', 30),
    alertEmail,
    webhookUrl,
    webhookSecret,
    downGraceSeconds: wholeNumber(env, 'HOMEPORT_ALERT_DOWN_GRACE_SECONDS', 180),
    diskPercent: percent(env, 'HOMEPORT_ALERT_DISK_PERCENT', 90),
    seatPercent: percent(env, 'HOMEPORT_ALERT_SEAT_PERCENT', 90),
    certificateDays: positiveInteger(env, 'HOMEPORT_ALERT_CERTIFICATE_DAYS', 14),
  };
}

/** matrix.org's notary key, as Synapse's own documentation gives it for trusted_key_servers. */
const matrixOrgKeyServer = { serverName: 'matrix.org', verifyKeys: { 'ed25519:auto': 'Noi6WqcDj0QmPxCNQqgezwTlBKrfqehY1u2FyWP9uYw' } };

function trustedKeyServers(raw: string | undefined, development: boolean): FederationConfig['trustedKeyServers'] {
  if (raw === undefined) return development ? [] : [matrixOrgKeyServer];
  return commaList(raw).map((entry) => {
    const [serverName = '', ...keys] = entry.split(/\s+/);
    dnsName('HOMEPORT_TRUSTED_KEY_SERVERS', serverName.replace(/:\d+$/, ''));
    const verifyKeys: Record<string, string> = {};
    for (const key of keys) {
      const match = /^(ed25519:[A-Za-z0-9_]+)=([A-Za-z0-9+/]{43})$/.exec(key);
      if (!match) throw new ConfigError(`HOMEPORT_TRUSTED_KEY_SERVERS: "${key}" is not key_id=unpadded-base64-ed25519-key (e.g. ed25519:auto=Noi6...)`);
      verifyKeys[match[1] as string] = match[2] as string;
    }
    return keys.length > 0 ? { serverName, verifyKeys } : { serverName };
  });
}

function developmentPeers(raw: string | undefined): FederationConfig['developmentPeers'] {
  return commaList(raw).map((entry) => {
    const match = /^([^=\s]+)=(\d+\.\d+\.\d+\.\d+|\[[0-9a-f:]+\]):(\d+)$/i.exec(entry);
    const port = Number(match?.[3]);
    if (!match || port < 1 || port > 65535) throw new ConfigError(`HOMEPORT_DEV_FEDERATION_PEERS must be comma-separated server-name=ip:port, got "${entry}"`);
    return { serverName: dnsName('HOMEPORT_DEV_FEDERATION_PEERS', match[1] as string), address: (match[2] as string).replace(/^\[|\]$/g, ''), port };
  });
}

function federationSettings(env: NodeJS.ProcessEnv, domain: string): FederationConfig {
  const development = isDevelopmentDomain(domain);
  const peers = developmentPeers(env.HOMEPORT_DEV_FEDERATION_PEERS);
  const caFile = env.HOMEPORT_FEDERATION_CA_FILE ? resolve(env.HOMEPORT_FEDERATION_CA_FILE) : undefined;
  // Loopback routes and extra trust must never reach a production installation's hosts.
  if (!development && (peers.length > 0 || caFile)) {
    throw new ConfigError('HOMEPORT_DEV_FEDERATION_PEERS and HOMEPORT_FEDERATION_CA_FILE are for development base domains only');
  }
  return {
    trustedKeyServers: trustedKeyServers(env.HOMEPORT_TRUSTED_KEY_SERVERS, development),
    developmentProxyPort: port(env, 'HOMEPORT_DEV_FEDERATION_PROXY_PORT', 8449),
    developmentPeers: peers,
    developmentCaFile: caFile,
  };
}

/** EU standard VAT rates as of 2026; an operator checks and overrides them with HOMEPORT_VAT_RATES. */
const defaultVatRates = 'AT=20,BE=21,BG=20,CY=19,CZ=21,DE=19,DK=25,EE=24,ES=21,FI=25.5,FR=20,GR=24,HR=25,HU=27,IE=23,IT=22,LT=21,LU=17,LV=21,MT=18,NL=21,PL=23,PT=23,RO=21,SE=25,SI=22,SK=23';

function billingSettings(env: NodeJS.ProcessEnv): BillingConfig {
  const currency = (env.HOMEPORT_CURRENCY || 'EUR').toUpperCase();
  if (!isCurrencyCode(currency)) throw new ConfigError(`HOMEPORT_CURRENCY must be an ISO 4217 currency code such as EUR, got "${env.HOMEPORT_CURRENCY}"`);
  // The seller lives in the database (the operator edits it: src/billing/seller.ts); an old setting must not look as if it counted.
  for (const name of ['HOMEPORT_SELLER', 'HOMEPORT_SELLER_COUNTRY']) {
    if (env[name]) throw new ConfigError(`${name} is no longer read: set the seller's details in the operator console (Seller) or with "homeport seller set", then remove ${name}`);
  }
  const vatRates = parseVatRates(env.HOMEPORT_VAT_RATES || defaultVatRates);
  if ('problem' in vatRates) throw new ConfigError(`HOMEPORT_VAT_RATES: ${String(vatRates.problem)}`);
  const invoicePrefix = env.HOMEPORT_INVOICE_PREFIX ?? 'HP-';
  if (!/^[A-Za-z0-9/_-]{0,12}$/.test(invoicePrefix)) throw new ConfigError(`HOMEPORT_INVOICE_PREFIX must be up to 12 letters, digits, "-", "_" or "/", got "${invoicePrefix}"`);
  return {
    currency, vatRates: vatRates as VatRates, invoicePrefix,
    checkMinutes: positiveInteger(env, 'HOMEPORT_BILLING_CHECK_MINUTES', 15),
    stripe: stripeSettings(env),
    viesUrl: env.HOMEPORT_VIES_URL ? httpUrlWithPath('HOMEPORT_VIES_URL', env.HOMEPORT_VIES_URL) : undefined,
    viesTimeoutMs: positiveInteger(env, 'HOMEPORT_VIES_TIMEOUT_MS', 10_000),
    viesRequesterVatId: viesRequester(env.HOMEPORT_VIES_REQUESTER_VAT_ID),
  };
}

/** An http(s) URL with its path, without a trailing slash (unlike httpUrl, which keeps the origin only). */
function httpUrlWithPath(name: string, raw: string): string {
  const origin = httpUrl(name, raw);
  const url = new URL(raw);
  return `${origin}${url.pathname.replace(/\/+$/, '')}`;
}

function viesRequester(raw: string | undefined): string | undefined {
  if (!raw) return undefined;
  const check = checkVatId(raw);
  if (!check.ok) throw new ConfigError(`HOMEPORT_VIES_REQUESTER_VAT_ID: ${check.reason}`);
  return check.vatId;
}

function backupS3Settings(env: NodeJS.ProcessEnv): BackupS3Config | undefined {
  const bucket = env.HOMEPORT_BACKUP_S3_BUCKET || undefined;
  const others = ['ENDPOINT', 'REGION', 'ACCESS_KEY_ID', 'SECRET_ACCESS_KEY', 'PREFIX'].filter((name) => env[`HOMEPORT_BACKUP_S3_${name}`]);
  if (!bucket) {
    if (others.length > 0) throw new ConfigError(`HOMEPORT_BACKUP_S3_BUCKET is needed with HOMEPORT_BACKUP_S3_${others[0]}`);
    return undefined;
  }
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket)) throw new ConfigError(`HOMEPORT_BACKUP_S3_BUCKET must be an S3 bucket name (3-63 of a-z, 0-9, '.', '-'), got "${bucket}"`);
  const accessKeyId = env.HOMEPORT_BACKUP_S3_ACCESS_KEY_ID || undefined;
  const secretAccessKey = env.HOMEPORT_BACKUP_S3_SECRET_ACCESS_KEY || undefined;
  if ((accessKeyId === undefined) !== (secretAccessKey === undefined)) {
    throw new ConfigError('HOMEPORT_BACKUP_S3_ACCESS_KEY_ID and HOMEPORT_BACKUP_S3_SECRET_ACCESS_KEY go together: set both or neither');
  }
  const prefix = (env.HOMEPORT_BACKUP_S3_PREFIX || '').replace(/^\/+/, '');
  if (prefix !== '' && (!/^[A-Za-z0-9._/-]+$/.test(prefix) || prefix.split('/').some((part) => part === '..' || part === '.'))) {
    throw new ConfigError(`HOMEPORT_BACKUP_S3_PREFIX may hold only letters, digits, '.', '_', '-' and '/' (no "." or ".." parts), got "${prefix}"`);
  }
  return {
    endpoint: env.HOMEPORT_BACKUP_S3_ENDPOINT ? httpUrl('HOMEPORT_BACKUP_S3_ENDPOINT', env.HOMEPORT_BACKUP_S3_ENDPOINT) : undefined,
    bucket,
    region: env.HOMEPORT_BACKUP_S3_REGION || 'us-east-1',
    accessKeyId,
    secretAccessKey,
    prefix: prefix === '' || prefix.endsWith('/') ? prefix : `${prefix}/`,
  };
}

function stripeSettings(env: NodeJS.ProcessEnv): StripeConfig | undefined {
  const secretKey = env.HOMEPORT_STRIPE_SECRET_KEY || undefined;
  if (!secretKey) return undefined;
  const publishableKey = env.HOMEPORT_STRIPE_PUBLISHABLE_KEY || '';
  const webhookSecret = env.HOMEPORT_STRIPE_WEBHOOK_SECRET || '';
  if (!publishableKey.startsWith('pk_')) throw new ConfigError('HOMEPORT_STRIPE_PUBLISHABLE_KEY (pk_...) is needed with HOMEPORT_STRIPE_SECRET_KEY');
  if (!webhookSecret.startsWith('whsec_')) throw new ConfigError('HOMEPORT_STRIPE_WEBHOOK_SECRET (whsec_...) is needed with HOMEPORT_STRIPE_SECRET_KEY');
  const apiUrl = env.HOMEPORT_STRIPE_API_URL ? httpUrl('HOMEPORT_STRIPE_API_URL', env.HOMEPORT_STRIPE_API_URL) : undefined;
  return { secretKey, publishableKey, webhookSecret, apiUrl };
}

/** The URL clients use for a host name: the HTTPS port is left out when it is 443. */
export function publicUrl(config: Pick<Config, 'edgeHttpsPort'>, hostname: string): string {
  return config.edgeHttpsPort === 443 ? `https://${hostname}/` : `https://${hostname}:${config.edgeHttpsPort}/`;
}
