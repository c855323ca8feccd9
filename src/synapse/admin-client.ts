// A typed client for the Synapse Admin API calls Homeport makes with a host's admin token.
// Reads are retried when the connection fails; changes are sent once and never retried.
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
  erased: boolean;
  /** Milliseconds since the epoch. */
  createdAt: number | null;
  /** Milliseconds since the epoch of the user's last request, when Synapse has recorded one. */
  lastSeenAt: number | null;
}

export interface UserListQuery {
  /** Offset into the sorted list: 0, or a `nextToken` of an earlier page. */
  from?: number;
  limit?: number;
  /** Part of the localpart or display name. */
  name?: string;
  /** Deactivated users are left out unless this is true. */
  includeDeactivated?: boolean;
}

export interface UserPage {
  users: SynapseUser[];
  /** Where the next page starts; null on the last page. */
  nextToken: number | null;
  /** Users matching the query, on every page. */
  total: number;
}

export interface RegistrationToken {
  token: string;
  /** null: unlimited. */
  usesAllowed: number | null;
  /** Registrations that have passed the token stage but not finished yet. */
  pending: number;
  completed: number;
  /** Milliseconds since the epoch; null: never. */
  expiryTime: number | null;
}

export interface NewRegistrationToken {
  /** A chosen token; without it Synapse generates one of `length` characters. */
  token?: string;
  length?: number;
  usesAllowed: number | null;
  expiryTime: number | null;
}

export interface UserChanges {
  password?: string;
  displayname?: string;
  admin?: boolean;
  /** With a password change: also end the user's existing sessions. */
  logoutDevices?: boolean;
}

/** A user's account at an identity provider, as Synapse links them. */
export interface ExternalId {
  authProvider: string;
  externalId: string;
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
  erased?: boolean;
  creation_ts?: number | null;
  last_seen_ts?: number | null;
}

interface RegistrationTokenBody {
  token: string;
  uses_allowed: number | null;
  pending: number;
  completed: number;
  expiry_time: number | null;
}

function toRegistrationToken(body: RegistrationTokenBody): RegistrationToken {
  return { token: body.token, usesAllowed: body.uses_allowed, pending: body.pending, completed: body.completed, expiryTime: body.expiry_time };
}

/**
 * `creation_ts` comes in seconds from the user query (the users table's unit) and in
 * milliseconds from the user list, which multiplies it; `last_seen_ts` is milliseconds in both.
 */
type CreationUnit = 'seconds' | 'milliseconds';

function toSynapseUser(body: AdminUserBody, creationUnit: CreationUnit = 'seconds'): SynapseUser {
  // Older Synapses answered 0/1 for the flags; Boolean() reads both forms.
  const creation = body.creation_ts ?? null;
  return {
    userId: body.name,
    displayname: body.displayname ?? null,
    avatarUrl: body.avatar_url ?? null,
    admin: Boolean(body.admin),
    deactivated: Boolean(body.deactivated),
    locked: Boolean(body.locked),
    isGuest: Boolean(body.is_guest),
    userType: body.user_type ?? null,
    erased: Boolean(body.erased),
    createdAt: creation === null ? null : creationUnit === 'seconds' ? creation * 1000 : creation,
    lastSeenAt: body.last_seen_ts ?? null,
  };
}

function userPath(userId: string): string {
  return `/_synapse/admin/v2/users/${encodeURIComponent(userId)}`;
}

function tokenPath(token: string): string {
  return `/_synapse/admin/v1/registration_tokens/${encodeURIComponent(token)}`;
}

/** A refused or reset connection: the request never reached Synapse, so a read may be sent again. */
function isConnectionFailure(error: unknown): boolean {
  if (!(error instanceof TypeError)) return false;
  const code = (error.cause as { code?: string } | undefined)?.code;
  return code === 'ECONNREFUSED' || code === 'ECONNRESET' || code === 'UND_ERR_SOCKET';
}

const readAttempts = 3;
const readRetryDelayMs = 300;

export class SynapseAdminClient {
  readonly #options: SynapseAdminClientOptions;

  constructor(options: SynapseAdminClientOptions) {
    this.#options = options;
  }

