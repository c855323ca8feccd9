// The boundary every runtime implements (local processes now, Kubernetes later): the jobs and
// the reconciler only ever talk to a host's runtime through this interface.
import type pg from 'pg';
import type { RateLimits } from '../domain/rate-limits.ts';
import type { DatabasePool } from '../domain/sizes.ts';
import type { HostFederation } from '../domain/federation.ts';
import type { SingleSignOn } from '../domain/single-sign-on.ts';
import type { SizePlacement } from '../domain/sizes.ts';
import type { CallsInput } from '../synapse/calls-config.ts';
import type { HomeserverSecrets } from '../synapse/host-secrets.ts';

/** `sleeping`: stopped on purpose, costing no process nor database connection, and woken by its next request. */
export type HostProcessState = 'running' | 'starting' | 'restarting' | 'stopped' | 'sleeping';

/** Everything a runtime needs to run one host, derived from the database. */
export interface HostSpec {
  id: string;
  label: string;
  serverName: string;
  /** e.g. https://acme.homeport.localhost:8443/ */
  publicBaseUrl: string;
  /** The host name the edge routes to this host. */
  edgeHostname: string;
  seats: number;
  maxUploadSize: string;
  rateLimits: RateLimits;
  /** Synapse's database pool: the connections the host keeps and may open. */
  databasePool: DatabasePool;
  supportEmail: string | null;
  database: { name: string; user: string; password: string };
  secrets: HomeserverSecrets;
  /** The customer's federation choice (open, allowlist, off). */
  federation: HostFederation;
  /** The host's identity providers (secrets opened) and whether password login stays on. */
  singleSignOn: SingleSignOn;
  /** Whether the host may share its homeserver's resources with other hosts of its group, or runs alone. */
  placement: SizePlacement;
  /** The Synapse release the host runs; null (a host not allocated yet): the one new hosts get. */
  synapseRelease: string | null;
  /** Calls on the host: the token service MatrixRTC clients are sent to; null or absent: calls off. */
  calls?: CallsInput | null;
}

/** The installation's media server for calls (LiveKit), as the token service and the panel use it. */
export interface CallsMediaServer {
  /** Makes the call's room unless it exists; only rooms made here can be joined. */
  ensureRoom(name: string): Promise<void>;
  /** Whether a call is going on in this room (a local host's user started it). */
  roomExists(name: string): Promise<boolean>;
  /** Whether the media server answers. */
  healthy(): Promise<boolean>;
}

/** What the edge needs of a host: no secrets. */
export type EdgeRoute = Pick<HostSpec, 'id' | 'edgeHostname' | 'publicBaseUrl' | 'supportEmail'> & {
  /** The customer's own names the host answers on: its client domain and custom homeserver domain. */
  customNames: string[];
  /** Earlier client domains that still serve the host. */
  previousNames: string[];
  /** Earlier client domains switched to answer every request with "server moved". */
  movedNames: string[];
  /**
   * The `m.server` of the host's /.well-known/matrix/server: `<name>:<edge HTTPS port>`; null
   * when the host's federation is off, so no other server is sent to it.
   */
  delegatedServer: string | null;
  /** The host's Element Web config.json. */
  clientConfig: Record<string, unknown>;
  /** Homeport's own admin user on the host: the edge refuses every request naming it. */
  homeportUserId: string;
  /** The calls token service named in the host's client well-known; null or absent: calls off. */
  callsServiceUrl?: string | null;
};

/** A host the edge does not serve, and why (shown to its owner). */
export interface EdgeRefusal {
  id: string;
  reason: string;
}

/** What the machine running hosts has left, and what each host uses of it. */
export interface RuntimeCapacity {
  memory: { totalBytes: number; availableBytes: number };
  /** The hosts' PostgreSQL: max_connections, those reserved for superusers, those in use (every client). */
  databaseConnections: { max: number; reserved: number; used: number };
  /**
   * Per host asked about: resident memory of the process serving it (0 when none runs; a host in a
   * shared process: an equal share of that process's), its database's connections, and the
   * shared process serving it, if one does.
   */
  hosts: Map<string, { memoryBytes: number; databaseConnections: number; process?: string }>;
  /** Processes serving several hosts: resident memory (0 when not running), their hosts' connections, their hosts. */
  processes?: Array<{ name: string; memoryBytes: number; databaseConnections: number; hostIds: string[] }>;
  /**
   * Hosts the runtime can still place by a limit of its own (the local runtime: free port pairs of
   * its port range), with the setting that sets it; absent where the runtime has no such limit.
   */
  hostSlots?: { free: number; setting: string };
}

