// A host's federation choice: open (default, as every host federated before), allowlist or off.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('hosts')
    .addColumn('federation_mode', 'text', (c) => c.notNull().defaultTo('open').check(sql`federation_mode IN ('open', 'allowlist', 'off')`))
    .addColumn('federation_allowed_servers', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'::text[]`))
    .execute();
}
