// The local runtime: each host is a Synapse process supervised on this machine (or a tenant of a
// shared one, when its size says so), a database in Homeport's PostgreSQL, a directory under
// `<data dir>/hosts/<id>`, and routes in Caddy.
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type pg from 'pg';
import { parse } from 'yaml';
import type { Config } from '../../config.ts';
import type { Logger } from '../../logger.ts';
import { renderHomeserverConfig, renderLogConfig, type FederationInput } from '../../synapse/homeserver-config.ts';
import { waitForHealth } from '../../synapse/synapse-http.ts';
import { synapsePasswordHash } from '../../synapse/password-hash.ts';
import type {
  DumpFormat, EdgeRefusal, EdgeRoute, HostPortability, HostProcessState, HostRuntime, HostSnapshots, HostSpec, RuntimeCapacity, SchemaState,
  SynapseReleaseCatalogue, SynapseTooling,
} from '../runtime.ts';
import { hostClientConfigDir, renderCaddyConfig, renderHostRoute, type EdgeHost } from './caddy-config.ts';
import { removeEdgeHostFiles, sweepEdgeNames, writeEdgeHostFiles } from './edge-host-files.ts';
import { CaddyConfigRejected, type CaddyEdge } from './caddy-edge.ts';
import type { DevelopmentFederationProxy } from './development-federation-proxy.ts';
import { EdgeActivity, withActivityLog } from './edge-activity.ts';
import { dumpSchemaState, installedSchemaVersion, sqliteSchemaState } from './dump-inspection.ts';
import { loadAdmitting } from './edge-admission.ts';
import { ensureHostDatabase } from './host-databases.ts';
import { readHostMetrics } from './host-metrics.ts';
import { databaseConnections, machineMemory, processMemoryBytes } from './machine-capacity.ts';
import { archiveMediaDirectory, checkMediaArchive, extractMediaArchive } from './media-archive.ts';
import {
  databaseBytes, directoryBytes, dumpDatabase, portSqliteDatabase, postgresServerVersion, restoreDatabase,
  withDatabaseClient,
  type DatabaseAccess,
} from './host-archives.ts';
import { PortWaker } from './port-waker.ts';
import type { ProcessSupervisor } from './process-supervisor.ts';
import { SharedSynapseProcesses } from './shared-synapse-processes.ts';
import type { RetiredDatabases } from './retired-databases.ts';
import { cloneSnapshot, dropSnapshot, hasSnapshot, restoreSnapshot, takeSnapshot, type SnapshotTarget } from './host-snapshots.ts';
import type { SynapseReleases } from './synapse-releases.ts';
import { synapseEnvironment } from './synapse-venv.ts';
import { templateOwner, type SynapseSchemaTemplate } from './synapse-schema-template.ts';
import { wellKnownDocuments } from './well-known-documents.ts';
import { homeserverPaths, hostEdgeSocket } from './host-folder.ts';
import { loopbackAddress, type HostPorts, type LocalHostPorts } from './local-host-ports.ts';

export interface LocalRuntimeOptions {
  config: Config;
  logger: Logger;
  /** A pool on the PostgreSQL that holds the hosts' databases, as a role that may create roles and databases. */
  adminPool: pg.Pool;
  /** Where removed hosts' databases go until they are dropped (on the same PostgreSQL as adminPool). */
  retiredDatabases: RetiredDatabases;
  /** How Synapse reaches that PostgreSQL. */
  databaseEndpoint: { host: string; port: number };
  supervisor: ProcessSupervisor;
  edge: CaddyEdge;
  /** The hosts' loopback ports, in the runtime's own table of Homeport's database. */
  ports: LocalHostPorts;
  /** The python of `synapseRelease`: the release new hosts get, and the one import and tools use. */
  venvPython: string;
  synapseRelease: string;
  /** Every installed release's venv: each host runs the one it records. */
  releases: SynapseReleases;
  /** The prepared Synapse schema new databases are copied from (local PostgreSQL cluster only). */
  schemaTemplate?: SynapseSchemaTemplate;
  /** The installation's federation settings for every host; `development` only on development base domains. */
  federation: Pick<FederationInput, 'trustedKeyServers' | 'development'>;
  /** Development installations: the proxy that must know the custom domains the edge serves. */
  federationProxy?: DevelopmentFederationProxy;
  /** Extra homeserver.yaml keys for every host (tests raise rate limits with it). */
  synapseOverrides?: Record<string, unknown>;
  onProcessState?(hostId: string, state: HostProcessState): void;
}

