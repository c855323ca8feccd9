// Export and import of hosts: the exports with their files and expiry, the measured dump and
// archive rates that calibrate the downtime estimate, and the operator's imports.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('exports')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('host_id', 'uuid', (c) => c.notNull().references('hosts.id'))
    .addColumn('job_id', 'uuid', (c) => c.notNull().references('jobs.id'))
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('running'))
    .addColumn('encrypted', 'boolean', (c) => c.notNull().defaultTo(false))
    // The passphrase, sealed, only until the files are encrypted.
    .addColumn('passphrase_sealed', 'text')
    .addColumn('files', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('database_bytes', 'bigint')
    .addColumn('media_bytes', 'bigint')
    .addColumn('estimated_downtime_seconds', 'integer')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('ready_at', 'timestamptz')
    .addColumn('expires_at', 'timestamptz')
    .addColumn('deleted_at', 'timestamptz')
    .execute();
  await db.schema.createIndex('exports_host_idx').on('exports').columns(['host_id', 'created_at']).execute();
  await db.schema.createIndex('exports_job_idx').on('exports').column('job_id').unique().execute();

  await db.schema
    .createTable('transfer_rates')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('bytes', 'bigint', (c) => c.notNull())
    .addColumn('seconds', 'double precision', (c) => c.notNull())
    .addColumn('measured_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('transfer_rates_kind_idx').on('transfer_rates').columns(['kind', 'id']).execute();

  await db.schema
    .createTable('imports')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('host_id', 'uuid', (c) => c.notNull().references('hosts.id'))
    .addColumn('job_id', 'uuid', (c) => c.notNull().references('jobs.id'))
    .addColumn('source_dir', 'text', (c) => c.notNull())
    .addColumn('source_kind', 'text', (c) => c.notNull())
    .addColumn('plan', 'jsonb', (c) => c.notNull())
    // The passphrase and the password of the user whose login proves the import, sealed, until the job ends.
    .addColumn('passphrase_sealed', 'text')
    .addColumn('verify_user', 'text', (c) => c.notNull())
    .addColumn('verify_password_sealed', 'text')
    .addColumn('database_restored_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('imports_job_idx').on('imports').column('job_id').unique().execute();
}
