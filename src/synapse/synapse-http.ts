// The one way Homeport talks HTTP to a Synapse: JSON in and out, timeouts, Matrix errors made typed.

export type FetchFn = typeof fetch;

/** Synapse answered with an HTTP error; `errcode`/`error` come from the Matrix error body when there is one. */
export class SynapseApiError extends Error {
  readonly status: number;
  readonly errcode: string | undefined;
  readonly matrixError: string | undefined;
  /** From M_LIMIT_EXCEEDED answers: how long Synapse asks us to wait. */
  readonly retryAfterMs: number | undefined;

  constructor(
    request: { method: string; path: string },
    status: number,
    body: { errcode?: string; error?: string; retryAfterMs?: number },
  ) {
    // Only the path without its query goes into the message: queries can carry tokens.
    const where = `${request.method} ${request.path.split('?')[0]}`;
    const what = body.errcode ? `${body.errcode}: ${body.error ?? ''}` : (body.error ?? 'no Matrix error body');
    super(`Synapse answered ${status} to ${where} (${what})`);
    this.name = 'SynapseApiError';
    this.status = status;
    this.errcode = body.errcode;
    this.matrixError = body.error;
    this.retryAfterMs = body.retryAfterMs;
  }
}

export interface SynapseRequestOptions {
  /** Access token sent as `Authorization: Bearer`. */
  token?: string;
  /** Sent as JSON. */
  body?: unknown;
  timeoutMs?: number;
  fetchFn?: FetchFn;
}

const defaultTimeoutMs = 30_000;

function matrixErrorBody(parsed: unknown): { errcode?: string; error?: string; retryAfterMs?: number } {
  if (typeof parsed !== 'object' || parsed === null) return {};
  const body = parsed as Record<string, unknown>;
  return {
    errcode: typeof body.errcode === 'string' ? body.errcode : undefined,
    error: typeof body.error === 'string' ? body.error : undefined,
    retryAfterMs: typeof body.retry_after_ms === 'number' ? body.retry_after_ms : undefined,
  };
}

/** Sends one request to `baseUrl` + `path` and returns the parsed JSON answer. */
export async function synapseRequest<T>(
  baseUrl: string,
  method: string,
  path: string,
  options: SynapseRequestOptions = {},
): Promise<T> {
  const fetchFn = options.fetchFn ?? fetch;
  const headers: Record<string, string> = { accept: 'application/json' };
  if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetchFn(new URL(path, baseUrl), {
    method,
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
    signal: AbortSignal.timeout(options.timeoutMs ?? defaultTimeoutMs),
  });
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = text === '' ? {} : JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  if (!response.ok) {
    const body = matrixErrorBody(parsed);
    throw new SynapseApiError({ method, path }, response.status, {
      ...body,
      error: body.error ?? (response.statusText || undefined),
    });
  }
  if (parsed === undefined) {
    throw new SynapseApiError({ method, path }, response.status, { error: 'the answer is not JSON' });
  }
  return parsed as T;
}

export interface WaitForHealthOptions {
  /** Stops waiting early, e.g. when the Synapse process has exited. */
  signal?: AbortSignal;
  fetchFn?: FetchFn;
}

const healthPollMs = 200;

/** Polls GET /health until Synapse answers 200 "OK", which it does only once its database schema is ready. */
export async function waitForHealth(baseUrl: string, timeoutMs: number, options: WaitForHealthOptions = {}): Promise<void> {
  const fetchFn = options.fetchFn ?? fetch;
  const deadline = Date.now() + timeoutMs;
  let lastProblem = 'no answer yet';
  for (;;) {
    options.signal?.throwIfAborted();
    const remaining = deadline - Date.now();
    if (remaining <= 0) {
      throw new Error(`Synapse at ${baseUrl} did not answer /health with 200 OK within ${timeoutMs} ms (last: ${lastProblem})`);
    }
    try {
      const response = await fetchFn(new URL('/health', baseUrl), {
        signal: AbortSignal.any([AbortSignal.timeout(Math.min(remaining, 5_000)), ...(options.signal ? [options.signal] : [])]),
      });
      const body = await response.text();
      if (response.status === 200 && body.trim() === 'OK') return;
      lastProblem = `HTTP ${response.status}`;
    } catch (error) {
      options.signal?.throwIfAborted();
      lastProblem = error instanceof Error ? ((error.cause as Error | undefined)?.message ?? error.message) : String(error);
    }
    await new Promise((resolve) => setTimeout(resolve, Math.min(healthPollMs, Math.max(0, deadline - Date.now()))));
  }
}
