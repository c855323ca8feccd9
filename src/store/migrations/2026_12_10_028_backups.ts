// Backups of hosts (restore points) and restores from them, and each host's last backup outcome
// (kept on the host so monitoring can alert on a failed or missing backup without reading jobs).
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('backups')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('host_id', 'uuid', (c) => c.notNull().references('hosts.id'))
    .addColumn('job_id', 'uuid', (c) => c.notNull().references('jobs.id'))
    .addColumn('trigger', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('running'))
    // The label and server name when it was taken: a restore into another host needs them.
    .addColumn('label', 'text', (c) => c.notNull())
    .addColumn('server_name', 'text', (c) => c.notNull())
    .addColumn('bytes', 'bigint')
    .addColumn('error', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('completed_at', 'timestamptz')
    .addColumn('deleted_at', 'timestamptz')
    .execute();
  await db.schema.createIndex('backups_host_idx').on('backups').columns(['host_id', 'created_at']).execute();
  await db.schema.createIndex('backups_job_idx').on('backups').column('job_id').unique().execute();

  await db.schema
    .createTable('restores')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('host_id', 'uuid', (c) => c.notNull().references('hosts.id'))
    .addColumn('backup_id', 'uuid', (c) => c.notNull().references('backups.id'))
    .addColumn('job_id', 'uuid', (c) => c.notNull().references('jobs.id'))
    // Set before the host's database is first emptied: from then on only a finished restore may serve it.
    .addColumn('database_reset_at', 'timestamptz')
    .addColumn('database_restored_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('restores_job_idx').on('restores').column('job_id').unique().execute();

  await db.schema
    .alterTable('hosts')
    .addColumn('last_backup_status', 'text')
    .addColumn('last_backup_at', 'timestamptz')
    .addColumn('last_backup_error', 'text')
    .execute();
}
