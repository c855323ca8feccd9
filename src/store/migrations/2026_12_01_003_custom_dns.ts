// Custom DNS: a host's own homeserver domain (then also its server name) and client domain, and
// the last delegation check of each host.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('hosts')
    .addColumn('custom_homeserver_domain', 'text')
    .addColumn('custom_client_domain', 'text')
    .execute();
  // Two live hosts can never answer for the same Matrix domain or the same client domain.
  await sql`CREATE UNIQUE INDEX hosts_server_name_live_key ON hosts (server_name) WHERE status <> 'cancelled'`.execute(db);
  await sql`CREATE UNIQUE INDEX hosts_client_domain_live_key ON hosts (custom_client_domain) WHERE status <> 'cancelled'`.execute(db);

  await db.schema
    .createTable('delegation_checks')
    .addColumn('host_id', 'uuid', (c) => c.primaryKey().references('hosts.id').onDelete('cascade'))
    .addColumn('checked_at', 'timestamptz', (c) => c.notNull())
    .addColumn('passed', 'boolean', (c) => c.notNull())
    .addColumn('findings', 'jsonb', (c) => c.notNull())
    .execute();
}
