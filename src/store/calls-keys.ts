// The installation's LiveKit API key and secret: generated once, the secret sealed by the master key.
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import type { Db } from './database.ts';
import type { HostRow } from './schema.ts';
import type { SecretBox } from './secret-box.ts';

export interface CallsKeys {
  apiKey: string;
  apiSecret: string;
}

const purpose = 'livekit-api-secret';

/** The keys, made on first use; replicas racing to make them all end up with the one stored. */
export async function ensureCallsKeys(db: Db, box: SecretBox): Promise<CallsKeys> {
  await db.insertInto('calls_keys').values({
    id: 'livekit',
    api_key: `HP${randomBytes(9).toString('base64url')}`,
    // LiveKit wants secrets of 32 characters or more.
    api_secret_sealed: box.seal(purpose, randomBytes(36).toString('base64url')),
  }).onConflict((conflict) => conflict.column('id').doNothing()).execute();
  const row = await db.selectFrom('calls_keys').selectAll().where('id', '=', 'livekit').executeTakeFirstOrThrow();
  return { apiKey: row.api_key, apiSecret: box.open(purpose, row.api_secret_sealed) };
}

export async function setHostCalls(db: Db, hostId: string, enabled: boolean): Promise<HostRow> {
  return db.updateTable('hosts').set({ calls_enabled: enabled, updated_at: sql`now()` }).where('id', '=', hostId).returningAll().executeTakeFirstOrThrow();
}
