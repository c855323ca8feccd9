// The composition root: starts every part of Homeport in order (database, edge, runtime, jobs,
// reconciler, API) from a Config, and stops them in reverse. Reading argv/env is the CLI's job.
import { LocalBackupStore } from './runtime/local/local-backup-store.ts';
import { S3BackupStore } from './runtime/s3/s3-backup-store.ts';
import { randomUUID } from 'node:crypto';
import { mkdir, readFile, stat } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { FastifyInstance } from 'fastify';
import { KubeConfig } from '@kubernetes/client-node';
import pg from 'pg';
import { ensureFirstOperator } from './accounts/first-operator.ts';
import { buildApiServer } from './api/api-server.ts';
import { edgeRoutes } from './api/routes/edge.ts';
import { createMetrics } from './api/homeport-metrics.ts';
import { isDevelopmentDomain, type Config } from './config.ts';
import { HostHibernation } from './jobs/host-hibernation.ts';
import type { HostReconciler } from './jobs/host-reconciler.ts';
import type { DevelopmentEdge, HomeportContext } from './homeport-context.ts';
import { prepareJobQueue, startJobWorker } from './jobs/job-worker.ts';
import { startMonitorLeader } from './jobs/monitoring/monitor-leader.ts';
import { startReconcilerLeader } from './jobs/reconciler-leader.ts';
import { createLogger, type Logger } from './logger.ts';
import { CapturedMailer } from './mail/captured-mailer.ts';
import type { Mailer } from './mail/mailer.ts';
import { SmtpMailer } from './mail/smtp-mailer.ts';
import { StripePayments } from './payments/stripe-payments.ts';
import { CaddyEdge } from './runtime/local/caddy-edge.ts';
import { DevelopmentFederationProxy } from './runtime/local/development-federation-proxy.ts';
import { LocalMonitoring } from './runtime/local/local-monitoring.ts';
import { LocalHostPorts, ephemeralOverlap } from './runtime/local/local-host-ports.ts';
import { LocalRuntime } from './runtime/local/local-runtime.ts';
import { LocalRuntimeLock, localRuntimeRolesProblem } from './runtime/local/local-runtime-lock.ts';
import { loadMasterKey } from './runtime/local/master-key.ts';
import { PostgresCluster } from './runtime/local/postgres-cluster.ts';
import { ProcessSupervisor } from './runtime/local/process-supervisor.ts';
import { ensureSynapseVenv, synapseVersion } from './runtime/local/synapse-venv.ts';
import { SynapseReleases } from './runtime/local/synapse-releases.ts';
import { ensureHostDatabase } from './runtime/local/host-databases.ts';
import { AutovacuumPace } from './runtime/local/autovacuum-pace.ts';
import { RetiredDatabases } from './runtime/local/retired-databases.ts';
import { databaseConnections } from './runtime/local/machine-capacity.ts';
import { HostsDatabaseServer } from './runtime/kubernetes/hosts-database-server.ts';
import { KubernetesPortability } from './runtime/kubernetes/kubernetes-portability.ts';
import { KubernetesRuntime } from './runtime/kubernetes/kubernetes-runtime.ts';
import type { KubernetesRuntimeSettings } from './runtime/kubernetes/kubernetes-settings.ts';
import type { BackupStore, CallsMediaServer, HostPortability, HostProcessState, HostRuntime, HostSnapshots, RuntimeMonitoring, SynapseReleaseCatalogue, SynapseTooling } from './runtime/runtime.ts';
import { SynapseSchemaTemplate } from './runtime/local/synapse-schema-template.ts';
import { migrate, openDatabase, waitForDatabase, type Db } from './store/database.ts';
import { pruneLoginAttempts } from './store/login-attempts.ts';
import { pruneRequestCounts } from './store/request-counts.ts';
import { SecretBox } from './store/secret-box.ts';
import { ensureCallsKeys, type CallsKeys } from './store/calls-keys.ts';
import { LivekitServer } from './runtime/local/livekit-server.ts';
import { loadSizes } from './store/sizes-config.ts';

