// A staging clone names the host it belongs to ("staging clone of <label>") without a lookup: the
// original's label, kept on the clone (labels never change).
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('hosts').addColumn('cloned_from_label', 'text').execute();
  await sql`UPDATE hosts AS clone SET cloned_from_label = original.label FROM hosts AS original WHERE clone.cloned_from_host_id = original.id`.execute(db);
}
