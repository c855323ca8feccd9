// A host's loopback ports are the local runtime's business (issue 16): they move from `hosts` into
// the local runtime's own table, which no other runtime fills. A live host keeps the ports it had;
// a cancelled host's ports were already free, so it gets no row.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('local_host_ports')
    .addColumn('host_id', 'uuid', (c) => c.primaryKey())
    .addColumn('http_port', 'integer', (c) => c.notNull().unique())
    .addColumn('metrics_port', 'integer', (c) => c.notNull().unique())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await sql`
    INSERT INTO local_host_ports (host_id, http_port, metrics_port)
    SELECT id, http_port, metrics_port FROM hosts
    WHERE status <> 'cancelled' AND http_port IS NOT NULL AND metrics_port IS NOT NULL
  `.execute(db);
  await sql`DROP INDEX IF EXISTS hosts_http_port_live_key`.execute(db);
  await sql`DROP INDEX IF EXISTS hosts_metrics_port_live_key`.execute(db);
  await db.schema.alterTable('hosts').dropColumn('http_port').execute();
  await db.schema.alterTable('hosts').dropColumn('metrics_port').execute();
}