export interface HostRuntime {
  /**
   * Gives the host whatever the runtime must reserve for it before its first start (the local
   * runtime: a pair of loopback ports, kept in its own table); once: a host that has them keeps
   * them until it is removed. Nothing to do on runtimes that address hosts by name (Kubernetes).
   */
  allocate(hostId: string): Promise<void>;
  /**
   * Where Homeport itself reaches the host's Synapse (client and admin APIs, /health), without
   * the edge: the only way jobs, the reconciler and the API learn a host's address. Asking does
   * not wake a sleeping host; a request sent there does. Throws for a host not allocated.
   */
  hostEndpoint(hostId: string): Promise<URL>;
  /**
   * Creates the host's database and role if missing (UTF8, C collation): a copy of the prepared
   * Synapse schema when the runtime has one, else empty (always empty with `empty: true`, e.g. to
   * restore a dump into).
   */
  ensureDatabase(database: HostSpec['database'], options?: { empty?: boolean }): Promise<{ fromTemplate: boolean }>;
  /** Writes the signing key, secrets and homeserver.yaml for the host. */
  writeConfig(spec: HostSpec): Promise<void>;
  /** Starts Synapse unless it already runs (adopting a process left from an earlier Homeport). */
  start(spec: HostSpec): Promise<void>;
  /** Waits until Synapse answers /health, or throws after the timeout. */
  waitHealthy(spec: HostSpec, timeoutMs: number): Promise<void>;
  stop(hostId: string): Promise<void>;
  /**
   * The state of the host's Synapse as the runtime knows it (asynchronous: a runtime may have to
   * ask elsewhere, e.g. an API server; neither asking nor the answer wakes a sleeping host).
   */
  processState(hostId: string): Promise<HostProcessState>;
  /**
   * Stops the host until its next request: any request for it (through the edge, or Homeport's
   * own calls) wakes it and is answered once it is ready, not refused. Its state is `sleeping`
   * from the moment of the call.
   */
  sleep(spec: HostSpec): Promise<void>;
  /** Wakes a sleeping host and waits until it answers; does nothing for a host that is not asleep. */
  wake(hostId: string): Promise<void>;
  /**
   * When the host last had a request from outside (clients, other servers) or last started or
   * became ready, in epoch milliseconds; undefined for a host this runtime has not started. Homeport's own
   * requests do not count.
   */
  lastActivity(hostId: string): number | undefined;
  /**
   * Makes the edge route exactly the given hosts (their Element Web config.json included). A host
   * whose routes the edge refuses is left out and answered, the others are still applied; throws
   * only when the edge cannot be configured at all.
   */
  applyEdge(hosts: EdgeRoute[]): Promise<EdgeRefusal[]>;
  /**
   * Makes the edge route one host as given (undefined: not at all), leaving every other host's
   * routes untouched, so its cost does not grow with the number of hosts. Answers the refusal
   * when the edge will not serve the host (it then serves nothing of it).
   */
  applyEdgeHost(hostId: string, route: EdgeRoute | undefined): Promise<EdgeRefusal | undefined>;
  /** `restore` is called when the edge lost the hosts' routes (it restarted after a crash): apply them all again. */
  whenEdgeRestarted(restore: () => Promise<void>): void;
  /** Writes the host's Element Web config.json; served at once, no restart. */
  writeClientConfig(hostId: string, config: Record<string, unknown>): Promise<void>;
  /** The machine's headroom and the given hosts' use of it, measured now. */
  capacity(hosts: Array<{ id: string; databaseName: string }>): Promise<RuntimeCapacity>;
  /** Stops the host, drops its database and role, deletes media and config, frees what `allocate` reserved; safe to repeat. */
  remove(hostId: string, database: Pick<HostSpec['database'], 'name' | 'user'>): Promise<void>;
}

/**
 * A host's data as files, for export and import: dumps and restores of its database, archives
 * of its media store. Every runtime implements it next to HostRuntime, where the data lives.
 */
export interface HostPortability {
  /** The host's homeserver.yaml as the runtime last wrote it, parsed (an export carries it). */
  writtenConfig(hostId: string): Promise<Record<string, unknown>>;
  /** Sizes of the host's database and media store in bytes (what an export has to copy). */
  measure(hostId: string, database: Pick<HostSpec['database'], 'name'>): Promise<{ databaseBytes: number; mediaBytes: number }>;
  /** Dumps the database in pg_dump's directory format, without owners or privileges, into `dir` (replaced). */
  dumpDatabase(database: HostSpec['database'], dir: string, options?: { excludeTableData?: string[]; signal?: AbortSignal }): Promise<void>;
  /** Writes the host's media store as a gzip tar archive, entries relative to the store. */
  archiveMedia(hostId: string, file: string, signal?: AbortSignal): Promise<void>;
  /** Drops the host's database and creates it again empty, so a restore starts from nothing. */
  resetDatabase(database: HostSpec['database']): Promise<void>;
  /** Restores a dump into the host's empty database as the host's role. */
  restoreDatabase(database: HostSpec['database'], dump: { format: DumpFormat; path: string }, signal?: AbortSignal): Promise<void>;
  /** Ports a SQLite homeserver.db into the host's empty database (needs the host's config written). */
  portSqliteDatabase(hostId: string, sqliteFile: string, signal?: AbortSignal): Promise<void>;
  /** Replaces the host's media store with a gzip tar archive's contents, wherever the store sits in it. */
  restoreMedia(hostId: string, archive: string, signal?: AbortSignal): Promise<void>;
  /** Runs `work` connected to the host's database as the host's role. */
  withDatabase<T>(database: HostSpec['database'], work: (client: pg.Client) => Promise<T>): Promise<T>;
  /** The version of the PostgreSQL server holding the hosts' databases. */
  postgresVersion(): Promise<string>;
}

