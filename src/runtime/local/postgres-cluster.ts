// Homeport's own PostgreSQL cluster in `<data dir>/postgres`: initialised once, started or
// adopted at every start, restarted when it dies, listening on loopback only with password
// authentication.
import { execFile, type ExecFileOptions } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmod, chown, mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Logger } from '../../logger.ts';
import { findPostgresBinaries, type PostgresBinaries } from './postgres-binaries.ts';
import { restartDelayMs } from './process-supervisor.ts';

const run = promisify(execFile);
const watchIntervalMs = 1_000;

export interface PostgresClusterOptions {
  dataDir: string;
  port: number;
  logger: Logger;
  maxConnections?: number;
}

export interface PostgresEndpoint {
  host: string;
  port: number;
  user: string;
  password: string;
}

export const clusterSuperuser = 'homeport';

/** PostgreSQL refuses to run as root: when Homeport is root, the cluster belongs to `postgres`. */
async function serverAccount(): Promise<{ uid: number; gid: number } | undefined> {
  if (process.getuid?.() !== 0) return undefined;
  const passwd = await readFile('/etc/passwd', 'utf8');
  const entry = passwd.split('\n').map((line) => line.split(':')).find((fields) => fields[0] === 'postgres');
  if (!entry) throw new Error('Homeport runs as root, so PostgreSQL needs the "postgres" system user (install the postgresql package)');
  return { uid: Number(entry[2]), gid: Number(entry[3]) };
}

export class PostgresCluster {
  readonly clusterDir: string;
  readonly #options: PostgresClusterOptions;
  readonly #passwordFile: string;
  #binaries: PostgresBinaries | undefined;
  #account: { uid: number; gid: number } | undefined;
  #watching = false;
  #watchTimer: NodeJS.Timeout | undefined;
  #checking: Promise<void> | undefined;
  #failedRestarts = 0;

  constructor(options: PostgresClusterOptions) {
    this.#options = options;
    this.clusterDir = join(options.dataDir, 'postgres');
    this.#passwordFile = join(options.dataDir, 'postgres.password');
  }

