// Which hosts the edge serves requests for, without a database write per request: Caddy writes
// one access-log line per request of the edge's HTTPS server to a Unix socket Homeport listens
// on, and Homeport keeps only the time of each host name's last request. Caddy 2.6 refuses a
// configuration whose log socket nobody listens on, so the socket is open before any load.
import { chmod, mkdir, rm } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { dirname } from 'node:path';
import { createInterface } from 'node:readline';
import type { CaddyConfig } from './caddy-config.ts';

/**
 * Homeport's own requests through the edge (the federation check, URL checks) name themselves so
 * in their User-Agent; they must not keep a host awake.
 */
const ownUserAgentPrefix = 'Homeport';

interface AccessLogEntry {
  request?: { host?: string; headers?: Record<string, string[] | undefined> };
}

/** The request's host name without port, lower case; undefined for a line that is not an outside request. */
export function requestedName(line: string): string | undefined {
  let entry: AccessLogEntry;
  try {
    entry = JSON.parse(line) as AccessLogEntry;
  } catch {
    return undefined;
  }
  const host = entry.request?.host;
  if (typeof host !== 'string' || host === '') return undefined;
  const userAgent = entry.request?.headers?.['User-Agent']?.[0] ?? '';
  if (userAgent.startsWith(ownUserAgentPrefix)) return undefined;
  // "name:port" or "[v6]:port"; host names carry no colon of their own.
  const name = host.startsWith('[') ? host.slice(0, host.indexOf(']') + 1) : host.split(':')[0] ?? '';
  return name.toLowerCase().replace(/\.$/, '');
}

export class EdgeActivity {
  readonly #socketPath: string;
  readonly #onRequest: (name: string) => void;
  readonly #connections = new Set<Socket>();
  #server: Server | undefined;
  #listening: Promise<void> | undefined;

  constructor(socketPath: string, onRequest: (name: string) => void) {
    this.#socketPath = socketPath;
    this.#onRequest = onRequest;
  }

  get socketPath(): string {
    return this.#socketPath;
  }

  /** Opens the socket (once); a socket left by an earlier Homeport is replaced. */
  listen(): Promise<void> {
    this.#listening ??= this.#listen().catch((error: unknown) => {
      this.#listening = undefined;
      throw error;
    });
    return this.#listening;
  }

  async #listen(): Promise<void> {
    // Anyone who may write here could keep hosts awake: the directory is Homeport's user's alone.
    await mkdir(dirname(this.#socketPath), { recursive: true, mode: 0o700 });
    await chmod(dirname(this.#socketPath), 0o700);
    await rm(this.#socketPath, { force: true });
    const server = createServer((socket) => this.#read(socket));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.#socketPath, () => resolve());
    });
    this.#server = server;
  }

  #read(socket: Socket): void {
    this.#connections.add(socket);
    socket.on('error', () => socket.destroy());
    socket.on('close', () => this.#connections.delete(socket));
    const lines = createInterface({ input: socket, crlfDelay: Infinity });
    lines.on('line', (line) => {
      const name = requestedName(line);
      if (name) this.#onRequest(name);
    });
  }

  async close(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    this.#listening = undefined;
    if (!server) return;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const socket of this.#connections) socket.destroy();
    await closed;
  }
}

/** Caddy's logging section and server option that send the edge server's access log to the socket. */
export type ActivityLoggedCaddyConfig = CaddyConfig & {
  logging: { logs: Record<string, { writer?: object; encoder?: object; include?: string[]; exclude?: string[] }> };
};

export function withActivityLog(config: CaddyConfig, socketPath: string): ActivityLoggedCaddyConfig {
  const { servers } = config.apps.http;
  const edge = servers.edge;
  return {
    ...config,
    apps: {
      ...config.apps,
      http: {
        ...config.apps.http,
        // An empty `logs` turns on the access log of this server only (not the redirect server).
        servers: edge ? { ...servers, edge: Object.assign({ logs: {} }, edge) } : servers,
      },
    },
    logging: {
      logs: {
        // Caddy's own output file keeps its errors, not a line per request.
        default: { exclude: ['http.log.access'] },
        activity: { writer: { output: 'net', address: `unix/${socketPath}` }, encoder: { format: 'json' }, include: ['http.log.access'] },
      },
    },
  };
}
