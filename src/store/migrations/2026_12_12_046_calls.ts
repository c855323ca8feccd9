// Calls: each host's on/off switch (on by default, as the installation offers calls), and the
// installation's LiveKit API key with its secret sealed by the master key.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('hosts')
    .addColumn('calls_enabled', 'boolean', (c) => c.notNull().defaultTo(true))
    .execute();

  await db.schema
    .createTable('calls_keys')
    // One row: the installation has one LiveKit server.
    .addColumn('id', 'text', (c) => c.primaryKey().check(sql`id = 'livekit'`))
    .addColumn('api_key', 'text', (c) => c.notNull())
    .addColumn('api_secret_sealed', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
}
