// A typed client for the few Synapse Admin API calls Homeport makes with a host's admin token.
import { SynapseApiError, synapseRequest, type FetchFn } from './synapse-http.ts';

export interface SynapseAdminClientOptions {
  /** Synapse's listener, e.g. http://127.0.0.1:18000/ */
  baseUrl: string;
  accessToken: string;
  fetchFn?: FetchFn;
  timeoutMs?: number;
}

export interface Whoami {
  userId: string;
  deviceId: string | undefined;
  isGuest: boolean;
}

export interface SynapseUser {
  userId: string;
  displayname: string | null;
  avatarUrl: string | null;
  admin: boolean;
  deactivated: boolean;
  locked: boolean;
  isGuest: boolean;
  userType: string | null;
}

export interface UserChanges {
  password?: string;
  displayname?: string;
  admin?: boolean;
  /** With a password change: also end the user's existing sessions. */
  logoutDevices?: boolean;
}

/** The fields of GET/PUT /_synapse/admin/v2/users/<id> that Homeport reads. */
interface AdminUserBody {
  name: string;
  displayname?: string | null;
  avatar_url?: string | null;
  admin?: boolean | number;
  deactivated?: boolean | number;
  locked?: boolean;
  is_guest?: boolean | number;
  user_type?: string | null;
}

function toSynapseUser(body: AdminUserBody): SynapseUser {
  // Older Synapses answered 0/1 for the flags; Boolean() reads both forms.
  return {
    userId: body.name,
    displayname: body.displayname ?? null,
    avatarUrl: body.avatar_url ?? null,
    admin: Boolean(body.admin),
    deactivated: Boolean(body.deactivated),
    locked: Boolean(body.locked),
    isGuest: Boolean(body.is_guest),
    userType: body.user_type ?? null,
  };
}

function userPath(userId: string): string {
  return `/_synapse/admin/v2/users/${encodeURIComponent(userId)}`;
}

export class SynapseAdminClient {
  readonly #options: SynapseAdminClientOptions;

  constructor(options: SynapseAdminClientOptions) {
    this.#options = options;
  }

  #request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const { baseUrl, accessToken, fetchFn, timeoutMs } = this.#options;
    return synapseRequest<T>(baseUrl, method, path, { token: accessToken, body, fetchFn, timeoutMs });
  }

  /** Synapse's version string, e.g. "1.163.2". */
  async serverVersion(): Promise<string> {
    const answer = await this.#request<{ server_version: string }>('GET', '/_synapse/admin/v1/server_version');
    return answer.server_version;
  }

  /** Who the access token belongs to: proves the token still works. */
  async whoami(): Promise<Whoami> {
    const answer = await this.#request<{ user_id: string; device_id?: string; is_guest?: boolean }>(
      'GET',
      '/_matrix/client/v3/account/whoami',
    );
    return { userId: answer.user_id, deviceId: answer.device_id, isGuest: answer.is_guest ?? false };
  }

  /** The user, or null when Synapse has never heard of it. */
  async getUser(userId: string): Promise<SynapseUser | null> {
    try {
      return toSynapseUser(await this.#request<AdminUserBody>('GET', userPath(userId)));
    } catch (error) {
      if (error instanceof SynapseApiError && error.status === 404) return null;
      throw error;
    }
  }

  /** Creates the user, or changes the given fields of an existing one. */
  async upsertUser(userId: string, changes: UserChanges): Promise<SynapseUser> {
    const body = {
      ...(changes.password === undefined ? {} : { password: changes.password }),
      ...(changes.displayname === undefined ? {} : { displayname: changes.displayname }),
      ...(changes.admin === undefined ? {} : { admin: changes.admin }),
      ...(changes.logoutDevices === undefined ? {} : { logout_devices: changes.logoutDevices }),
    };
    return toSynapseUser(await this.#request<AdminUserBody>('PUT', userPath(userId), body));
  }
}
