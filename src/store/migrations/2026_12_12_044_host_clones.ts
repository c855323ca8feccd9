// Staging clones: a host restored from another host's backup into a new host. It keeps the
// original's server name inside its data (Matrix IDs cannot change), so the rule "one live host
// per server name" holds for hosts that are not clones; a clone is served only at its own label's
// address, federation off, and never claims the original's names.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('hosts').addColumn('cloned_from_host_id', 'uuid', (c) => c.references('hosts.id')).execute();
  await sql`DROP INDEX hosts_server_name_live_key`.execute(db);
  await sql`CREATE UNIQUE INDEX hosts_server_name_live_key ON hosts (server_name) WHERE status <> 'cancelled' AND cloned_from_host_id IS NULL`.execute(db);
}