const processKey = (hostId: string) => `host:${hostId}`;

/** Where Homeport reaches a host's listener on this machine. */
function endpointOf(ports: HostPorts): URL {
  return new URL(`http://${loopbackAddress}:${ports.httpPort}/`);
}

/** The names a host answers on outside the base domain, which the development federation proxy must know. */
function customNamesOf(route: EdgeRoute): string[] {
  return [...route.customNames, ...route.previousNames];
}

/** Every name the edge answers on for the host, as the access log spells it (lowercase). */
function namesOf(route: EdgeRoute): string[] {
  return [route.edgeHostname, ...route.customNames, ...route.previousNames].map((name) => name.toLowerCase());
}

/** Caddy makes its local CA's root when it first starts; a new installation's first build may come sooner. */
const caFileTimeoutMs = 30_000;

async function waitForFile(file: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await stat(file).then((info) => info.isFile(), () => false))) {
    if (Date.now() > deadline) throw new Error(`${file} does not exist: hosts cannot trust it for federation`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** A Synapse that exits this often while its build waits for it will not come up by itself. */
const crashesBeforeGivingUp = 3;

/** How long a woken host may take to answer /health before its held requests are told to retry. */
const wakeTimeoutMs = 120_000;

/** A sleeping host: its port held by a waker once its Synapse has stopped. */
interface Sleeper {
  spec: HostSpec;
  /** Resolves once Synapse has stopped and the waker holds the port. */
  asleep: Promise<PortWaker>;
  /** The wake in progress, started by the first request. */
  waking?: Promise<void>;
}

export class LocalRuntime implements HostRuntime, HostPortability, SynapseTooling, HostSnapshots, SynapseReleaseCatalogue {
  readonly synapseVersion: string;
  readonly #options: LocalRuntimeOptions;
  /** Unexpected exits per host since Homeport started, to stop waiting for a Synapse that cannot start. */
  readonly #crashes = new Map<string, number>();
  readonly #shared: SharedSynapseProcesses;
  readonly #sleepers = new Map<string, Sleeper>();
  /**
   * Sleeping hosts of shared sizes: their tenant stays loaded in its shared process, without a
   * database connection (the process closes idle ones), and answers their next request at once.
   */
  readonly #dozing = new Set<string>();
  /** Epoch ms of each host's last outside request, or of when it last started or became ready. */
  readonly #lastActivity = new Map<string, number>();
  /** Every name the edge serves, to the host it belongs to, as of the last applyEdge. */
  #hostsByName = new Map<string, string>();
  readonly #activity: EdgeActivity;

  constructor(options: LocalRuntimeOptions) {
    this.#options = options;
    this.synapseVersion = options.synapseRelease;
    this.#shared = new SharedSynapseProcesses({
      dir: join(options.config.dataDir, 'shared-synapse'),
      supervisor: options.supervisor,
      releases: options.releases,
      logger: options.logger.child({ component: 'shared-synapse' }),
      onHostState: (hostId, state) => this.#hostStateChanged(hostId, state),
    });
    this.#activity = new EdgeActivity(join(options.config.dataDir, 'caddy', 'activity', 'access.sock'), (name) => this.#sawRequest(name));
  }

  #hostStateChanged(hostId: string, state: HostProcessState): void {
    // A sleeping shared host's tenant (re)loaded: still asleep until a request comes.
    if (state === 'running' && this.#dozing.has(hostId)) return;
    if (state === 'restarting') this.#crashes.set(hostId, (this.#crashes.get(hostId) ?? 0) + 1);
    this.#options.onProcessState?.(hostId, state);
  }

  #sawRequest(name: string): void {
    const hostId = this.#hostsByName.get(name);
    if (!hostId) return;
    this.#lastActivity.set(hostId, Date.now());
    // A well-known or Element Web's config.json is answered by the edge itself: the client's next
    // request is for Synapse, which starts now rather than then.
    if (this.#sleepers.has(hostId) || this.#dozing.has(hostId)) {
      this.wake(hostId).catch((error: unknown) => this.#options.logger.warn({ hostId, err: error }, 'waking a host on an edge request failed'));
    }
  }

  async allocate(hostId: string): Promise<void> {
    await this.#options.ports.allocate(hostId);
  }

  async hostEndpoint(hostId: string): Promise<URL> {
    return endpointOf(await this.#options.ports.get(hostId));
  }

  hostDir(hostId: string): string {
    return join(this.#options.config.dataDir, 'hosts', hostId);
  }

  async ensureDatabase(database: HostSpec['database'], options: { empty?: boolean } = {}): Promise<{ fromTemplate: boolean }> {
    const template = options.empty ? undefined : this.#options.schemaTemplate?.readyTemplate();
    return ensureHostDatabase(this.#options.adminPool, database, template ? { name: template, owner: templateOwner } : undefined);
  }

  async writeConfig(spec: HostSpec): Promise<void> {
    const paths = homeserverPaths(this.hostDir(spec.id));
    // Synapse reads the CA files when it starts and refuses a missing one.
    for (const file of this.#options.federation.development?.caFiles ?? []) await waitForFile(file, caFileTimeoutMs);
    await mkdir(paths.hostDir, { recursive: true, mode: 0o700 });
    await mkdir(paths.mediaStore, { recursive: true, mode: 0o700 });
    const { httpPort } = await this.#options.ports.get(spec.id);
    const config = renderHomeserverConfig({
      serverName: spec.serverName,
      publicBaseUrl: spec.publicBaseUrl,
      // Only the edge reaches it.
      listener: { address: loopbackAddress, port: httpPort },
      // And the edge, through the link of the request's name to this folder.
      edgeSocket: hostEdgeSocket(paths.hostDir),
      database: { ...this.#options.databaseEndpoint, ...spec.database },
      paths,
      secrets: spec.secrets,
      seats: spec.seats,
      maxUploadSize: spec.maxUploadSize,
      rateLimits: spec.rateLimits,
      databasePool: spec.databasePool,
      supportEmail: spec.supportEmail,
      federation: { ...spec.federation, ...this.#options.federation },
      singleSignOn: spec.singleSignOn,
      calls: spec.calls ?? null,
      overrides: this.#options.synapseOverrides,
    });
    // Secrets are inline in homeserver.yaml and in the key file: readable by Homeport's user only.
    await writeFile(paths.signingKey, spec.secrets.signingKey, { mode: 0o600 });
    await writeFile(paths.homeserverConfig, config, { mode: 0o600 });
    await writeFile(paths.logConfig, renderLogConfig({ paths }), { mode: 0o600 });
  }

  async start(spec: HostSpec): Promise<void> {
    if (this.#sleepers.has(spec.id)) return this.wake(spec.id);
    // A sleeping host of a shared size is loaded already: awake (not quiet), then started as any.
    if (this.#dozing.has(spec.id)) await this.wake(spec.id);
    await this.#startProcess(spec);
  }

  async #startProcess(spec: HostSpec): Promise<void> {
    const paths = homeserverPaths(this.hostDir(spec.id));
    // Synapse silently makes a new identity when the key file is missing: write it before every start.
    await writeFile(paths.signingKey, spec.secrets.signingKey, { mode: 0o600 });
    const release = this.#releaseOf(spec);
    // Refuses a release whose venv is not installed (here) before anything stops.
    const python = await this.#options.releases.pythonOf(release);
    // A host whose size changed placement leaves where it ran before: never served twice.
    if (spec.placement.kind === 'shared') {
      await this.#stopOwnProcess(spec.id);
      await this.#shared.start(spec.id, paths.homeserverConfig, spec.placement, release);
      this.#lastActivity.set(spec.id, Date.now());
      return;
    }
    await this.#shared.stop(spec.id);
    await this.#options.supervisor.ensureRunning(processKey(spec.id), {
      ...this.#synapseCommand(spec.id, python),
      cwd: paths.hostDir,
      env: synapseEnvironment({ PYTHONUNBUFFERED: '1' }),
      outputFile: join(paths.hostDir, 'console.log'),
      onStateChange: (state) => this.#hostStateChanged(spec.id, state),
    });
    this.#lastActivity.set(spec.id, Date.now());
  }

  #releaseOf(spec: HostSpec): string {
    return spec.synapseRelease ?? this.#options.synapseRelease;
  }

  /**
   * How a host's Synapse is started, and so recognised in /proc after a restart of Homeport (by
   * the python's name and the arguments: a process of any release's venv is recognised).
   */
  #synapseCommand(hostId: string, python = this.#options.venvPython): { command: string; args: string[]; pidFile: string } {
    const paths = homeserverPaths(this.hostDir(hostId));
    return {
      command: python,
      args: ['-m', 'synapse.app.homeserver', '--config-path', paths.homeserverConfig],
      pidFile: join(paths.hostDir, 'supervisor.pid'),
    };
  }

  async waitHealthy(spec: HostSpec, timeoutMs: number): Promise<void> {
    const crashesBefore = this.#crashes.get(spec.id) ?? 0;
    const gaveUp = new AbortController();
    const watch = setInterval(() => {
      if ((this.#crashes.get(spec.id) ?? 0) - crashesBefore >= crashesBeforeGivingUp) gaveUp.abort();
    }, 250);
    try {
      await waitForHealth((await this.hostEndpoint(spec.id)).href, timeoutMs, { signal: gaveUp.signal });
      // A host just built, rebuilt or woken has had no time yet to be asked for anything.
      this.#lastActivity.set(spec.id, Date.now());
    } catch (error) {
      if (!gaveUp.signal.aborted) throw error;
      throw new Error(`Synapse exited ${crashesBeforeGivingUp} times while starting; its last output: ${await this.#outputTail(spec)}`, { cause: error });
    } finally {
      clearInterval(watch);
    }
  }

  /** The end of Synapse's console output, with the host's secrets blanked out: it goes into the job log. */
  async #outputTail(spec: HostSpec): Promise<string> {
    // A shared process's output is every tenant's: a host's job log gets only its own tenant's error.
    const output = spec.placement.kind === 'shared'
      ? this.#shared.lastError(spec.id) ?? ''
      : await readFile(join(this.hostDir(spec.id), 'console.log'), 'utf8').catch(() => '');
    let tail = output.trim().split('\n').slice(-6).join(' | ');
    for (const secret of [spec.database.password, ...Object.values(spec.secrets)]) tail = tail.replaceAll(secret, '[redacted]');
    return tail || '(nothing)';
  }

  async stop(hostId: string): Promise<void> {
    this.#dozing.delete(hostId);
    const sleeper = this.#sleepers.get(hostId);
    if (sleeper) {
      (await sleeper.asleep.catch(() => undefined))?.close();
      // A wake under way would start Synapse again after this stop.
      await sleeper.waking?.catch(() => undefined);
      if (this.#sleepers.get(hostId) === sleeper) this.#sleepers.delete(hostId);
    }
    await this.#stopProcess(hostId);
  }

  /** Stops the host's Synapse wherever it runs: as a tenant of a shared process or in a process of its own. */
  async #stopProcess(hostId: string): Promise<void> {
    await this.#shared.stop(hostId);
    await this.#stopOwnProcess(hostId);
  }

  async #stopOwnProcess(hostId: string): Promise<void> {
    await this.#options.supervisor.stopIncludingLeftOver(processKey(hostId), this.#synapseCommand(hostId));
  }

  processState(hostId: string): Promise<HostProcessState> {
    return Promise.resolve(this.#processState(hostId));
  }

  #processState(hostId: string): HostProcessState {
    // Until a woken host answers, it is still the runtime's to wake, not the reconciler's to check.
    if (this.#sleepers.has(hostId) || this.#dozing.has(hostId)) return 'sleeping';
    return this.#shared.state(hostId) ?? this.#options.supervisor.state(processKey(hostId));
  }

  async sleep(spec: HostSpec): Promise<void> {
    if (this.#sleepers.has(spec.id) || this.#dozing.has(spec.id)) return;
    if (spec.placement.kind === 'shared') return this.#doze(spec);
    const sleeper: Sleeper = {
      spec,
      asleep: this.#options.ports.get(spec.id).then(async ({ httpPort }) => {
        await this.#stopProcess(spec.id);
        // The socket only for a Synapse that listens on it once woken; an older one's edge uses its port.
        const edgeSocket = (await this.#configuredForEdge(spec.id)) ? hostEdgeSocket(this.hostDir(spec.id)) : undefined;
        return PortWaker.hold(httpPort, () => this.wake(spec.id), () => this.#lastActivity.set(spec.id, Date.now()), edgeSocket);
      }),
    };
    this.#sleepers.set(spec.id, sleeper);
    try {
      await sleeper.asleep;
    } catch (error) {
      // Not asleep after all: the reconciler finds it stopped and starts it.
      if (this.#sleepers.get(spec.id) === sleeper) this.#sleepers.delete(spec.id);
      throw error;
    }
  }

  /**
   * A host of a shared size sleeps loaded: its tenant keeps serving from its shared process (a few
   * MiB there) and holds no database connection once idle, so its next request is answered
   * without a tenant start (docs/density-shared-processes.md). Loaded again if it was not (a
   * restart of Homeport finds the tenant files as they were).
   */
  async #doze(spec: HostSpec): Promise<void> {
    this.#dozing.add(spec.id);
    try {
      await this.#startProcess(spec);
      await this.#shared.setQuiet(spec.id, true);
    } catch (error) {
      this.#dozing.delete(spec.id);
      throw error;
    }
  }

  wake(hostId: string): Promise<void> {
    if (this.#dozing.delete(hostId)) {
      // The reconciler's next pass sees the host running and marks it so.
      this.#lastActivity.set(hostId, Date.now());
      return this.#shared.setQuiet(hostId, false);
    }
    const sleeper = this.#sleepers.get(hostId);
    if (!sleeper) return Promise.resolve();
    sleeper.waking ??= this.#wakeNow(sleeper).finally(() => {
      if (this.#sleepers.get(hostId) === sleeper) this.#sleepers.delete(hostId);
    });
    return sleeper.waking;
  }

  async #wakeNow(sleeper: Sleeper): Promise<void> {
    (await sleeper.asleep).release();
    await this.#startProcess(sleeper.spec);
    await this.waitHealthy(sleeper.spec, wakeTimeoutMs);
  }

  lastActivity(hostId: string): number | undefined {
    return this.#lastActivity.get(hostId);
  }

  /** Lets go of the activity socket and of the ports of sleeping hosts (Homeport stops). */
  async close(): Promise<void> {
    await this.#activity.close();
    for (const sleeper of this.#sleepers.values()) (await sleeper.asleep.catch(() => undefined))?.close();
    this.#sleepers.clear();
  }

  async capacity(hosts: Array<{ id: string; databaseName: string }>): Promise<RuntimeCapacity> {
    const [memory, connections] = await Promise.all([
      machineMemory(),
      databaseConnections(this.#options.adminPool, hosts.map((host) => host.databaseName)),
    ]);
    const databaseOf = new Map(hosts.map((host) => [host.id, host.databaseName]));
    const connectionsOf = (hostId: string) => connections.perDatabase.get(databaseOf.get(hostId) ?? '') ?? 0;
    // Shared processes: one resident size for all their hosts, shared out equally among them.
    const processes = await Promise.all((await this.#shared.processes()).map(async (shared) => ({
      name: shared.name,
      memoryBytes: shared.pid === undefined ? 0 : await processMemoryBytes(shared.pid),
      databaseConnections: shared.hostIds.reduce((sum, hostId) => sum + connectionsOf(hostId), 0),
      hostIds: shared.hostIds,
    })));
    const sharedBy = new Map(processes.flatMap((shared) => shared.hostIds.map((hostId) => [hostId, shared] as const)));
    const perHost = await Promise.all(hosts.map(async (host) => {
      const shared = sharedBy.get(host.id);
      if (shared) {
        const share = Math.round(shared.memoryBytes / shared.hostIds.length);
        return [host.id, { memoryBytes: share, databaseConnections: connectionsOf(host.id), process: shared.name }] as const;
      }
      const pid = this.#options.supervisor.pid(processKey(host.id));
      const memoryBytes = pid === undefined ? 0 : await processMemoryBytes(pid);
      return [host.id, { memoryBytes, databaseConnections: connectionsOf(host.id) }] as const;
    }));
    return {
      memory,
      databaseConnections: { max: connections.max, reserved: connections.reserved, used: connections.used },
      hosts: new Map(perHost),
      processes,
      hostSlots: { free: await this.#options.ports.freePairs(), setting: 'HOMEPORT_HOST_PORTS' },
    };
  }

  /**
   * The host's Prometheus metrics (e.g. synapse_admin_mau_current), read over the Unix socket
   * that only Homeport's user may open.
   */
  hostMetrics(hostId: string): Promise<string> {
    return readHostMetrics(this.hostDir(hostId));
  }

  async applyEdge(hosts: EdgeRoute[]): Promise<EdgeRefusal[]> {
    const { edge, federationProxy } = this.#options;
    const dirs = edge.baseConfigInput();
    const ported: Array<{ route: EdgeRoute; host: EdgeHost }> = [];
    const unallocated: EdgeRefusal[] = [];
    const allocated = await this.#options.ports.findMany(hosts.map((route) => route.id));
    for (const route of hosts) {
      const ports = allocated.get(route.id);
      if (ports) ported.push({ route, host: await this.#edgeHost(route, ports) });
      else unallocated.push({ id: route.id, reason: 'the host has no listener yet (it was never built on this machine)' });
    }
    for (const spec of hosts) await this.writeClientConfig(spec.id, spec.clientConfig, { onlyIfChanged: true });
    for (const { host } of ported) await writeEdgeHostFiles(dirs, host);
    federationProxy?.setCustomNames(new Map(hosts.map((spec) => [spec.id, customNamesOf(spec)])));
    this.#hostsByName = new Map(hosts.flatMap((spec) => namesOf(spec).map((name) => [name, spec.id])));
    await this.#activity.listen();
    const refused = await loadAdmitting(ported.map(({ route, host }) => ({ id: route.id, host })), (admitted) => edge.load(withActivityLog(
      renderCaddyConfig({ ...dirs, hosts: admitted.map(({ host }) => host) }),
      this.#activity.socketPath,
    )));
    // Only the admitted hosts' names lead anywhere: links of hosts gone meanwhile go too.
    const refusedIds = new Set(refused.map((refusal) => refusal.id));
    await sweepEdgeNames(dirs, ported.filter(({ route }) => !refusedIds.has(route.id)).map(({ host }) => host));
    return [...unallocated, ...refused];
  }

  async applyEdgeHost(hostId: string, route: EdgeRoute | undefined): Promise<EdgeRefusal | undefined> {
    const { edge, federationProxy } = this.#options;
    const dirs = edge.baseConfigInput();
    const ports = route && await this.#options.ports.find(route.id);
    const host = route && ports && await this.#edgeHost(route, ports);
    if (route) await this.writeClientConfig(route.id, route.clientConfig, { onlyIfChanged: true });
    // Its files and the links of its names: an ordinary host's change costs Caddy nothing more.
    if (host) await writeEdgeHostFiles(dirs, host);
    else await removeEdgeHostFiles(dirs, hostId, [...this.#hostsByName].flatMap(([name, owner]) => (owner === hostId ? [name] : [])));
    federationProxy?.setHostCustomNames(hostId, route ? customNamesOf(route) : []);
    for (const [name, owner] of this.#hostsByName) if (owner === hostId) this.#hostsByName.delete(name);
    for (const name of route ? namesOf(route) : []) this.#hostsByName.set(name, hostId);
    if (route && !ports) {
      await edge.setHost(hostId, undefined);
      return { id: hostId, reason: 'the host has no listener yet (it was never built on this machine)' };
    }
    try {
      await edge.setHost(hostId, host && { route: renderHostRoute(host, dirs.namesDir), baseName: host.hostname });
      return undefined;
    } catch (error) {
      if (!(error instanceof CaddyConfigRejected) || !route) throw error;
      // Refused: whatever Caddy had of this host goes, so it serves nothing half-changed.
      await removeEdgeHostFiles(dirs, hostId);
      await edge.setHost(hostId, undefined);
      return { id: hostId, reason: `the edge refused this host's routes: ${error.message}` };
    }
  }

  whenEdgeRestarted(restore: () => Promise<void>): void {
    this.#options.edge.whenRestarted(restore);
  }

  async #edgeHost(spec: EdgeRoute, ports: HostPorts): Promise<EdgeHost> {
    return {
      id: spec.id,
      hostname: spec.edgeHostname,
      customNames: spec.customNames,
      previousNames: spec.previousNames,
      movedNames: spec.movedNames,
      homeserverUrl: spec.publicBaseUrl.replace(/\/$/, ''),
      upstreamPort: ports.httpPort,
      edgeSocket: await this.#listensForEdge(spec.id),
      wellKnown: wellKnownDocuments(spec),
      protectedUserIds: [spec.homeportUserId],
    };
  }

  /**
   * Whether the edge reaches the host through edge.sock: its homeserver.yaml has the listener and
   * the socket is there (its Synapse, or the waker of a sleeping host, listens on it). A host whose
   * homeserver.yaml was written before (or rewritten, but Synapse not restarted since) is reached
   * by its port, through a route of its own, until a change of it finds the socket.
   */
  async #listensForEdge(hostId: string): Promise<boolean> {
    const socket = hostEdgeSocket(this.hostDir(hostId));
    if (!(await stat(socket).then((info) => info.isSocket(), () => false))) return false;
    return this.#configuredForEdge(hostId);
  }

  /** Whether the host's homeserver.yaml has the edge's socket listener. */
  async #configuredForEdge(hostId: string): Promise<boolean> {
    const paths = homeserverPaths(this.hostDir(hostId));
    const written = await readFile(paths.homeserverConfig, 'utf8').catch(() => '');
    return written.includes(hostEdgeSocket(paths.hostDir));
  }

  #clientConfigDir(hostId: string): string {
    // Where the edge's shared route finds it (hostClientConfigDir): one folder per host under hostsDir.
    return hostClientConfigDir(this.#options.edge.baseConfigInput().hostsDir, hostId);
  }

  async writeClientConfig(hostId: string, config: Record<string, unknown>, options: { onlyIfChanged?: boolean } = {}): Promise<void> {
    const dir = this.#clientConfigDir(hostId);
    const file = join(dir, 'config.json');
    const text = JSON.stringify(config, null, 2) + '\n';
    if (options.onlyIfChanged && (await readFile(file, 'utf8').catch(() => undefined)) === text) return;
    await mkdir(dir, { recursive: true, mode: 0o700 });
    // Written aside and renamed, so the edge never serves half a file.
    const temporary = `${file}.${process.pid}.tmp`;
    await writeFile(temporary, text, { mode: 0o600 });
    await rename(temporary, file);
  }

  async remove(hostId: string, database: Pick<HostSpec['database'], 'name' | 'user'>): Promise<void> {
    await this.stop(hostId);
    // The restore points of its upgrades go with it (their files are in its directory, named as them).
    const paths = homeserverPaths(this.hostDir(hostId));
    for (const snapshot of await readdir(join(paths.hostDir, 'snapshots')).catch(() => [])) {
      await dropSnapshot({ admin: this.#options.adminPool, retired: this.#options.retiredDatabases, database: { ...database }, paths }, snapshot);
    }
    await this.#options.retiredDatabases.retireHostDatabase(database);
    await rm(this.hostDir(hostId), { recursive: true, force: true });
    // Last: a removal that failed half-way is repeated with the host still where it was.
    await this.#options.ports.release(hostId);
  }

  #access(database: HostSpec['database']): DatabaseAccess {
    return { ...this.#options.databaseEndpoint, ...database };
  }

  async writtenConfig(hostId: string): Promise<Record<string, unknown>> {
    return parse(await readFile(homeserverPaths(this.hostDir(hostId)).homeserverConfig, 'utf8')) as Record<string, unknown>;
  }

  async measure(hostId: string, database: Pick<HostSpec['database'], 'name'>): Promise<{ databaseBytes: number; mediaBytes: number }> {
    return {
      databaseBytes: await databaseBytes(this.#options.adminPool, database.name),
      mediaBytes: await directoryBytes(homeserverPaths(this.hostDir(hostId)).mediaStore),
    };
  }

  async dumpDatabase(database: HostSpec['database'], dir: string, options: { excludeTableData?: string[]; signal?: AbortSignal } = {}): Promise<void> {
    await dumpDatabase(this.#access(database), dir, options);
  }

  async archiveMedia(hostId: string, file: string): Promise<void> {
    const skipped = await archiveMediaDirectory(homeserverPaths(this.hostDir(hostId)).mediaStore, file);
    // Synapse stores no links; one found here was put there by someone else and is not media.
    if (skipped.length > 0) this.#options.logger.warn({ hostId, skipped: skipped.slice(0, 20), count: skipped.length }, 'media archive left out entries that are neither files nor folders');
  }

  async checkMediaArchive(file: string): Promise<{ bytes: number }> {
    return { bytes: (await checkMediaArchive(file)).bytes };
  }

  async resetDatabase(database: HostSpec['database']): Promise<void> {
    await this.#options.retiredDatabases.retireDatabase(database.name);
    await this.ensureDatabase(database, { empty: true });
  }

  async restoreDatabase(database: HostSpec['database'], dump: { format: DumpFormat; path: string }, signal?: AbortSignal): Promise<void> {
    await restoreDatabase(this.#access(database), dump, signal);
  }

  async portSqliteDatabase(hostId: string, sqliteFile: string, signal?: AbortSignal): Promise<void> {
    const paths = homeserverPaths(this.hostDir(hostId));
    await portSqliteDatabase({ venvPython: this.#options.venvPython, sqliteFile, homeserverConfig: paths.homeserverConfig, cwd: paths.hostDir, signal });
  }

  async restoreMedia(hostId: string, archive: string, signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted();
    await extractMediaArchive(archive, homeserverPaths(this.hostDir(hostId)).mediaStore);
  }

  async withDatabase<T>(database: HostSpec['database'], work: (client: pg.Client) => Promise<T>): Promise<T> {
    return withDatabaseClient(this.#access(database), work);
  }

  async postgresVersion(): Promise<string> {
    return postgresServerVersion(this.#options.adminPool);
  }

  async installedSchemaVersion(): Promise<number> {
    return installedSchemaVersion(this.#options.venvPython);
  }

  async databaseSchemaState(database: { format: DumpFormat | 'sqlite'; path: string }): Promise<SchemaState> {
    return database.format === 'sqlite'
      ? sqliteSchemaState(this.#options.venvPython, database.path)
      : dumpSchemaState({ format: database.format, path: database.path });
  }

  async passwordHash(password: string, pepper: string): Promise<string> {
    return synapsePasswordHash(this.#options.venvPython, password, pepper);
  }

  async installedReleases(): Promise<string[]> {
    return this.#options.releases.installed();
  }

  #snapshotTarget(spec: HostSpec): SnapshotTarget {
    return { admin: this.#options.adminPool, retired: this.#options.retiredDatabases, database: spec.database, paths: homeserverPaths(this.hostDir(spec.id)) };
  }

  async takeSnapshot(spec: HostSpec, name: string): Promise<{ databaseBytes: number }> {
    return takeSnapshot(this.#snapshotTarget(spec), name);
  }

  async hasSnapshot(spec: HostSpec, name: string): Promise<boolean> {
    return hasSnapshot(this.#snapshotTarget(spec), name);
  }

  async restoreSnapshot(spec: HostSpec, name: string): Promise<void> {
    await restoreSnapshot(this.#snapshotTarget(spec), name);
  }

  async cloneSnapshot(spec: HostSpec, name: string, from: { databaseUser: string }): Promise<void> {
    await cloneSnapshot(this.#snapshotTarget(spec), name, from.databaseUser);
  }

  async dropSnapshot(spec: HostSpec, name: string): Promise<void> {
    await dropSnapshot(this.#snapshotTarget(spec), name);
  }
}