/**
 * Restore points of a host taken right before a Synapse upgrade: its database and configuration
 * as they were. Taken and restored only while the host is stopped. `name`: [a-z0-9_], at most 40.
 */
export interface HostSnapshots {
  /** Takes the snapshot; a snapshot that exists is complete (an interrupted one is taken again). */
  takeSnapshot(spec: HostSpec, name: string): Promise<{ databaseBytes: number }>;
  hasSnapshot(spec: HostSpec, name: string): Promise<boolean>;
  /** Makes the host's database and configuration the snapshot's again; the snapshot stays. */
  restoreSnapshot(spec: HostSpec, name: string): Promise<void>;
  /** Makes another host's database (a staging clone's) a copy of the snapshot's, owned by that host's role; no configuration is copied. */
  cloneSnapshot(spec: HostSpec, name: string, from: { databaseUser: string }): Promise<void>;
  dropSnapshot(spec: HostSpec, name: string): Promise<void>;
}

/** The Synapse releases a runtime can run hosts on. */
export interface SynapseReleaseCatalogue {
  /** Every installed release, oldest first. */
  installedReleases(): Promise<string[]>;
}

/** What import needs to know of the Synapse a runtime runs, to refuse what could not start before anything changes. */
export interface SynapseTooling {
  /** The Synapse version the runtime runs new hosts on (HOMEPORT_SYNAPSE_VERSION). */
  readonly synapseVersion: string;
  /** The newest database schema that Synapse supports. */
  installedSchemaVersion(): Promise<number>;
  /** The schema of a database dump or a SQLite homeserver.db, read without restoring it. */
  databaseSchemaState(database: { format: DumpFormat | 'sqlite'; path: string }): Promise<SchemaState>;
  /** A password hash as that Synapse makes it (bcrypt of the password and the pepper). */
  passwordHash(password: string, pepper: string): Promise<string>;
  /** Checks every entry of a media archive without unpacking it; throws ArchiveRefused with the reason. */
  checkMediaArchive(file: string): Promise<{ bytes: number }>;
}

export interface SchemaState {
  version: number | undefined;
  /** The oldest Synapse schema that can run this database (Synapse refuses to start when it is newer than its own). */
  compatVersion: number | undefined;
  /** A SQLite database's background updates not yet run: synapse_port_db refuses to copy it while any are left. */
  pendingBackgroundUpdates?: string[];
}

export type DumpFormat = 'directory' | 'custom' | 'plain-gzip';

/**
 * Where backups are kept: a local folder or an S3-compatible object store, chosen by the settings.
 * Names are `<host id>/<backup id>/<file>`; the contents arrive already sealed, so the store sees
 * no plain data.
 */
export interface BackupStore {
  /** Says where backups go, for logs and the operator (e.g. "local folder /srv/backups"). */
  readonly description: string;
  /** Stores the stream under `name`; it appears only once it is whole (a crash leaves nothing under the name). */
  write(name: string, content: NodeJS.ReadableStream, signal?: AbortSignal): Promise<{ bytes: number }>;
  /** The stored stream; throws an error with code ENOENT when the name holds nothing. */
  read(name: string): Promise<NodeJS.ReadableStream>;
  /** Every whole file under `prefix` (a host's or a backup's folder), by name, with its size. */
  list(prefix: string): Promise<{ name: string; bytes: number }[]>;
  /** Deletes every file under `prefix` (a backup's folder); safe to repeat. */
  remove(prefix: string): Promise<void>;
  /** Whether the store can be reached and written to now; throws why not. */
  check(): Promise<void>;
}

/** The store refuses and will refuse again (access denied, no such bucket): retrying cannot help. */
export class PermanentStoreError extends Error {}

/** Names come from Homeport's own ids; anything else (a path that could leave the store's folder) is a bug, refused loudly. */
export function checkBackupName(name: string): string {
  if (!/^[0-9a-f-]+(\/[0-9a-f-]+)?(\/[a-z0-9.-]+)?$/.test(name) || name.split('/').some((part) => part === '.' || part === '..')) {
    throw new Error(`not a backup file name: ${JSON.stringify(name)}`);
  }
  return name;
}

/**
 * What monitoring asks of a runtime: a host's health without waking it or counting as its
 * activity, the certificate the edge serves, and the disk the hosts' data fills.
 */
export interface RuntimeMonitoring {
  /** Asks the host's Synapse for /health once; never call it for a sleeping host (the request would wake it). */
  probeHealth(spec: HostSpec, timeoutMs: number): Promise<{ healthy: boolean; responseMs: number }>;
  /** The certificate the edge serves for a name, as a client connecting to the edge sees it; undefined when it serves none. */
  edgeCertificate(hostname: string): Promise<EdgeCertificate | undefined>;
  /** The filesystem holding the hosts' data (databases, media). */
  dataDisk(): Promise<{ totalBytes: number; availableBytes: number }>;
}

export interface EdgeCertificate {
  validFrom: Date;
  validTo: Date;
  issuer: string;
}
