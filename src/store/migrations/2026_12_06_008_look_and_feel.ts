// A host's client look and feel (the Element Web pages and images it shows), and the client
// domains a host had before, each of which may be switched to answer "server moved".
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('host_look_and_feel')
    .addColumn('host_id', 'uuid', (c) => c.primaryKey().references('hosts.id').onDelete('cascade'))
    .addColumn('brand', 'text')
    .addColumn('home_url', 'text')
    .addColumn('welcome_url', 'text')
    .addColumn('logo_url', 'text')
    .addColumn('welcome_background_url', 'text')
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable('host_previous_client_domains')
    .addColumn('host_id', 'uuid', (c) => c.notNull().references('hosts.id').onDelete('cascade'))
    .addColumn('domain', 'text', (c) => c.notNull())
    .addColumn('moved', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('replaced_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('moved_at', 'timestamptz')
    .addPrimaryKeyConstraint('host_previous_client_domains_pkey', ['host_id', 'domain'])
    .execute();
  await sql`CREATE INDEX host_previous_client_domains_domain_idx ON host_previous_client_domains (domain)`.execute(db);
}
