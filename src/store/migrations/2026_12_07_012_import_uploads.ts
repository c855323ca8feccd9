// Folders an operator uploads an import's files into from another machine: one per upload,
// used by at most one import, deleted when that import ends or after the retention period.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('import_uploads')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('operator_account_id', 'uuid', (c) => c.notNull().references('accounts.id'))
    // Set once an import uses the folder: no more files can be written into it.
    .addColumn('import_id', 'uuid', (c) => c.references('imports.id'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addColumn('deleted_at', 'timestamptz')
    .execute();
  await db.schema.createIndex('import_uploads_import_idx').on('import_uploads').column('import_id').unique().execute();
}
