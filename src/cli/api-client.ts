// The CLI's client of Homeport's own HTTP API: JSON in and out, problem details turned into clear errors.
export class ApiProblem extends Error {
  readonly status: number;
  readonly problem: Record<string, unknown>;

  constructor(status: number, problem: Record<string, unknown>) {
    super(String(problem.detail ?? problem.title ?? `HTTP ${status}`));
    this.status = status;
    this.problem = problem;
  }
}

export interface ApiClientOptions {
  baseUrl: string;
  token: string | undefined;
}

export class ApiClient {
  readonly #options: ApiClientOptions;

  constructor(options: ApiClientOptions) {
    this.#options = options;
  }

  async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.#options.token) headers.authorization = `Bearer ${this.#options.token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    try {
      response = await fetch(new URL(path, this.#options.baseUrl), {
        method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal: AbortSignal.timeout(30_000),
      });
    } catch (error) {
      throw new Error(`cannot reach Homeport at ${this.#options.baseUrl} (is \`homeport start\` running?): ${(error as Error).message}`, { cause: error });
    }
    return this.#answer<T>(response);
  }

  async #answer<T>(response: Response): Promise<T> {
    const text = await response.text();
    const parsed = text ? (JSON.parse(text) as unknown) : undefined;
    if (!response.ok) throw new ApiProblem(response.status, (parsed ?? {}) as Record<string, unknown>);
    return parsed as T;
  }

  /** PUTs `length` bytes of a stream as the raw body (application/octet-stream), with no time limit: files can be large. */
  async putStream<T>(path: string, body: ReadableStream<Uint8Array>, length: number): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json', 'content-type': 'application/octet-stream', 'content-length': String(length) };
    if (this.#options.token) headers.authorization = `Bearer ${this.#options.token}`;
    let response: Response;
    try {
      response = await fetch(new URL(path, this.#options.baseUrl), { method: 'PUT', headers, body, duplex: 'half' } as RequestInit);
    } catch (error) {
      throw new Error(`sending to Homeport at ${this.#options.baseUrl} failed: ${(error as Error).message}`, { cause: error });
    }
    return this.#answer<T>(response);
  }
}
