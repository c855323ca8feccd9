// The last federation check of each host: whether remote servers reach it and trust its key.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('federation_checks')
    .addColumn('host_id', 'uuid', (c) => c.primaryKey().references('hosts.id').onDelete('cascade'))
    .addColumn('checked_at', 'timestamptz', (c) => c.notNull())
    .addColumn('passed', 'boolean', (c) => c.notNull())
    .addColumn('findings', 'jsonb', (c) => c.notNull())
    .execute();
}