export interface RunningHomeport {
  context: HomeportContext;
  apiUrl: string;
  /** The local runtime's edge; none on Kubernetes, where the cluster's ingress routes. */
  edge?: CaddyEdge;
  stop(): Promise<void>;
}

export interface StartOptions {
  logger?: Logger;
  /** Where a one-time credential is shown, once (the first operator's password); standard error by default, never the log. */
  showOnce?: (text: string) => void;
}

function createMailer(config: Config, db: Db, logger: Logger): Mailer {
  if (config.smtpUrl) return new SmtpMailer({ url: config.smtpUrl, from: config.mailFrom });
  logger.warn('HOMEPORT_SMTP_URL is not set: mail is captured in the database and the log, not sent');
  return new CapturedMailer({ db, logger: logger.child({ component: 'mail' }) });
}

async function synapseOverrides(file: string | undefined): Promise<Record<string, unknown> | undefined> {
  if (!file) return undefined;
  const parsed: unknown = parse(await readFile(file, 'utf8'));
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new Error(`${file} (HOMEPORT_SYNAPSE_EXTRA_CONFIG) must hold a YAML mapping of homeserver.yaml keys`);
  }
  return parsed as Record<string, unknown>;
}

/** Connection strings for Homeport's own database and for the server that holds the hosts' databases. */
async function databases(config: Config, logger: Logger): Promise<{ homeport: string; admin: string; endpoint: { host: string; port: number }; cluster?: PostgresCluster }> {
  if (config.databaseUrl) {
    const url = new URL(config.databaseUrl);
    return { homeport: config.databaseUrl, admin: config.databaseUrl, endpoint: { host: url.hostname, port: Number(url.port || 5432) } };
  }
  const cluster = new PostgresCluster({ dataDir: config.dataDir, port: config.pgPort, logger });
  await cluster.start();
  const admin = await cluster.connectionString('postgres');
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  try {
    const exists = await client.query("SELECT 1 FROM pg_database WHERE datname = 'homeport'");
    if (!exists.rowCount) await client.query('CREATE DATABASE homeport');
  } finally {
    await client.end();
  }
  return { homeport: await cluster.connectionString('homeport'), admin, endpoint: { host: '127.0.0.1', port: config.pgPort }, cluster };
}

/** An Element Web release is a directory with index.html at its top; anything else would serve nothing. */
async function checkElementWebDir(dir: string | undefined): Promise<void> {
  if (!dir) return;
  const found = await stat(join(dir, 'index.html')).then((info) => info.isFile(), () => false);
  if (!found) throw new Error(`HOMEPORT_ELEMENT_WEB_DIR (${dir}) has no index.html: point it at an unpacked Element Web release`);
}

/** Where the edge's listener is reached from this machine. */
function edgeAddressOnThisMachine(config: Config): string {
  const bind = config.edgeHost;
  return bind === '' || bind === '0.0.0.0' ? '127.0.0.1' : bind === '::' ? '::1' : bind;
}

/**
 * On a development base domain hosts reach each other through the development federation proxy,
 * trusting the edge's local CA (and the operator's extra one); production has neither.
 */
async function developmentFederation(config: Config, edge: CaddyEdge, logger: Logger, parts: StartedParts): Promise<{ proxy: DevelopmentFederationProxy; caFiles: string[] } | undefined> {
  const isEdge = config.roles.has('edge');
  if (!isDevelopmentDomain(config.baseDomain)) return undefined;
  const edgeAddress = edgeAddressOnThisMachine(config);
  const proxy = new DevelopmentFederationProxy({
    port: config.federation.developmentProxyPort,
    baseDomain: config.baseDomain,
    edge: { address: edgeAddress, port: config.edgeHttpsPort },
    peers: config.federation.developmentPeers,
    logger: logger.child({ component: 'federation-proxy' }),
  });
  if (isEdge) {
    await proxy.start();
    parts.add('federation proxy', () => proxy.stop());
  }
  const caFiles = [
    ...(config.tlsMode === 'internal' ? [edge.rootCertificatePath()] : []),
    ...(config.federation.developmentCaFile ? [config.federation.developmentCaFile] : []),
  ];
  return { proxy, caFiles };
}

