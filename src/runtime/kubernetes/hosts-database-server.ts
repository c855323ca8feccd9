// The hosts' PostgreSQL as the Kubernetes runtime uses it: the operator's server (a URL), where
// Homeport creates and drops each host's database and role exactly as for every runtime. The
// composition root hands in those shared steps; what is asked of the server here is read-only.
import pg from 'pg';
import type { HostSpec } from '../runtime.ts';

export interface HostDatabaseSteps {
  ensure(database: HostSpec['database'], options?: { empty?: boolean }): Promise<{ fromTemplate: boolean }>;
  drop(database: Pick<HostSpec['database'], 'name' | 'user'>): Promise<void>;
  /** The server's connection limits, and the connections in use per database asked about. */
  connections(databaseNames: string[]): Promise<{ perDatabase: Map<string, number>; max: number; reserved: number; used: number }>;
}

export class HostsDatabaseServer {
  readonly steps: HostDatabaseSteps;
  readonly #admin: pg.Pool;
  /** Where the pods (and Homeport) reach the server. */
  readonly endpoint: { host: string; port: number };

  constructor(admin: pg.Pool, steps: HostDatabaseSteps) {
    this.#admin = admin;
    this.steps = steps;
    const url = new URL(admin.options.connectionString ?? '');
    this.endpoint = { host: url.hostname.replace(/^\[|\]$/g, ''), port: Number(url.port || 5432) };
  }

  async databaseBytes(name: string): Promise<number> {
    const found = await this.#admin.query<{ bytes: string | null }>('SELECT pg_database_size(datname) AS bytes FROM pg_database WHERE datname = $1', [name]);
    return Number(found.rows[0]?.bytes ?? 0);
  }

  async version(): Promise<string> {
    const found = await this.#admin.query<{ server_version: string }>('SHOW server_version');
    return found.rows[0]?.server_version ?? '';
  }

  /** Runs `work` connected to the host's database as the host's role. */
  async withHostDatabase<T>(database: HostSpec['database'], work: (client: pg.Client) => Promise<T>): Promise<T> {
    const client = new pg.Client({ ...this.endpoint, database: database.name, user: database.user, password: database.password });
    await client.connect();
    try {
      return await work(client);
    } finally {
      await client.end();
    }
  }
}
