// The local runtime runs hosts as processes of one machine, supervised by one Homeport: only one
// replica sharing a database may hold it (the `edge` role). It holds a PostgreSQL session
// advisory lock for as long as it lives; the lock dies with its connection, so a replica killed
// with -9 frees it at once and a new one may take the runtime over (adopting the processes).
// A second replica asking while the holder lives is refused with a clear error.
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import type { Logger } from '../../logger.ts';

const lockName = 'homeport:local-runtime';

export class LocalRuntimeTaken extends Error {}

export class LocalRuntimeLock {
  readonly #connectionString: string;
  readonly #logger: Logger;
  readonly #stopped = new AbortController();
  #client: pg.Client | undefined;
  #keeping: Promise<void> | undefined;

  constructor(connectionString: string, logger: Logger) {
    this.#connectionString = connectionString;
    this.#logger = logger;
  }

  /** Takes the lock or throws LocalRuntimeTaken, naming the replica that has it. */
  async take(): Promise<void> {
    const client = await this.#lock();
    if (!client) {
      throw new LocalRuntimeTaken(
        `another Homeport (${await this.#holder()}) already runs the local runtime on this database: with the local runtime only one replica may have the edge role, ` +
        'which supervises the hosts\' Synapse processes and Caddy; start this one with --roles api,worker (or stop the other first)',
      );
    }
    this.#watch(client);
  }

  async #lock(): Promise<pg.Client | undefined> {
    const client = new pg.Client({ connectionString: this.#connectionString, application_name: `homeport ${hostname()} pid ${process.pid}` });
    client.on('error', () => undefined);
    await client.connect();
    const { rows } = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock(hashtext($1)) AS locked', [lockName]);
    if (rows[0]?.locked) return client;
    await client.end();
    return undefined;
  }

  async #holder(): Promise<string> {
    const client = new pg.Client({ connectionString: this.#connectionString });
    await client.connect();
    try {
      const { rows } = await client.query<{ name: string }>(
        `SELECT a.application_name AS name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
         WHERE l.locktype = 'advisory' AND l.granted AND l.objid = hashtext($1)::oid`, [lockName]);
      return rows[0]?.name || 'unknown';
    } finally {
      await client.end();
    }
  }

  /** When the lock's connection drops (PostgreSQL restarted), the lock is taken again as soon as PostgreSQL answers. */
  #watch(client: pg.Client): void {
    this.#client = client;
    client.once('end', () => {
      if (this.#stopped.signal.aborted) return;
      this.#logger.warn('lost the connection holding the local runtime lock; taking it again');
      this.#keeping = this.#retake();
    });
  }

  async #retake(): Promise<void> {
    for (let attempt = 0; !this.#stopped.signal.aborted; attempt++) {
      const client = await this.#lock().catch(() => undefined);
      if (client) {
        this.#watch(client);
        return;
      }
      if (attempt > 0 && attempt % 10 === 0) this.#logger.error('cannot take the local runtime lock again: is another Homeport running the edge role on this database?');
      await sleep(1000, undefined, { signal: this.#stopped.signal }).catch(() => undefined);
    }
  }

  async release(): Promise<void> {
    this.#stopped.abort();
    await this.#keeping;
    await this.#client?.end().catch(() => undefined);
  }
}

/**
 * With the local runtime the reconciler and the host jobs start and watch this machine's
 * processes, so the reconciler runs where the edge role is; a replica without it serves the API
 * and runs the jobs that need no host process (billing, mail, delegation checks).
 */
export function localRuntimeRolesProblem(roles: ReadonlySet<string>): string | undefined {
  if (roles.has('reconciler') && !roles.has('edge')) {
    return 'with the local runtime the reconciler role needs the edge role in the same process: it starts and watches the hosts\' Synapse processes, which the edge role supervises';
  }
  return undefined;
}
