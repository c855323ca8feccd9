// Monitoring: each host's health as checked every few minutes (kept for a retention period), and
// the alerts raised from it and from the machine, each open until its cause is gone.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('host_health_checks')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('host_id', 'uuid', (c) => c.notNull().references('hosts.id').onDelete('cascade'))
    .addColumn('checked_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('state', 'text', (c) => c.notNull().check(sql`state IN ('up', 'down', 'sleeping')`))
    .addColumn('response_ms', 'integer')
    .execute();
  await db.schema.createIndex('host_health_checks_host_time').on('host_health_checks').columns(['host_id', 'checked_at']).execute();
  await db.schema.createIndex('host_health_checks_time').on('host_health_checks').column('checked_at').execute();

  await db.schema
    .createTable('alerts')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('kind', 'text', (c) => c.notNull())
    // What the alert is about: a host's id, or the machine's data disk; one open alert per kind and subject.
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('host_id', 'uuid', (c) => c.references('hosts.id').onDelete('cascade'))
    .addColumn('summary', 'text', (c) => c.notNull())
    .addColumn('opened_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('resolved_at', 'timestamptz')
    .addColumn('notified_at', 'timestamptz')
    .addColumn('recovery_notified_at', 'timestamptz')
    .execute();
  await sql`CREATE UNIQUE INDEX alerts_one_open ON alerts (kind, subject) WHERE resolved_at IS NULL`.execute(db);
  await db.schema.createIndex('alerts_host_time').on('alerts').columns(['host_id', 'opened_at']).execute();
}