/** What has been started so far, stopped in reverse order: on Ctrl-C, or when a later part fails to start. */
class StartedParts {
  readonly #stops: { name: string; stop: () => Promise<void> }[] = [];
  readonly #logger: Logger;

  constructor(logger: Logger) {
    this.#logger = logger;
  }

  add(name: string, stop: () => Promise<void>): void {
    this.#stops.push({ name, stop });
  }

  async stopAll(): Promise<void> {
    for (const part of this.#stops.reverse()) {
      await part.stop().catch((error: unknown) => this.#logger.error({ err: error, part: part.name }, 'could not stop cleanly'));
    }
    this.#stops.length = 0;
  }
}

/** On a development base domain: the edge as the installation's own servers reach it (its names are in no DNS). */
function developmentEdge(config: Config, edge: CaddyEdge): DevelopmentEdge | undefined {
  if (!isDevelopmentDomain(config.baseDomain)) return undefined;
  const address = edgeAddressOnThisMachine(config);
  const readCa = async () => config.tlsMode === 'internal' ? readFile(edge.rootCertificatePath(), 'utf8').catch(() => undefined) : undefined;
  return { address, port: config.edgeHttpsPort, readCa };
}

/**
 * The local runtime's processes are supervised by one replica (the edge role); another replica
 * with that role, or a reconciler away from it, is refused before it starts anything.
 */
async function holdLocalRuntime(config: Config, databaseUrl: string, logger: Logger, parts: StartedParts): Promise<void> {
  const problem = localRuntimeRolesProblem(config.roles);
  if (problem) throw new Error(problem);
  if (!config.roles.has('edge')) return;
  const lock = new LocalRuntimeLock(databaseUrl, logger.child({ component: 'local-runtime-lock' }));
  await lock.take();
  parts.add('local runtime lock', () => lock.release());
}

/** How this installation runs hosts: the runtime and its views for the jobs, and the local edge when there is one. */
interface HostsRuntime {
  runtime: HostRuntime;
  portability: HostPortability;
  synapseTooling: SynapseTooling;
  snapshots: HostSnapshots;
  synapseReleases: SynapseReleaseCatalogue;
  monitoring: RuntimeMonitoring;
  backups: BackupStore;
  edge?: CaddyEdge;
  developmentEdge?: DevelopmentEdge;
  calls?: CallsMediaServer;
}

type DatabaseUrls = Awaited<ReturnType<typeof databases>>;

/** Hosts as processes on this machine, behind Caddy. */
async function startLocalRuntime(config: Config, logger: Logger, parts: StartedParts, urls: DatabaseUrls, adminPool: pg.Pool, homeportPool: pg.Pool, callsKeys: () => Promise<CallsKeys>, onProcessState: (hostId: string, state: HostProcessState) => void): Promise<HostsRuntime> {
  await ensureSynapseVenv({ venv: config.synapseVenv, python: config.python, logger });
  const releases = new SynapseReleases({ pinnedVenv: config.synapseVenv, python: config.python, logger });
  // New hosts get this release; it must be installed already (`homeport synapse install`).
  const newHostRelease = config.synapseRelease ?? synapseVersion;
  const venvPython = await releases.pythonOf(newHostRelease);
  const supervisor = new ProcessSupervisor({ logger: logger.child({ component: 'supervisor' }) });
  const edge = new CaddyEdge({ config, supervisor, logger: logger.child({ component: 'edge' }) });
  if (config.roles.has('edge')) {
    parts.add('processes', async () => {
      if (config.stopHostsOnExit) await supervisor.stopAll();
      else supervisor.releaseAll();
    });
    await edge.start();
  }
  const calls = await startLivekit(config, supervisor, logger, callsKeys);
  const federation = await developmentFederation(config, edge, logger, parts);

  // With Homeport's own cluster the admin role is a superuser and can hand a copied schema to each host's role.
  const schemaTemplate = urls.cluster ? new SynapseSchemaTemplate({
    adminPool, databaseEndpoint: urls.endpoint, venvPython, synapseVersion: newHostRelease, workDir: config.dataDir, logger: logger.child({ component: 'schema-template' }),
  }) : undefined;
  if (schemaTemplate && config.roles.has('edge')) {
    schemaTemplate.prepareInBackground();
    parts.add('schema template', () => schemaTemplate.stop());
  }
  if (urls.cluster && config.roles.has('edge')) {
    const autovacuum = new AutovacuumPace(adminPool, logger.child({ component: 'autovacuum' }));
    autovacuum.start();
    parts.add('autovacuum pace', () => autovacuum.stop());
  }
  const retiredDatabases = startRetiredDatabases(adminPool, logger, parts);
  const ephemeral = await ephemeralOverlap(config.hostPorts);
  if (ephemeral) {
    logger.warn(
      { hostPorts: config.hostPorts, overlap: ephemeral },
      'HOMEPORT_HOST_PORTS overlaps the ports the kernel gives outgoing connections (ip_local_port_range): a host may fail to start when one takes its port; choose a range below them',
    );
  }
  const runtime = new LocalRuntime({
    config, logger, adminPool, retiredDatabases, databaseEndpoint: urls.endpoint, supervisor, edge, venvPython, schemaTemplate,
    ports: new LocalHostPorts(homeportPool, config.hostPorts),
    synapseRelease: newHostRelease, releases,
    synapseOverrides: await synapseOverrides(config.synapseExtraConfig),
    federation: {
      trustedKeyServers: config.federation.trustedKeyServers,
      development: federation ? { proxyUrl: federation.proxy.url, caFiles: federation.caFiles } : undefined,
    },
    federationProxy: federation?.proxy,
    onProcessState,
  });
  parts.add('runtime', () => runtime.close());
  return {
    runtime, portability: runtime, synapseTooling: runtime, snapshots: runtime, synapseReleases: runtime,
    monitoring: new LocalMonitoring(config, (hostId) => runtime.hostEndpoint(hostId)), backups: backupStoreFor(config), edge, developmentEdge: developmentEdge(config, edge), calls,
  };
}

/** Removed hosts' databases, dropped a while after their removal (and what a crash left, now). */
function startRetiredDatabases(admin: pg.Pool, logger: Logger, parts: StartedParts): RetiredDatabases {
  const retired = new RetiredDatabases(admin, logger.child({ component: 'retired-databases' }));
  retired.start();
  parts.add('retired databases', () => retired.close());
  return retired;
}

/** Where backups go: an S3-compatible store when HOMEPORT_BACKUP_S3_BUCKET is set, else the local folder HOMEPORT_BACKUP_DIR. */
export function backupStoreFor(config: Pick<Config, 'backupS3' | 'backupDir'>): BackupStore {
  return config.backupS3 ? new S3BackupStore(config.backupS3) : new LocalBackupStore(config.backupDir);
}

/** The media server for calls, supervised by the edge role like Caddy; none with calls off. */
async function startLivekit(config: Config, supervisor: ProcessSupervisor, logger: Logger, callsKeys: () => Promise<CallsKeys>): Promise<LivekitServer | undefined> {
  if (!config.calls.enabled || !config.roles.has('edge')) return undefined;
  const livekit = new LivekitServer({ dataDir: config.dataDir, baseDomain: config.baseDomain, calls: config.calls, supervisor, logger: logger.child({ component: 'livekit' }) });
  const found = await stat(config.calls.livekitBin).then((info) => info.isFile(), () => false);
  if (!found) throw new Error(`HOMEPORT_LIVEKIT (${config.calls.livekitBin}) does not exist: run scripts/install-prerequisites.sh start to build LiveKit, or set HOMEPORT_CALLS=false`);
  await livekit.start(await callsKeys());
  return livekit;
}

/**
 * Hosts as objects in a Kubernetes cluster, their databases on the operator's PostgreSQL, made
 * with the same steps as the local runtime's (the one place that knows both).
 */
async function startKubernetesRuntime(settings: KubernetesRuntimeSettings, config: Config, logger: Logger, parts: StartedParts, onProcessState: (hostId: string, state: HostProcessState) => void): Promise<HostsRuntime> {
  const kubeConfig = new KubeConfig();
  if (settings.kubeconfig) kubeConfig.loadFromFile(settings.kubeconfig);
  else kubeConfig.loadFromCluster();
  const hostsAdmin = new pg.Pool({ connectionString: settings.hostsDatabaseUrl, max: 3 });
  hostsAdmin.on('error', () => undefined);
  parts.add('hosts database pool', () => hostsAdmin.end());
  const retiredDatabases = startRetiredDatabases(hostsAdmin, logger, parts);
  const databases = new HostsDatabaseServer(hostsAdmin, {
    // No prepared schema on the operator's server: every host's database starts empty and Synapse creates its tables.
    ensure: (database) => ensureHostDatabase(hostsAdmin, database),
    drop: (database) => retiredDatabases.retireHostDatabase(database),
    connections: (names) => databaseConnections(hostsAdmin, names),
  });
  const runtime = new KubernetesRuntime({
    kubeConfig, settings, databases, logger: logger.child({ component: 'kubernetes' }), onProcessState,
    trustedKeyServers: config.federation.trustedKeyServers,
  });
  await runtime.open();
  parts.add('runtime', () => runtime.close());
  const portability = new KubernetesPortability(databases, settings.synapseImage);
  return {
    runtime, portability, synapseTooling: portability, snapshots: portability, synapseReleases: portability,
    // Probes and backups from the control plane's own machine until the cluster has its own (issue 16).
    monitoring: new LocalMonitoring(config, (hostId) => runtime.hostEndpoint(hostId)), backups: backupStoreFor(config),
  };
}

export async function startHomeport(config: Config, options: StartOptions = {}): Promise<RunningHomeport> {
  const logger = options.logger ?? createLogger(config.logLevel, undefined, config.logFormat);
  const parts = new StartedParts(logger);
  try {
    return await startParts(config, logger, parts, options);
  } catch (error) {
    logger.error({ err: error }, 'Homeport could not start; stopping what had started');
    await parts.stopAll();
    throw error;
  }
}

async function startParts(config: Config, logger: Logger, parts: StartedParts, options: StartOptions): Promise<RunningHomeport> {
  await mkdir(config.dataDir, { recursive: true, mode: 0o700 });
  await checkElementWebDir(config.elementWebDir);
  const urls = await databases(config, logger);
  // Hosts keep running without Homeport only when asked to; then their database must too.
  if (urls.cluster && config.stopHostsOnExit) parts.add('postgres', () => urls.cluster!.stop());
  if (urls.cluster) {
    urls.cluster.keepRunning();
    parts.add('postgres watchdog', () => urls.cluster!.stopWatching());
  }
  const opened = openDatabase(urls.homeport, 10, (error) => logger.warn({ err: error }, 'database connection lost'));
  parts.add('database pool', () => opened.close());
  const adminPool = new pg.Pool({ connectionString: urls.admin, max: 3 });
  adminPool.on('error', () => undefined);
  parts.add('admin pool', () => adminPool.end());
  await waitForDatabase(opened.db, (error, delayMs) => logger.warn({ err: error, delayMs }, 'waiting for the database'));
  const applied = await migrate(opened.db);
  if (applied.length > 0) logger.info({ migrations: applied }, 'database migrated');
  await prepareJobQueue(opened.pool);
  if (config.runtime.kind === 'local') await holdLocalRuntime(config, urls.homeport, logger, parts);
  // This process's name in the leases of its jobs and of the reconciler.
  const replicaId = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;

  const box = new SecretBox(await loadMasterKey(config.dataDir, config.masterKey));
  const sizes = await loadSizes(config.sizesFile, config.billing.currency);
  // The runtime reports process changes to the reconciler, which itself needs the runtime.
  const reconcilerRef: { current?: HostReconciler } = {};
  const onProcessState = (hostId: string, state: HostProcessState) => reconcilerRef.current?.onProcessState(hostId, state);
  const hosts = config.runtime.kind === 'kubernetes'
    ? await startKubernetesRuntime(config.runtime.settings, config, logger, parts, onProcessState)
    : await startLocalRuntime(config, logger, parts, urls, adminPool, opened.pool, () => ensureCallsKeys(opened.db, box), onProcessState);
  const { runtime } = hosts;
  const mailer = createMailer(config, opened.db, logger);
  parts.add('mailer', () => mailer.close());
  const context: HomeportContext = {
    config, db: opened.db, box, runtime, sizes, logger, mailer, portability: hosts.portability, synapseTooling: hosts.synapseTooling,
    snapshots: hosts.snapshots, synapseReleases: hosts.synapseReleases, monitoring: hosts.monitoring, backups: hosts.backups,
  };
  context.developmentEdge = hosts.developmentEdge;
  context.calls = hosts.calls;
  if (config.billing.stripe) context.cardPayments = new StripePayments(config.billing.stripe);
  else logger.warn('HOMEPORT_STRIPE_SECRET_KEY is not set: customers pay by invoice only');
  const firstOperator = await ensureFirstOperator(context);
  if (firstOperator) {
    const show = options.showOnce ?? ((text: string) => process.stderr.write(text));
    show(`First operator account created: ${firstOperator.email}\nOne-time password (shown only now; you choose a new one at the first login): ${firstOperator.password}\n`);
  }
  await pruneLoginAttempts(opened.db, new Date(Date.now() - 24 * 3_600_000));
  await pruneRequestCounts(opened.db, new Date(Date.now() - 24 * 3_600_000));
  if (config.roles.has('reconciler')) {
    const leader = await startReconcilerLeader(context, replicaId, (reconciler) => { reconcilerRef.current = reconciler; });
    parts.add('reconciler', () => leader.stop());
    const monitor = await startMonitorLeader(context, replicaId);
    parts.add('monitor', () => monitor.stop());
  }
  if (config.roles.has('edge')) {
    // Sleep and wake are the local runtime's, held by the edge role.
    const hibernation = new HostHibernation(context, config.hibernateAfterSeconds);
    hibernation.start();
    parts.add('hibernation', () => hibernation.stop());
  }
  if (config.roles.has('worker')) {
    // With the local runtime the host jobs run where its processes are: the edge role; a cluster is reached from every replica.
    const hostTasks = config.runtime.kind === 'kubernetes' || config.roles.has('edge');
    const worker = await startJobWorker(context, opened.pool, { replicaId, leaseSeconds: config.workerLeaseSeconds, hostTasks });
    parts.add('job worker', () => worker.stop());
  }
  let address: string | undefined;
  if (config.roles.has('api')) {
    const api: FastifyInstance = await buildApiServer(context, createMetrics(context), [edgeRoutes(context)]);
    parts.add('api', () => api.close());
    address = await api.listen({ host: config.apiHost, port: config.apiPort });
  }
  logger.info({ roles: [...config.roles], replica: replicaId, api: address, edge: `https://*.${config.baseDomain}:${config.edgeHttpsPort}` }, 'Homeport is running');

  let stopping: Promise<void> | undefined;
  const stop = () => (stopping ??= (async () => {
    logger.info('stopping Homeport');
    await parts.stopAll();
    logger.info('Homeport stopped');
  })());
  return { context, apiUrl: `http://${config.apiHost}:${config.apiPort}`, edge: hosts.edge, stop };
}
