// The panel's only way to the server: fetch under /api/v1 with the session cookie, the CSRF token on
// every change, and RFC 9457 problem details turned into an ApiProblem that forms can show per field.

export interface FieldError {
  field: string;
  message: string;
}

export interface ProblemBody {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  errors?: FieldError[];
  [key: string]: unknown;
}

export class ApiProblem extends Error {
  readonly status: number;
  readonly title: string;
  readonly code: string;
  readonly errors: FieldError[];
  readonly body: ProblemBody;

  constructor(status: number, body: ProblemBody) {
    super(body.detail ?? body.title ?? `Request failed (${status})`);
    this.name = 'ApiProblem';
    this.status = status;
    this.title = body.title ?? 'Request failed';
    this.code = (body.type ?? '').replace(/^urn:homeport:problem:/, '');
    this.errors = Array.isArray(body.errors) ? body.errors : [];
    this.body = body;
  }

  /** The message for one form field, if the server named it. */
  fieldMessage(field: string): string | undefined {
    return this.errors.find((error) => error.field === field)?.message;
  }
}

let csrfToken: string | null = null;

/** Fired when the server no longer knows the session (expired, logged out elsewhere, password reset). */
export const sessionEndedEvent = 'homeport:session-ended';

/** Set from every session answer (log in, sign-up, GET /session). */
export function rememberCsrfToken(token: string | null | undefined): void {
  csrfToken = token ?? null;
}

const safeMethods = new Set(['GET', 'HEAD']);

export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (!safeMethods.has(method) && csrfToken) headers['x-csrf-token'] = csrfToken;
  let response: Response;
  try {
    response = await fetch(`/api/v1${path}`, { method, headers, credentials: 'same-origin', body: body === undefined ? undefined : JSON.stringify(body) });
  } catch {
    throw new ApiProblem(0, { title: 'No connection', detail: 'Homeport could not be reached. Check your connection and try again.' });
  }
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = { detail: text.slice(0, 200) };
  }
  if (response.status === 401 && path !== '/session') window.dispatchEvent(new Event(sessionEndedEvent));
  if (!response.ok) throw new ApiProblem(response.status, (parsed ?? {}) as ProblemBody);
  const csrf = (parsed as { csrfToken?: unknown } | undefined)?.csrfToken;
  if (typeof csrf === 'string') rememberCsrfToken(csrf);
  return parsed as T;
}

export const get = <T>(path: string) => api<T>('GET', path);
export const post = <T>(path: string, body?: unknown) => api<T>('POST', path, body ?? {});
export const patch = <T>(path: string, body: unknown) => api<T>('PATCH', path, body);
export const put = <T>(path: string, body: unknown) => api<T>('PUT', path, body);
export const del = <T>(path: string, body?: unknown) => api<T>('DELETE', path, body);

/** Path segment encoding, for ids, labels and Matrix user IDs. */
export const seg = (value: string) => encodeURIComponent(value);
