// PostgreSQL's autovacuum launcher starts a worker process in every database once per
// `autovacuum_naptime` (default one minute), whether anything changed there or not: a fork, a
// login into the database and a look at each of its tables, about 10 ms of CPU. With a database
// per host, 1,000 hosts meant 17 workers a second, about 100 ms of CPU a second with every host
// asleep: the largest part of what sleeping hosts cost PostgreSQL, and growing with their number.
// So Homeport's own cluster keeps the launcher's pace instead: at most one worker start a second on
// average, each database still visited at least every `autovacuum_naptime` (a minute up to 60
// databases, 1,000 seconds at 1,000). A small host's tables need no faster visits: autovacuum
// only acts on a table once a fifth of it changed, and a host busy enough for that between two
// visits is vacuumed on the next.
import type pg from 'pg';
import type { Logger } from '../../logger.ts';

/** PostgreSQL's default, kept for installations with few databases. */
const minimumNaptimeSeconds = 60;
/** Seconds of naptime per database: the launcher's average gap between two worker starts. */
const secondsPerDatabase = 1;
/** Changed only when off by more than this share, so adding a host does not reload the server each time. */
const tolerance = 0.1;
const checkIntervalMs = 60_000;

/** The naptime that visits each of `databases` once per round at the launcher's pace. */
export function autovacuumNaptimeSeconds(databases: number): number {
  return Math.max(minimumNaptimeSeconds, Math.ceil(databases * secondsPerDatabase));
}

export function naptimeNeedsChange(currentSeconds: number, wantedSeconds: number): boolean {
  return Math.abs(wantedSeconds - currentSeconds) > currentSeconds * tolerance;
}

/**
 * Sets `autovacuum_naptime` (ALTER SYSTEM, kept across restarts; a reload applies it) to fit the
 * cluster's databases, at start and every minute after. Only for the cluster Homeport runs itself:
 * an operator's PostgreSQL is tuned by its operator.
 */
export class AutovacuumPace {
  readonly #admin: pg.Pool;
  readonly #logger: Logger;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> = Promise.resolve();

  constructor(admin: pg.Pool, logger: Logger) {
    this.#admin = admin;
    this.#logger = logger;
  }

  /** Sets the naptime when it no longer fits; answers the naptime in force afterwards, in seconds. */
  async fit(): Promise<number> {
    const { rows } = await this.#admin.query<{ databases: string; naptime: string }>(
      "SELECT (SELECT count(*) FROM pg_database) AS databases, setting AS naptime FROM pg_settings WHERE name = 'autovacuum_naptime'",
    );
    const current = Number(rows[0]?.naptime);
    const wanted = autovacuumNaptimeSeconds(Number(rows[0]?.databases));
    if (!naptimeNeedsChange(current, wanted)) return current;
    await this.#admin.query(`ALTER SYSTEM SET autovacuum_naptime = ${wanted}`);
    await this.#admin.query('SELECT pg_reload_conf()');
    this.#logger.info({ databases: Number(rows[0]?.databases), naptimeSeconds: wanted }, 'autovacuum paced to the number of databases');
    return wanted;
  }

  start(): void {
    const tick = () => {
      this.#running = this.fit().then(() => undefined, (error: unknown) => {
        // PostgreSQL restarting: the next check tries again.
        this.#logger.warn({ err: error }, 'could not pace autovacuum; trying again');
      }).finally(() => {
        if (this.#timer) this.#timer = setTimeout(tick, checkIntervalMs);
      });
    };
    this.#timer = setTimeout(tick, 0);
  }

  async stop(): Promise<void> {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#running;
  }
}
