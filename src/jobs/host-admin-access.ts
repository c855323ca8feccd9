// Homeport's own server-admin user on a host: registered once by shared secret as a `support`
// user (never counted as a seat), its access token kept sealed; re-established by logging in
// again if a crash lost the token.
import { randomBytes } from 'node:crypto';
import { SynapseAdminClient } from '../synapse/admin-client.ts';
import { registerWithSharedSecret } from '../synapse/shared-secret-registration.ts';
import { SynapseApiError, synapseRequest } from '../synapse/synapse-http.ts';
import type { HostRuntime, HostSpec } from '../runtime/runtime.ts';
import type { Db } from '../store/database.ts';
import { loadHostSecrets, storeHostSecrets } from '../store/host-secrets.ts';
import type { SecretBox } from '../store/secret-box.ts';

export const adminLocalpart = 'homeport-admin';

/** What reaching a host's admin API needs: the database (the sealed token), and the runtime (the host's endpoint). */
export interface AdminAccessContext {
  db: Db;
  box: SecretBox;
  runtime: Pick<HostRuntime, 'hostEndpoint'>;
}

async function tokenWorks(baseUrl: string, accessToken: string): Promise<boolean> {
  try {
    await new SynapseAdminClient({ baseUrl, accessToken }).whoami();
    return true;
  } catch (error) {
    if (error instanceof SynapseApiError && error.status === 401) return false;
    throw error;
  }
}

export async function ensureAdminAccess({ db, box, runtime }: AdminAccessContext, spec: HostSpec): Promise<SynapseAdminClient> {
  const baseUrl = (await runtime.hostEndpoint(spec.id)).href;
  const secrets = await loadHostSecrets(db, box, spec.id);
  if (secrets.adminAccessToken && (await tokenWorks(baseUrl, secrets.adminAccessToken))) {
    return new SynapseAdminClient({ baseUrl, accessToken: secrets.adminAccessToken });
  }
  const password = secrets.adminPassword;
  if (!password) throw new Error("the host's admin password has not been generated yet");
  let accessToken: string;
  let userId: string;
  try {
    const registered = await registerWithSharedSecret({
      baseUrl, sharedSecret: spec.secrets.registrationSharedSecret, username: adminLocalpart, password, admin: true, displayname: 'Homeport', userType: 'support',
    });
    ({ accessToken, userId } = registered);
  } catch (error) {
    if (!(error instanceof SynapseApiError && error.errcode === 'M_USER_IN_USE')) throw error;
    // Registered before a crash that lost the token: the sealed password still logs in.
    const login = await synapseRequest<{ access_token: string; user_id: string }>(baseUrl, 'POST', '/_matrix/client/v3/login', {
      body: {
        type: 'm.login.password',
        identifier: { type: 'm.id.user', user: adminLocalpart },
        password,
        device_id: `HOMEPORT${randomBytes(4).toString('hex').toUpperCase()}`,
      },
    });
    ({ access_token: accessToken, user_id: userId } = login);
  }
  await storeHostSecrets(db, box, spec.id, { adminAccessToken: accessToken, adminUserId: userId });
  return new SynapseAdminClient({ baseUrl, accessToken });
}

export async function adminClientFor({ db, box, runtime }: AdminAccessContext, hostId: string): Promise<SynapseAdminClient> {
  const secrets = await loadHostSecrets(db, box, hostId);
  if (!secrets.adminAccessToken) throw new Error('Homeport has no admin access to this host yet');
  return new SynapseAdminClient({ baseUrl: (await runtime.hostEndpoint(hostId)).href, accessToken: secrets.adminAccessToken });
}
