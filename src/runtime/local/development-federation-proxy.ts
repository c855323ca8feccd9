// The development federation proxy: an HTTP CONNECT proxy on loopback that the hosts' Synapses
// use as `https_proxy` on a development installation. Server names there (`*.localhost`) carry no
// port and resolve nowhere useful, so peers would look for 443 and 8448 while the edge listens on
// its own port: the proxy sends every connection for this installation's names to the edge, and
// for the operator's development peers to their address. Anything else is refused, so the proxy
// opens nothing beyond what the edge and the named peers already serve.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { connect, type Socket } from 'node:net';
import type { Logger } from '../../logger.ts';

export interface FederationProxyOptions {
  port: number;
  baseDomain: string;
  /** Where the edge's HTTPS listener is reached from this machine. */
  edge: { address: string; port: number };
  /** Matrix servers outside this installation: every port of the name goes to this address. */
  peers: { serverName: string; address: string; port: number }[];
  logger: Logger;
}

/** The ports a Matrix server is looked for on: HTTPS (well-known) and federation, plus the edge's own (delegation). */
function federationPorts(edgePort: number): Set<number> {
  return new Set([443, 8448, edgePort]);
}

export class DevelopmentFederationProxy {
  readonly #options: FederationProxyOptions;
  #server: Server | undefined;
  /** Custom domains of each host, from the edge's routes; names on the base domain need no list. */
  #customNames = new Map<string, Set<string>>();
  /** Open tunnels: the server stops tracking a socket once CONNECT takes it, and Synapse keeps its connections alive. */
  readonly #tunnels = new Set<Socket>();

  constructor(options: FederationProxyOptions) {
    this.#options = options;
  }

  /** The URL hosts are given as `https_proxy`. */
  get url(): string {
    return `http://127.0.0.1:${this.#options.port}`;
  }

  /** Every host's custom domains at once (the edge applied whole). */
  setCustomNames(namesByHost: Map<string, string[]>): void {
    this.#customNames = new Map([...namesByHost].map(([hostId, names]) => [hostId, lowercased(names)]));
  }

  /** One host's custom domains (none: the host is no longer routed). */
  setHostCustomNames(hostId: string, names: string[]): void {
    if (names.length === 0) this.#customNames.delete(hostId);
    else this.#customNames.set(hostId, lowercased(names));
  }

  #isCustomName(name: string): boolean {
    for (const names of this.#customNames.values()) if (names.has(name)) return true;
    return false;
  }

  /** Where a CONNECT to `name:port` goes, or undefined when the proxy refuses it. */
  destination(name: string, port: number): { address: string; port: number } | undefined {
    const host = name.toLowerCase().replace(/\.$/, '');
    const { baseDomain, edge, peers } = this.#options;
    // The installation's own names first: a peer entry may name a host's domain for the time the
    // host lives on another installation (moved away by export and import).
    const ours = host === baseDomain || host.endsWith(`.${baseDomain}`) || this.#isCustomName(host);
    if (ours) return federationPorts(edge.port).has(port) ? edge : undefined;
    const peer = peers.find((candidate) => candidate.serverName === host);
    return peer ? { address: peer.address, port: peer.port } : undefined;
  }

  async start(): Promise<void> {
    const server = createServer((request, response) => {
      // Federation is always TLS: plain proxying is not offered.
      response.writeHead(405, { 'Content-Type': 'text/plain' }).end('only CONNECT is supported\n');
    });
    server.on('connect', (request: IncomingMessage, client: Socket, head: Buffer) => this.#tunnel(request, client, head));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.#options.port, '127.0.0.1', () => resolve());
    });
    server.on('error', (error) => this.#options.logger.error({ err: error }, 'development federation proxy failed'));
    this.#server = server;
  }

  async stop(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    if (!server) return;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    for (const socket of this.#tunnels) socket.destroy();
    await closed;
  }

  #tunnel(request: IncomingMessage, client: Socket, head: Buffer): void {
    client.on('error', () => client.destroy());
    this.#tunnels.add(client);
    client.on('close', () => this.#tunnels.delete(client));
    const match = /^([^:[\]]+|\[[^\]]+\]):(\d+)$/.exec(request.url ?? '');
    const target = match ? this.destination(match[1] as string, Number(match[2])) : undefined;
    if (!target) {
      this.#options.logger.info({ target: request.url }, 'development federation proxy refused a connection');
      client.end('HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    let established = false;
    const upstream = connect(target.port, target.address, () => {
      established = true;
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length > 0) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    upstream.on('error', () => {
      if (!established) client.end('HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n');
      else client.destroy();
    });
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  }
}

function lowercased(names: string[]): Set<string> {
  return new Set(names.map((name) => name.toLowerCase()));
}
