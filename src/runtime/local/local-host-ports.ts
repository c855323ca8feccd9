// The loopback ports of the local runtime's hosts (each host: Synapse's listener and a metrics
// port beside it), in the runtime's own table `local_host_ports` of Homeport's database. No other
// part of Homeport knows a host's port: they ask the runtime for its endpoint.
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import type pg from 'pg';

export interface HostPorts {
  httpPort: number;
  metricsPort: number;
}

/** The address every host's listener binds: 127.0.0.1 rather than ::1, since binding ::1 fails where IPv6 is off. */
export const loopbackAddress = '127.0.0.1';

export function isPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ host: loopbackAddress, port, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/**
 * The part of `range` the kernel also hands out to outgoing connections (Linux's
 * ip_local_port_range), or undefined: such a port can be taken by any connection between the
 * moment Homeport finds it free and the moment the host's Synapse listens on it, and the host
 * then fails to start.
 */
export async function ephemeralOverlap(
  range: { first: number; last: number },
  readEphemeral: () => Promise<string> = () => readFile('/proc/sys/net/ipv4/ip_local_port_range', 'utf8'),
): Promise<{ first: number; last: number } | undefined> {
  const text = await readEphemeral().catch(() => '');
  const [low, high] = text.trim().split(/\s+/).map(Number);
  if (!Number.isInteger(low) || !Number.isInteger(high)) return undefined;
  const first = Math.max(range.first, low!);
  const last = Math.min(range.last, high!);
  return first <= last ? { first, last } : undefined;
}

function isUniqueViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === '23505';
}

export class LocalHostPorts {
  readonly #pool: pg.Pool;
  readonly #range: { first: number; last: number };
  readonly #isFree: (port: number) => Promise<boolean>;
  /** Ports read or allocated since start: a host's ports never change while it exists. */
  readonly #known = new Map<string, HostPorts>();

  constructor(pool: pg.Pool, range: { first: number; last: number }, isFree: (port: number) => Promise<boolean> = isPortFree) {
    this.#pool = pool;
    this.#range = range;
    this.#isFree = isFree;
  }

  /** The host's ports, or undefined when it has none. */
  async find(hostId: string): Promise<HostPorts | undefined> {
    const known = this.#known.get(hostId);
    if (known) return known;
    const { rows } = await this.#pool.query<{ http_port: number; metrics_port: number }>(
      'SELECT http_port, metrics_port FROM local_host_ports WHERE host_id = $1', [hostId],
    );
    if (!rows[0]) return undefined;
    const ports = { httpPort: rows[0].http_port, metricsPort: rows[0].metrics_port };
    this.#known.set(hostId, ports);
    return ports;
  }

  /** The ports of every host asked about that has them, in one query for those not read yet (the edge asks for all hosts). */
  async findMany(hostIds: string[]): Promise<Map<string, HostPorts>> {
    const unknown = hostIds.filter((hostId) => !this.#known.has(hostId));
    if (unknown.length > 0) {
      const { rows } = await this.#pool.query<{ host_id: string; http_port: number; metrics_port: number }>(
        'SELECT host_id, http_port, metrics_port FROM local_host_ports WHERE host_id = ANY($1::uuid[])', [unknown],
      );
      for (const row of rows) this.#known.set(row.host_id, { httpPort: row.http_port, metricsPort: row.metrics_port });
    }
    const found = new Map<string, HostPorts>();
    for (const hostId of hostIds) {
      const ports = this.#known.get(hostId);
      if (ports) found.set(hostId, ports);
    }
    return found;
  }

  async get(hostId: string): Promise<HostPorts> {
    const ports = await this.find(hostId);
    if (!ports) throw new Error(`host ${hostId} has no ports allocated yet`);
    return ports;
  }

  /**
   * Gives the host a pair of ports from the range, once: a host that has ports keeps them. The
   * table's unique constraints make two concurrent allocations fail instead of collide.
   */
  async allocate(hostId: string): Promise<HostPorts> {
    const existing = await this.find(hostId);
    if (existing) return existing;
    const { rows } = await this.#pool.query<{ http_port: number; metrics_port: number }>('SELECT http_port, metrics_port FROM local_host_ports');
    const taken = new Set(rows.flatMap((row) => [row.http_port, row.metrics_port]));
    const { first, last } = this.#range;
    for (let port = first; port + 1 <= last; port += 2) {
      if (taken.has(port) || taken.has(port + 1)) continue;
      if (!(await this.#isFree(port)) || !(await this.#isFree(port + 1))) continue;
      try {
        const inserted = await this.#pool.query(
          'INSERT INTO local_host_ports (host_id, http_port, metrics_port) VALUES ($1, $2, $3) ON CONFLICT (host_id) DO NOTHING',
          [hostId, port, port + 1],
        );
        if (inserted.rowCount === 0) return this.get(hostId);
        const ports = { httpPort: port, metricsPort: port + 1 };
        this.#known.set(hostId, ports);
        return ports;
      } catch (error) {
        if (isUniqueViolation(error)) continue;
        throw error;
      }
    }
    throw new Error(`no free port pair is left in ${first}-${last} (HOMEPORT_HOST_PORTS)`);
  }

  /** Port pairs of the range no host has (one query; a pair something else listens on counts as free here). */
  async freePairs(): Promise<number> {
    const { first, last } = this.#range;
    const pairs = Math.floor((last - first + 1) / 2);
    const { rows } = await this.#pool.query<{ n: string }>(
      'SELECT count(*) AS n FROM local_host_ports WHERE http_port BETWEEN $1 AND $2', [first, last],
    );
    return Math.max(0, pairs - Number(rows[0]?.n ?? 0));
  }

  /** Frees the host's ports for the next host; safe to repeat. */
  async release(hostId: string): Promise<void> {
    await this.#pool.query('DELETE FROM local_host_ports WHERE host_id = $1', [hostId]);
    this.#known.delete(hostId);
  }
}
