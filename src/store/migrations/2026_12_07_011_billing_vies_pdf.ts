// Billing, finished: the evidence of a VAT ID's last successful VIES check kept with the account
// (which number, when, VIES's request date and identifier, and the name and address it returned),
// when each invoice was mailed to its customer (mailed once), and the names of files attached to
// captured mail, and whether an imported host is billed (a subscription once the import succeeds)
// or complimentary.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('accounts')
    .addColumn('vies_vat_id', 'text')
    .addColumn('vies_checked_at', 'timestamptz')
    .addColumn('vies_request_date', 'text')
    .addColumn('vies_request_identifier', 'text')
    .addColumn('vies_name', 'text')
    .addColumn('vies_address', 'text')
    .execute();
  await db.schema.alterTable('invoices').addColumn('mailed_at', 'timestamptz').execute();
  // Invoices issued before this migration are not mailed after the fact.
  await sql`UPDATE invoices SET mailed_at = issued_at`.execute(db);
  await db.schema.alterTable('imports').addColumn('billing', 'text', (c) => c.notNull().defaultTo('subscription').check(sql`billing IN ('subscription', 'none')`)).execute();
  await db.schema.alterTable('captured_mail').addColumn('attachments', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'`)).execute();
}
