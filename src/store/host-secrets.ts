// A host's secrets (database password, signing key, Synapse secrets, admin token), sealed with
// the master key; each value is bound to its host and name so sealed values cannot be swapped.
import { sql } from 'kysely';
import type { SecretBox } from './secret-box.ts';
import type { Db } from './database.ts';

export type HostSecretName =
  | 'databasePassword'
  | 'signingKey'
  | 'macaroonSecretKey'
  | 'formSecret'
  | 'registrationSharedSecret'
  | 'pepper'
  | 'adminUserId'
  | 'adminPassword'
  | 'adminAccessToken';

export type HostSecretValues = Partial<Record<HostSecretName, string>>;

const purpose = (hostId: string, name: string) => `host:${hostId}:${name}`;

export async function loadHostSecrets(db: Db, box: SecretBox, hostId: string): Promise<HostSecretValues> {
  const row = await db.selectFrom('host_secrets').select('sealed').where('host_id', '=', hostId).executeTakeFirst();
  const values: HostSecretValues = {};
  for (const [name, sealed] of Object.entries(row?.sealed ?? {})) {
    values[name as HostSecretName] = box.open(purpose(hostId, name), sealed);
  }
  return values;
}

/** Adds or replaces the given secrets, keeping the others. */
export async function storeHostSecrets(db: Db, box: SecretBox, hostId: string, values: HostSecretValues): Promise<void> {
  const sealed: Record<string, string> = {};
  for (const [name, value] of Object.entries(values)) {
    if (value !== undefined) sealed[name] = box.seal(purpose(hostId, name), value);
  }
  const json = JSON.stringify(sealed);
  await db
    .insertInto('host_secrets')
    .values({ host_id: hostId, sealed: json })
    .onConflict((oc) => oc.column('host_id').doUpdateSet({ sealed: sql`host_secrets.sealed || ${json}::jsonb`, updated_at: sql`now()` }))
    .execute();
}

export async function deleteHostSecrets(db: Db, hostId: string): Promise<void> {
  await db.deleteFrom('host_secrets').where('host_id', '=', hostId).execute();
}
