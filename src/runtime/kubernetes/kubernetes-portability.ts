// Export and import on Kubernetes: what goes straight against the hosts' PostgreSQL works (sizes,
// the host's database for seats and admin repair, a reset); what needs the media volume or
// Synapse's own tools (dumps and archives, restores, SQLite ports, password hashes) is refused
// with a typed error the API answers with 501, rather than half done.
import type pg from 'pg';
import { HomeportError } from '../../domain/errors.ts';
import type { DumpFormat, HostPortability, HostSnapshots, HostSpec, SchemaState, SynapseReleaseCatalogue, SynapseTooling } from '../runtime.ts';
import type { HostsDatabaseServer } from './hosts-database-server.ts';

function unsupported(what: string): HomeportError {
  return new HomeportError('runtime-unsupported', 'Not available on this installation', `${what} is not available yet for hosts running on Kubernetes (issue 16).`);
}

export class KubernetesPortability implements HostPortability, SynapseTooling, HostSnapshots, SynapseReleaseCatalogue {
  readonly synapseVersion: string;
  readonly #server: HostsDatabaseServer;

  constructor(server: HostsDatabaseServer, synapseImage: string) {
    this.#server = server;
    // The image's tag names the release (ghcr.io/element-hq/synapse:v1.150.0).
    this.synapseVersion = /:v?([0-9][^@]*)(@.*)?$/.exec(synapseImage)?.[1] ?? synapseImage;
  }

  /** One release: the operator's Synapse image. */
  async installedReleases(): Promise<string[]> {
    return [this.synapseVersion];
  }

  async takeSnapshot(): Promise<{ databaseBytes: number }> {
    throw unsupported('Upgrading a host with a snapshot');
  }

  async hasSnapshot(): Promise<boolean> {
    return false;
  }

  async restoreSnapshot(): Promise<void> {
    throw unsupported('Restoring a host\'s snapshot');
  }

  async cloneSnapshot(): Promise<void> {
    throw unsupported('Cloning a host from a snapshot');
  }

  async dropSnapshot(): Promise<void> {
    // Nothing was ever taken.
  }

  async writtenConfig(): Promise<Record<string, unknown>> {
    throw unsupported('Exporting a host\'s configuration');
  }

  async measure(): Promise<{ databaseBytes: number; mediaBytes: number }> {
    throw unsupported('Exporting a host (its media lives on a volume in the cluster)');
  }

  async dumpDatabase(): Promise<void> {
    throw unsupported('Dumping a host\'s database');
  }

  async archiveMedia(): Promise<void> {
    throw unsupported('Archiving a host\'s media');
  }

  async resetDatabase(database: HostSpec['database']): Promise<void> {
    await this.#server.steps.drop(database);
    await this.#server.steps.ensure(database, { empty: true });
  }

  async restoreDatabase(_database: HostSpec['database'], _dump: { format: DumpFormat; path: string }): Promise<void> {
    throw unsupported('Importing a host');
  }

  async portSqliteDatabase(): Promise<void> {
    throw unsupported('Importing a SQLite homeserver');
  }

  async restoreMedia(): Promise<void> {
    throw unsupported('Importing media');
  }

  withDatabase<T>(database: HostSpec['database'], work: (client: pg.Client) => Promise<T>): Promise<T> {
    return this.#server.withHostDatabase(database, work);
  }

  postgresVersion(): Promise<string> {
    return this.#server.version();
  }

  async installedSchemaVersion(): Promise<number> {
    throw unsupported('Importing a host');
  }

  async databaseSchemaState(): Promise<SchemaState> {
    throw unsupported('Importing a host');
  }

  async passwordHash(): Promise<string> {
    throw unsupported('Setting a password hash with Synapse\'s tools');
  }

  async checkMediaArchive(): Promise<{ bytes: number }> {
    throw unsupported('Importing media');
  }
}
