// The seller's details, one row the operator edits (console, API, CLI): invoices copy it at issue
// time. It replaces the HOMEPORT_SELLER and HOMEPORT_SELLER_COUNTRY settings.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('seller')
    .addColumn('id', 'boolean', (c) => c.primaryKey().defaultTo(true).check(sql`id`))
    .addColumn('details', 'jsonb', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_by', 'uuid', (c) => c.references('accounts.id').onDelete('set null'))
    .execute();
}
