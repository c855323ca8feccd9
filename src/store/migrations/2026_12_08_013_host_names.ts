// Every customer name the edge serves (custom homeserver and client domains, earlier client
// domains) belongs to at most one live host: one row per name, its primary key the name itself,
// so the database refuses a second owner whatever column the name sits in. Base names need no row:
// the label is unique among live hosts and no custom name may lie under the base domain.
// Hosts whose names the edge could not serve say why (edge_problem); a failed build's invoice is voided.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('host_names')
    // Normalised by the domain layer: lower case, punycode, no trailing dot.
    .addColumn('name', 'text', (c) => c.primaryKey().check(sql`name = lower(name) AND name NOT LIKE '%.' AND name <> ''`))
    .addColumn('host_id', 'uuid', (c) => c.notNull().references('hosts.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind IN ('homeserver', 'client', 'previous')`))
    .execute();
  await db.schema.createIndex('host_names_host_idx').on('host_names').column('host_id').execute();
  // A cancelled host gives its names back in the same statement that cancels it, whoever cancels it.
  await sql`
    CREATE FUNCTION release_host_names() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      DELETE FROM host_names WHERE host_id = NEW.id;
      RETURN NEW;
    END $$`.execute(db);
  await sql`
    CREATE TRIGGER hosts_release_names AFTER UPDATE OF status ON hosts
    FOR EACH ROW WHEN (NEW.status = 'cancelled' AND OLD.status <> 'cancelled')
    EXECUTE FUNCTION release_host_names()`.execute(db);
  // Existing hosts: the oldest live host keeps a name several claim; the edge leaves the others out.
  await sql`
    INSERT INTO host_names (name, host_id, kind)
    SELECT name, host_id, kind FROM (
      SELECT lower(rtrim(h.custom_homeserver_domain, '.')) AS name, h.id AS host_id, 'homeserver' AS kind, h.created_at, 1 AS rank
        FROM hosts h WHERE h.status <> 'cancelled' AND h.custom_homeserver_domain IS NOT NULL
      UNION ALL
      SELECT lower(rtrim(h.custom_client_domain, '.')), h.id, 'client', h.created_at, 2
        FROM hosts h WHERE h.status <> 'cancelled' AND h.custom_client_domain IS NOT NULL
      UNION ALL
      SELECT lower(rtrim(p.domain, '.')), h.id, 'previous', h.created_at, 3
        FROM host_previous_client_domains p JOIN hosts h ON h.id = p.host_id WHERE h.status <> 'cancelled'
    ) AS names
    WHERE name <> ''
    ORDER BY created_at, rank
    ON CONFLICT (name) DO NOTHING`.execute(db);
  await db.schema.alterTable('hosts').addColumn('edge_problem', 'text').execute();
  await sql`ALTER TABLE invoices DROP CONSTRAINT invoices_status_check`.execute(db);
  await sql`ALTER TABLE invoices ADD CONSTRAINT invoices_status_check CHECK (status IN ('open', 'paid', 'void'))`.execute(db);
  await db.schema.alterTable('invoices').addColumn('voided_at', 'timestamptz').addColumn('void_reason', 'text').execute();
}
