// What every job, command and use case receives: Homeport's dependencies, passed in rather than imported.
import type { Config } from './config.ts';
import type { Size } from './domain/sizes.ts';
import type { Logger } from './logger.ts';
import type { Mailer } from './mail/mailer.ts';
import type { CardPayments } from './payments/card-payments.ts';
import type { BackupStore, CallsMediaServer, HostPortability, HostRuntime, HostSnapshots, RuntimeMonitoring, SynapseReleaseCatalogue, SynapseTooling } from './runtime/runtime.ts';
import type { Db } from './store/database.ts';
import type { SecretBox } from './store/secret-box.ts';

/**
 * On a development installation, where servers of this installation reach its edge: its names
 * are in no DNS, so a remote server here is sent to the edge for them (see federation-fetch.ts).
 */
export interface DevelopmentEdge {
  address: string;
  port: number;
  /** The PEM of the CA the edge's certificates chain to, when it has its own (internal TLS). */
  readCa(): Promise<string | undefined>;
}

export interface HomeportContext {
  config: Config;
  db: Db;
  box: SecretBox;
  runtime: HostRuntime;
  /** Export and import of a host's data (the same runtime, seen through its portability interface). */
  portability: HostPortability;
  /** Where the hosts' backups are kept. */
  backups: BackupStore;
  /** What import asks of the Synapse the runtime runs. */
  synapseTooling: SynapseTooling;
  /** What monitoring asks of the runtime: health probes, the edge's certificates, the data disk. */
  monitoring: RuntimeMonitoring;
  /** Restore points taken before a Synapse upgrade (the same runtime again). */
  snapshots: HostSnapshots;
  /** The Synapse releases installed for the runtime. */
  synapseReleases: SynapseReleaseCatalogue;
  sizes: Size[];
  logger: Logger;
  mailer: Mailer;
  /** Card payment (Stripe); undefined when not configured: invoice payment only. */
  cardPayments?: CardPayments;
  /** The media server for calls; absent where this process does not run it (calls off, or not the edge role). */
  calls?: CallsMediaServer;
  /** Set on development installations only. */
  developmentEdge?: DevelopmentEdge;
}
