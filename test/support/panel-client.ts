// A browser-like client of Homeport's API for tests: keeps the session cookie it is given and
// sends the CSRF token with changes, unless a test asks it not to.
import type { ApiAnswer } from './homeport-process.ts';

export interface PanelRequestOptions {
  body?: unknown;
  /** Leave out the X-CSRF-Token header, as a forged cross-site request would. */
  withoutCsrf?: boolean;
  bearer?: string;
  /** Extra request headers, e.g. X-Forwarded-For as a trusted proxy would send it. */
  headers?: Record<string, string>;
}

export class PanelClient {
  readonly apiUrl: string;
  cookie: string | undefined;
  setCookieHeader: string | undefined;
  csrfToken: string | undefined;

  constructor(apiUrl: string) {
    this.apiUrl = apiUrl;
  }

  async request<T = Record<string, unknown>>(method: string, path: string, options: PanelRequestOptions = {}): Promise<ApiAnswer<T>> {
    const headers: Record<string, string> = { ...options.headers };
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    if (this.cookie) headers.cookie = this.cookie;
    if (this.csrfToken && !options.withoutCsrf) headers['x-csrf-token'] = this.csrfToken;
    if (options.bearer) headers.authorization = `Bearer ${options.bearer}`;
    const response = await fetch(`${this.apiUrl}${path}`, { method, headers, body: options.body === undefined ? undefined : JSON.stringify(options.body) });
    const setCookie = response.headers.getSetCookie().find((line) => line.startsWith('homeport_session='));
    if (setCookie) {
      this.setCookieHeader = setCookie;
      const value = setCookie.split(';')[0]!;
      this.cookie = value === 'homeport_session=' ? undefined : value;
    }
    const text = await response.text();
    const body = (text ? JSON.parse(text) : undefined) as T;
    const csrf = (body as { csrfToken?: unknown } | undefined)?.csrfToken;
    if (typeof csrf === 'string') this.csrfToken = csrf;
    return { status: response.status, body, headers: response.headers };
  }

  async logIn(email: string, password: string, code?: string): Promise<ApiAnswer<Record<string, unknown>>> {
    return this.request('POST', '/api/v1/session', { body: { email, password, ...(code ? { code } : {}) } });
  }
}
