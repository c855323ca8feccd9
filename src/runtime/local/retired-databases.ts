// Databases and roles of removed hosts are retired at once and dropped a little later, together.
// PostgreSQL 15's DROP DATABASE forces an immediate checkpoint of the whole server before it
// returns: it writes every dirty page of every other host's database, so one drop took from a
// second to half a minute depending on how busy the other hosts were, and each drop was an I/O
// burst every tenant felt. Renaming a database takes no checkpoint. So a removal takes the
// database out of use (no new connection, the open ones ended, renamed `retired_…`, its role
// renamed and unable to log in) and returns; the sweep drops what is retired a while later, one
// checkpoint for a whole burst of removals. What is retired is found by its name, so a sweep
// after a crash finishes what a sweep before it left.
import pg from 'pg';
import type { Logger } from '../../logger.ts';

const prefix = 'retired_';
const maxIdentifier = 63;

let retiredCount = 0;

/** A new name for a retired database or role: the prefix, when, and as much of the old name as fits. */
function retiredName(name: string): string {
  retiredCount = (retiredCount + 1) % 1296;
  return `${prefix}${Date.now().toString(36)}${retiredCount.toString(36).padStart(2, '0')}_${name}`.slice(0, maxIdentifier);
}

async function databaseExists(admin: pg.Pool, name: string): Promise<boolean> {
  return Boolean((await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])).rowCount);
}

export class RetiredDatabases {
  readonly #admin: pg.Pool;
  readonly #logger: Logger;
  readonly #sweepDelayMs: number;
  #timer: NodeJS.Timeout | undefined;
  #sweeping: Promise<unknown> = Promise.resolve();
  #closed = false;

  constructor(admin: pg.Pool, logger: Logger, options: { sweepDelayMs?: number } = {}) {
    this.#admin = admin;
    this.#logger = logger;
    this.#sweepDelayMs = options.sweepDelayMs ?? 30_000;
  }

  /** Sweeps what an earlier run left retired (in the background). */
  start(): void {
    this.#schedule(0);
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#sweeping;
  }

  /**
   * Takes a database out of use for good: nobody can connect to it any more, whoever was is
   * disconnected, and its name is free at once. Nothing happens when it does not exist.
   */
  async retireDatabase(name: string): Promise<void> {
    if (!(await databaseExists(this.#admin, name))) return;
    const database = pg.escapeIdentifier(name);
    await this.#admin.query(`ALTER DATABASE ${database} WITH ALLOW_CONNECTIONS false`);
    for (let attempt = 1; ; attempt++) {
      // Waits up to 5 s for each backend to be gone, so the rename below finds none.
      await this.#admin.query('SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [name]);
      try {
        await this.#admin.query(`ALTER DATABASE ${database} RENAME TO ${pg.escapeIdentifier(retiredName(name))}`);
        break;
      } catch (error) {
        // 55006: "being accessed by other users" (a backend still ending).
        if ((error as { code?: string }).code !== '55006' || attempt >= 10) throw error;
      }
    }
    this.#schedule(this.#sweepDelayMs);
  }

  /** A host's database and its role: the role cannot log in from now on and is dropped with the database. */
  async retireHostDatabase(database: { name: string; user: string }): Promise<void> {
    const role = await this.#admin.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [database.user]);
    if (role.rowCount) await this.#admin.query(`ALTER ROLE ${pg.escapeIdentifier(database.user)} NOLOGIN`);
    await this.retireDatabase(database.name);
    if (role.rowCount) await this.#admin.query(`ALTER ROLE ${pg.escapeIdentifier(database.user)} RENAME TO ${pg.escapeIdentifier(retiredName(database.user))}`);
    this.#schedule(this.#sweepDelayMs);
  }

  /** Drops every retired database, then every retired role that owns nothing any more. */
  async sweep(): Promise<{ databases: number; roles: number }> {
    const run = this.#sweeping.catch(() => undefined).then(() => this.#sweepNow());
    this.#sweeping = run;
    return run;
  }

  async #sweepNow(): Promise<{ databases: number; roles: number }> {
    const like = `${prefix.replaceAll('_', '\\_')}%`;
    const databases = await this.#admin.query<{ name: string }>('SELECT datname AS name FROM pg_database WHERE datname LIKE $1 ORDER BY datname', [like]);
    let dropped = 0;
    for (const { name } of databases.rows) {
      // The first drop takes the checkpoint; the ones after it find little left to write.
      await this.#admin.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`);
      dropped++;
    }
    const roles = await this.#admin.query<{ name: string }>('SELECT rolname AS name FROM pg_roles WHERE rolname LIKE $1 ORDER BY rolname', [like]);
    let rolesDropped = 0;
    for (const { name } of roles.rows) {
      try {
        await this.#admin.query(`DROP ROLE IF EXISTS ${pg.escapeIdentifier(name)}`);
        rolesDropped++;
      } catch (error) {
        // 2BP01: it still owns something (a database retired after this sweep began): the next sweep drops it.
        if ((error as { code?: string }).code !== '2BP01') throw error;
        this.#schedule(this.#sweepDelayMs);
      }
    }
    if (dropped + rolesDropped > 0) this.#logger.info({ databases: dropped, roles: rolesDropped }, 'dropped retired databases');
    return { databases: dropped, roles: rolesDropped };
  }

  #schedule(delayMs: number): void {
    if (this.#closed || this.#timer) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.sweep().catch((error: unknown) => {
        this.#logger.warn({ err: error }, 'dropping retired databases failed; trying again later');
        this.#schedule(this.#sweepDelayMs);
      });
    }, delayMs);
    this.#timer.unref();
  }
}
