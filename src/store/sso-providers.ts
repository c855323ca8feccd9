// A host's single sign-on as stored: its identity providers (client secrets sealed, opened only
// to render Synapse's settings) and whether password login stays on.
import type { SingleSignOn, SsoProvider } from '../domain/single-sign-on.ts';
import type { Db } from './database.ts';
import type { SecretBox } from './secret-box.ts';

const secretPurpose = (hostId: string, providerId: string) => `sso:${hostId}:${providerId}`;

type ProviderRow = { provider_id: string; name: string; issuer: string; client_id: string; scopes: string[]; user_id_source: SsoProvider['userIdSource'] };

function providerOf(row: ProviderRow): SsoProvider {
  return { id: row.provider_id, name: row.name, issuer: row.issuer, clientId: row.client_id, scopes: row.scopes, userIdSource: row.user_id_source };
}

/** The providers without their secrets: what the API, the panel and exports may see. */
export async function listSsoProviders(db: Db, hostId: string): Promise<SsoProvider[]> {
  const rows = await db.selectFrom('host_sso_providers')
    .select(['provider_id', 'name', 'issuer', 'client_id', 'scopes', 'user_id_source'])
    .where('host_id', '=', hostId).orderBy('created_at').orderBy('provider_id').execute();
  return rows.map(providerOf);
}

export async function findSsoProvider(db: Db, hostId: string, providerId: string): Promise<SsoProvider | undefined> {
  const row = await db.selectFrom('host_sso_providers')
    .select(['provider_id', 'name', 'issuer', 'client_id', 'scopes', 'user_id_source'])
    .where('host_id', '=', hostId).where('provider_id', '=', providerId).executeTakeFirst();
  return row ? providerOf(row) : undefined;
}

export async function passwordLoginOf(db: Db, hostId: string): Promise<boolean> {
  const row = await db.selectFrom('host_sign_on').select('password_login').where('host_id', '=', hostId).executeTakeFirst();
  return row?.password_login ?? true;
}

/** Everything Synapse needs, secrets opened. */
export async function loadSingleSignOn(db: Db, box: SecretBox, hostId: string): Promise<SingleSignOn> {
  const rows = await db.selectFrom('host_sso_providers').selectAll().where('host_id', '=', hostId).orderBy('created_at').orderBy('provider_id').execute();
  return {
    providers: rows.map((row) => ({ ...providerOf(row), clientSecret: box.open(secretPurpose(hostId, row.provider_id), row.client_secret_sealed) })),
    passwordLogin: await passwordLoginOf(db, hostId),
  };
}

/** Adds the provider or replaces it; without a new secret the sealed one stays. */
export async function saveSsoProvider(db: Db, box: SecretBox, hostId: string, provider: SsoProvider, clientSecret: string | undefined): Promise<void> {
  const fields = { name: provider.name, issuer: provider.issuer, client_id: provider.clientId, scopes: provider.scopes, user_id_source: provider.userIdSource, updated_at: new Date() };
  if (clientSecret === undefined) {
    await db.updateTable('host_sso_providers').set(fields).where('host_id', '=', hostId).where('provider_id', '=', provider.id).execute();
    return;
  }
  const withSecret = { ...fields, client_secret_sealed: box.seal(secretPurpose(hostId, provider.id), clientSecret) };
  await db.insertInto('host_sso_providers')
    .values({ host_id: hostId, provider_id: provider.id, ...withSecret })
    .onConflict((conflict) => conflict.columns(['host_id', 'provider_id']).doUpdateSet(withSecret))
    .execute();
}

export async function deleteSsoProvider(db: Db, hostId: string, providerId: string): Promise<boolean> {
  const result = await db.deleteFrom('host_sso_providers').where('host_id', '=', hostId).where('provider_id', '=', providerId).executeTakeFirst();
  return result.numDeletedRows > 0n;
}

export async function setPasswordLogin(db: Db, hostId: string, passwordLogin: boolean): Promise<void> {
  await db.insertInto('host_sign_on').values({ host_id: hostId, password_login: passwordLogin, updated_at: new Date() })
    .onConflict((conflict) => conflict.column('host_id').doUpdateSet({ password_login: passwordLogin, updated_at: new Date() }))
    .execute();
}
