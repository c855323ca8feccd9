// Holds a sleeping host's loopback port, and the Unix socket the edge reaches it by, while its
// Synapse is stopped, the way socket activation does: every request that reaches either (from
// the edge, or from Homeport's own jobs) is accepted and held, the host is woken, and the request
// is then passed on to the Synapse now listening on the port. The edge's configuration never
// changes for sleep or wake; Caddy retries the short moment between the waker letting go of the
// port and socket and Synapse taking them.
import { chmod, rm } from 'node:fs/promises';
import { createServer, request as forward, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

/** Hop-by-hop headers: they describe one connection, not the request. */
const hopHeaders = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'te', 'trailer']);

function endToEndHeaders(headers: IncomingMessage['headers']): IncomingMessage['headers'] {
  return Object.fromEntries(Object.entries(headers).filter(([name]) => !hopHeaders.has(name)));
}

export class PortWaker {
  readonly #port: number;
  readonly #wake: () => Promise<void>;
  readonly #answered: () => void;
  /** The port's server, and the edge socket's when the host has one. */
  readonly #servers: Server[] = [];
  readonly #sockets = new Set<Socket>();

  private constructor(port: number, wake: () => Promise<void>, answered: () => void) {
    this.#port = port;
    this.#wake = wake;
    this.#answered = answered;
  }

  #server(): Server {
    const server = createServer((request, response) => void this.#hold(request, response));
    server.on('connection', (socket) => {
      this.#sockets.add(socket);
      socket.on('close', () => this.#sockets.delete(socket));
    });
    this.#servers.push(server);
    return server;
  }

  /**
   * Listens on the port (on loopback, like Synapse) and on `edgeSocket` (mode 0600, as Synapse's)
   * until released; `wake` runs at the first request, `answered` when a held request has had its
   * answer.
   */
  static async hold(port: number, wake: () => Promise<void>, answered: () => void, edgeSocket?: string): Promise<PortWaker> {
    const waker = new PortWaker(port, wake, answered);
    const listen = (server: Server, start: (listening: () => void) => void) => new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      start(() => resolve());
    });
    const portServer = waker.#server();
    await listen(portServer, (listening) => portServer.listen(port, '127.0.0.1', listening));
    if (edgeSocket) {
      try {
        // The stopped Synapse leaves its socket file behind; nothing listens on it any more.
        await rm(edgeSocket, { force: true });
        const socketServer = waker.#server();
        await listen(socketServer, (listening) => socketServer.listen(edgeSocket, listening));
        // In the host's folder (mode 0700) already; as Synapse's own socket besides.
        await chmod(edgeSocket, 0o600);
      } catch (error) {
        waker.close();
        throw error;
      }
    }
    return waker;
  }

  /**
   * Stops listening so that Synapse can bind the port and the socket (whose file goes with the
   * server); requests already held are still answered. Not awaited: close()'s callback waits for
   * the held connections, which wait for the wake.
   */
  release(): void {
    for (const server of this.#servers) if (server.listening) server.close();
  }

  /** Lets go of the port and of every held request (the host is being removed or stopped). */
  close(): void {
    for (const socket of this.#sockets) socket.destroy();
    this.release();
  }

  async #hold(request: IncomingMessage, response: ServerResponse): Promise<void> {
    // One request per held connection: the next one goes to Synapse directly, not through Homeport.
    response.shouldKeepAlive = false;
    // The edge logs a request only once answered: a host must not fall asleep again while serving one.
    response.on('close', () => this.#answered());
    try {
      await this.#wake();
    } catch {
      response.writeHead(503, { 'Content-Type': 'application/json', 'Retry-After': '5' });
      response.end(JSON.stringify({ errcode: 'M_UNKNOWN', error: 'The server is starting; try again shortly.' }));
      request.resume();
      return;
    }
    const upstream = forward({
      host: '127.0.0.1', port: this.#port, method: request.method, path: request.url, headers: endToEndHeaders(request.headers),
    }, (answer) => {
      response.writeHead(answer.statusCode ?? 502, endToEndHeaders(answer.headers));
      answer.pipe(response);
    });
    upstream.on('error', () => {
      if (!response.headersSent) response.writeHead(502).end();
      else response.destroy();
    });
    request.pipe(upstream);
  }
}
