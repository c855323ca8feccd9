// Opens Homeport's database (a pg pool behind Kysely) and brings its schema up to date.
import { setTimeout as sleep } from 'node:timers/promises';
import { Kysely, PostgresDialect, sql } from 'kysely';
import { Migrator, type MigrationProvider } from 'kysely/migration';
import pg from 'pg';
import { migrations } from './migrations/index.ts';
import type { Database } from './schema.ts';

export type Db = Kysely<Database>;

export interface OpenedDatabase {
  db: Db;
  pool: pg.Pool;
  close(): Promise<void>;
}

export function openDatabase(connectionString: string, max = 10, onConnectionError: (error: Error) => void = () => undefined): OpenedDatabase {
  const pool = new pg.Pool({ connectionString, max });
  // A client that loses its server (PostgreSQL restarted) must not crash the process: the
  // pool replaces it, and queries in flight fail and are retried by their job.
  pool.on('error', onConnectionError);
  pool.on('connect', (client) => client.on('error', onConnectionError));
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return { db, pool, close: () => db.destroy() };
}

/** Resolves once the database answers, trying again with backoff: an external server may be down for a while. */
export async function waitForDatabase(db: Db, onWaiting: (error: unknown, delayMs: number) => void): Promise<void> {
  for (let failures = 0; ; failures++) {
    try {
      await sql`SELECT 1`.execute(db);
      return;
    } catch (error) {
      const delayMs = Math.min(1_000 * 2 ** failures, 30_000);
      onWaiting(error, delayMs);
      await sleep(delayMs);
    }
  }
}

const provider: MigrationProvider = { getMigrations: async () => migrations };

/** Applies pending migrations; a failed migration throws so that start-up stops with an error. */
export async function migrate(db: Db): Promise<string[]> {
  const migrator = new Migrator({ db, provider });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((result) => result.status === 'Error')?.migrationName ?? 'unknown';
    throw new Error(`migration ${failed} failed: ${error instanceof Error ? error.message : String(error)}`);
  }
  return (results ?? []).map((result) => result.migrationName);
}