  #request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const { baseUrl, accessToken, fetchFn, timeoutMs } = this.#options;
    return synapseRequest<T>(baseUrl, method, path, { token: accessToken, body, fetchFn, timeoutMs });
  }

  async #read<T>(path: string): Promise<T> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await this.#request<T>('GET', path);
      } catch (error) {
        if (attempt >= readAttempts || !isConnectionFailure(error)) throw error;
        await new Promise((resolve) => setTimeout(resolve, readRetryDelayMs * attempt));
      }
    }
  }

  /** Synapse's version string, e.g. "1.163.2". */
  async serverVersion(): Promise<string> {
    const answer = await this.#read<{ server_version: string }>('/_synapse/admin/v1/server_version');
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
      return toSynapseUser(await this.#read<AdminUserBody>(userPath(userId)));
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

  /** The user's identity-provider links (auth_provider is Synapse's idp_id, e.g. `oidc-acme`). */
  async externalIds(userId: string): Promise<ExternalId[]> {
    const body = await this.#read<{ external_ids?: { auth_provider: string; external_id: string }[] }>(userPath(userId));
    return (body.external_ids ?? []).map((link) => ({ authProvider: link.auth_provider, externalId: link.external_id }));
  }

  /** Replaces every identity-provider link of the user (Synapse's PUT takes the whole list). */
  async setExternalIds(userId: string, links: ExternalId[]): Promise<void> {
    await this.#request('PUT', userPath(userId), { external_ids: links.map((link) => ({ auth_provider: link.authProvider, external_id: link.externalId })) });
  }

  /** One page of the server's local users, guests left out, sorted by user ID. */
  async listUsers(query: UserListQuery = {}): Promise<UserPage> {
    const params = new URLSearchParams({ from: String(query.from ?? 0), limit: String(query.limit ?? 100), guests: 'false' });
    if (query.name) params.set('name', query.name);
    // v2 reads `deactivated=true` as "include them too"; locked users are shown as such.
    if (query.includeDeactivated) params.set('deactivated', 'true');
    params.set('locked', 'true');
    const answer = await this.#read<{ users: AdminUserBody[]; next_token?: string | number; total: number }>(`/_synapse/admin/v2/users?${params}`);
    return {
      users: answer.users.map((user) => toSynapseUser(user, 'milliseconds')),
      nextToken: answer.next_token === undefined ? null : Number(answer.next_token),
      total: answer.total,
    };
  }

  async setAdmin(userId: string, admin: boolean): Promise<void> {
    await this.#request('PUT', `/_synapse/admin/v1/users/${encodeURIComponent(userId)}/admin`, { admin });
  }

  /** Sets a new password; with `logoutDevices` every access token of the user stops working. */
  async resetPassword(userId: string, newPassword: string, logoutDevices = true): Promise<void> {
    await this.#request('POST', `/_synapse/admin/v1/reset_password/${encodeURIComponent(userId)}`, { new_password: newPassword, logout_devices: logoutDevices });
  }

  /** Deactivates for good; `erase` also hides the user's messages from people who join rooms later. */
  async deactivate(userId: string, erase: boolean): Promise<void> {
    await this.#request('POST', `/_synapse/admin/v1/deactivate/${encodeURIComponent(userId)}`, { erase });
  }

  /** All tokens; `valid` true: only usable ones, false: only expired or used-up ones. */
  async listRegistrationTokens(valid?: boolean): Promise<RegistrationToken[]> {
    const query = valid === undefined ? '' : `?valid=${String(valid)}`;
    const answer = await this.#read<{ registration_tokens: RegistrationTokenBody[] }>(`/_synapse/admin/v1/registration_tokens${query}`);
    return answer.registration_tokens.map(toRegistrationToken);
  }

  /** The token, or null when it does not exist. */
  async getRegistrationToken(token: string): Promise<RegistrationToken | null> {
    try {
      return toRegistrationToken(await this.#read<RegistrationTokenBody>(tokenPath(token)));
    } catch (error) {
      if (error instanceof SynapseApiError && error.status === 404) return null;
      throw error;
    }
  }

  async createRegistrationToken(request: NewRegistrationToken): Promise<RegistrationToken> {
    const body = {
      ...(request.token === undefined ? {} : { token: request.token }),
      ...(request.length === undefined ? {} : { length: request.length }),
      uses_allowed: request.usesAllowed,
      expiry_time: request.expiryTime,
    };
    return toRegistrationToken(await this.#request<RegistrationTokenBody>('POST', '/_synapse/admin/v1/registration_tokens/new', body));
  }

  /** The changed token, or null when it does not exist. */
  async updateRegistrationToken(token: string, changes: { usesAllowed?: number | null; expiryTime?: number | null }): Promise<RegistrationToken | null> {
    const body = {
      ...(changes.usesAllowed === undefined ? {} : { uses_allowed: changes.usesAllowed }),
      ...(changes.expiryTime === undefined ? {} : { expiry_time: changes.expiryTime }),
    };
    try {
      return toRegistrationToken(await this.#request<RegistrationTokenBody>('PUT', tokenPath(token), body));
    } catch (error) {
      if (error instanceof SynapseApiError && error.status === 404) return null;
      throw error;
    }
  }

  /** Answers false when there was no such token. */
  async deleteRegistrationToken(token: string): Promise<boolean> {
    try {
      await this.#request('DELETE', tokenPath(token));
      return true;
    } catch (error) {
      if (error instanceof SynapseApiError && error.status === 404) return false;
      throw error;
    }
  }
}
