// Registers a user with the host's registration shared secret: how Homeport bootstraps its admin user.
import { createHmac } from 'node:crypto';
import { synapseRequest, type FetchFn } from './synapse-http.ts';

export interface SharedSecretRegistrationRequest {
  /** Synapse's listener, e.g. http://127.0.0.1:18000/ */
  baseUrl: string;
  sharedSecret: string;
  /** The localpart, without `@` or the server name. */
  username: string;
  password: string;
  admin: boolean;
  displayname?: string;
  /** Synapse's user type, e.g. `support`: a support user is never counted as a monthly active user. */
  userType?: string;
  fetchFn?: FetchFn;
  timeoutMs?: number;
}

export interface RegisteredUser {
  userId: string;
  /** Kept by the caller: logging in again later is rate-limited. */
  accessToken: string;
  deviceId: string;
}

const registerPath = '/_synapse/admin/v1/register';

/** Synapse's mac: hex HMAC-SHA1 over nonce, username, password, the admin flag and the user type if any, NUL-separated. */
function registrationMac(secret: string, nonce: string, username: string, password: string, admin: boolean, userType?: string): string {
  const fields = [nonce, username, password, admin ? 'admin' : 'notadmin', ...(userType === undefined ? [] : [userType])];
  return createHmac('sha1', secret).update(fields.join('\0')).digest('hex');
}

/**
 * Fetches a fresh nonce (single-use, valid 60 s, lost when Synapse restarts) and registers the user.
 * Failures throw SynapseApiError, whose message never contains the password or the secret.
 */
export async function registerWithSharedSecret(request: SharedSecretRegistrationRequest): Promise<RegisteredUser> {
  const options = { fetchFn: request.fetchFn, timeoutMs: request.timeoutMs };
  const { nonce } = await synapseRequest<{ nonce: string }>(request.baseUrl, 'GET', registerPath, options);
  const answer = await synapseRequest<{ user_id: string; access_token: string; device_id: string }>(
    request.baseUrl,
    'POST',
    registerPath,
    {
      ...options,
      body: {
        nonce,
        username: request.username,
        password: request.password,
        admin: request.admin,
        ...(request.displayname === undefined ? {} : { displayname: request.displayname }),
        ...(request.userType === undefined ? {} : { user_type: request.userType }),
        mac: registrationMac(request.sharedSecret, nonce, request.username, request.password, request.admin, request.userType),
      },
    },
  );
  return { userId: answer.user_id, accessToken: answer.access_token, deviceId: answer.device_id };
}
