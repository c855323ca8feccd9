// Counters of requests per client address and route in fixed windows, for the sign-up and mail
// rate limits; kept in PostgreSQL so they survive restarts and hold across API processes.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('request_counts')
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('window_start', 'timestamptz', (c) => c.notNull())
    .addColumn('count', 'integer', (c) => c.notNull().defaultTo(0))
    .addPrimaryKeyConstraint('request_counts_pkey', ['key', 'window_start'])
    .execute();
  await sql`CREATE INDEX request_counts_window_start_idx ON request_counts (window_start)`.execute(db);
}