  async #tool(name: string, args: string[], options: ExecFileOptions = {}): Promise<string> {
    this.#binaries ??= await findPostgresBinaries();
    this.#account ??= await serverAccount();
    if (!this.#binaries) throw new Error('PostgreSQL server binaries (14 or newer) were not found; run `homeport doctor`');
    const { stdout } = await run(join(this.#binaries.binDir, name), args, {
      ...options,
      ...(this.#account ?? {}),
      cwd: this.#options.dataDir,
      encoding: 'utf8',
    });
    return String(stdout);
  }

  async #ownedByServer(path: string): Promise<void> {
    if (this.#account) await chown(path, this.#account.uid, this.#account.gid);
  }

  async #password(): Promise<string> {
    return (await readFile(this.#passwordFile, 'utf8')).trim();
  }

  async endpoint(): Promise<PostgresEndpoint> {
    return { host: '127.0.0.1', port: this.#options.port, user: clusterSuperuser, password: await this.#password() };
  }

  async connectionString(database: string): Promise<string> {
    const { host, port, user, password } = await this.endpoint();
    return `postgres://${user}:${encodeURIComponent(password)}@${host}:${port}/${encodeURIComponent(database)}`;
  }

  async #initialised(): Promise<boolean> {
    return stat(join(this.clusterDir, 'PG_VERSION')).then(() => true, () => false);
  }

  async ensureInitialised(): Promise<void> {
    this.#account ??= await serverAccount();
    if (await this.#initialised()) return;
    this.#options.logger.info({ dir: this.clusterDir }, 'initialising the PostgreSQL cluster');
    await rm(this.clusterDir, { recursive: true, force: true });
    await mkdir(this.clusterDir, { mode: 0o700 });
    await this.#ownedByServer(this.clusterDir);
    if (this.#account) await chmod(this.#options.dataDir, 0o711);
    const password = randomBytes(24).toString('base64url');
    await writeFile(this.#passwordFile, password + '\n', { mode: 0o600 });
    // initdb reads the password from a file; it lives inside the cluster directory only briefly.
    const pwfile = join(this.clusterDir, '..', `.initdb-pw-${process.pid}`);
    await writeFile(pwfile, password + '\n', { mode: 0o600 });
    await this.#ownedByServer(pwfile);
    try {
      await this.#tool('initdb', [
        '-D', this.clusterDir, '-U', clusterSuperuser, `--pwfile=${pwfile}`,
        '--auth=scram-sha-256', '--encoding=UTF8', '--locale=C',
      ]);
    } finally {
      await rm(pwfile, { force: true });
    }
    await writeFile(join(this.clusterDir, 'postgresql.conf'), "\ninclude_if_exists = 'homeport.conf'\n", { flag: 'a' });
  }

  /** Writes the settings Homeport owns; re-written at every start so a changed port takes effect. */
  async #writeSettings(): Promise<void> {
    const socketDir = join(this.clusterDir, 'sockets');
    await mkdir(socketDir, { recursive: true, mode: 0o700 });
    await this.#ownedByServer(socketDir);
    const settings = [
      `port = ${this.#options.port}`,
      `listen_addresses = '127.0.0.1'`,
      `unix_socket_directories = '${socketDir}'`,
      `max_connections = ${this.#options.maxConnections ?? 500}`,
      `shared_buffers = '128MB'`,
      `log_destination = 'stderr'`,
    ];
    const file = join(this.clusterDir, 'homeport.conf');
    await writeFile(file, settings.join('\n') + '\n');
    await this.#ownedByServer(file);
  }

  async isRunning(): Promise<boolean> {
    return this.#tool('pg_ctl', ['status', '-D', this.clusterDir]).then(() => true, () => false);
  }

  /** Starts the cluster, or adopts it when a previous Homeport left it running. */
  async start(): Promise<void> {
    await this.ensureInitialised();
    if (await this.isRunning()) {
      this.#options.logger.info('adopting the running PostgreSQL cluster');
      return;
    }
    await this.#startServer();
    this.#options.logger.info({ port: this.#options.port }, 'PostgreSQL started');
  }

  async #startServer(): Promise<void> {
    await this.#writeSettings();
    const logFile = join(this.#options.dataDir, 'postgres.log');
    // Owner-only: the log names databases, roles and failed statements. Homeport's user owns it,
    // or is root when the server runs as `postgres`.
    await writeFile(logFile, '', { flag: 'a', mode: 0o600 });
    await chmod(logFile, 0o600);
    await this.#ownedByServer(logFile);
    await this.#tool('pg_ctl', ['start', '-D', this.clusterDir, '-l', logFile, '-w', '-t', '120']);
  }

  /**
   * Restarts the cluster whenever its postmaster dies (kill -9, the OOM killer), until stop()
   * or stopWatching(): Homeport's pools reconnect by themselves once it answers again. A restart
   * that fails (the dead server's processes still hold its shared memory) is retried with backoff.
   */
  keepRunning(): void {
    if (this.#watching) return;
    this.#watching = true;
    this.#scheduleCheck(watchIntervalMs);
  }

  async stopWatching(): Promise<void> {
    this.#watching = false;
    clearTimeout(this.#watchTimer);
    await this.#checking;
  }

  #scheduleCheck(delayMs: number): void {
    this.#watchTimer = setTimeout(() => {
      this.#checking = this.#check();
    }, delayMs);
  }

  async #check(): Promise<void> {
    const { logger } = this.#options;
    let delayMs = watchIntervalMs;
    try {
      if (!(await this.#postmasterAlive())) {
        logger.warn('PostgreSQL is not running; restarting it');
        await this.#startServer();
        this.#failedRestarts = 0;
        logger.info({ port: this.#options.port }, 'PostgreSQL restarted');
      }
    } catch (error) {
      delayMs = restartDelayMs(this.#failedRestarts++);
      logger.warn({ err: error, delayMs }, 'PostgreSQL could not be restarted; trying again');
    }
    if (this.#watching) this.#scheduleCheck(delayMs);
  }

  /** Read from postmaster.pid every second: cheaper than running pg_ctl, and a zombie counts as dead. */
  async #postmasterAlive(): Promise<boolean> {
    const pidFile = await readFile(join(this.clusterDir, 'postmaster.pid'), 'utf8').catch(() => '');
    const pid = Number(pidFile.split('\n')[0]);
    if (!Number.isInteger(pid) || pid <= 0) return false;
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
    return stat !== undefined && stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  }

  async stop(): Promise<void> {
    await this.stopWatching();
    if (!(await this.isRunning())) return;
    await this.#tool('pg_ctl', ['stop', '-D', this.clusterDir, '-m', 'fast', '-w', '-t', '60']);
  }
}
