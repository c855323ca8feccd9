// Runs a real Homeport (`homeport start`) as a child process in a temporary data directory on
// free loopback ports, and gives tests its CLI, its API, its database and a trusted edge client.
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { chmod, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { Agent, fetch as undiciFetch } from 'undici';
import { freePort } from './throwaway-postgres.ts';
import { claimPortBlock, portBlockRange } from './port-blocks.ts';
import { synapseVenv } from './environment.ts';
import { createLogger, unhandledRejectionMessage } from '../../src/logger.ts';
import { PostgresCluster } from '../../src/runtime/local/postgres-cluster.ts';
import { openDatabase } from '../../src/store/database.ts';
import { openHomeportDatabase } from './host-admin.ts';
import { saveTestSeller } from './test-seller.ts';

const run = promisify(execFile);

async function processesMentioning(text: string): Promise<{ pid: number; cmdline: string }[]> {
  const found: { pid: number; cmdline: string }[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    const cmdline = (await readFile(join('/proc', entry, 'cmdline'), 'utf8').catch(() => '')).replaceAll('\0', ' ');
    if (cmdline.includes(text)) found.push({ pid: Number(entry), cmdline });
  }
  return found;
}
const repoRoot = resolve(import.meta.dirname, '..', '..');
const cliEntry = join(repoRoot, 'src', 'cli', 'main.ts');
/** Longer than any API request of the tests takes on a loaded machine, shorter than undici's own 300 s. */
const apiRequestTimeoutMs = 240_000;

/** A child killed by a signal has `signalCode` set and `exitCode` still null. */
function hasExited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

/** Synapse's rate limits are made for the internet; tests log in many times from one address. */
const testSynapseConfig = `
rc_login:
  address: { per_second: 1000, burst_count: 1000 }
  account: { per_second: 1000, burst_count: 1000 }
  failed_attempts: { per_second: 1000, burst_count: 1000 }
rc_registration: { per_second: 1000, burst_count: 1000 }
rc_message: { per_second: 1000, burst_count: 1000 }
`;

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  [key: string]: unknown;
}

export interface ApiAnswer<T> {
  status: number;
  body: T;
  headers: Headers;
}

export class HomeportProcess {
  readonly env: NodeJS.ProcessEnv;
  readonly dataDir: string;
  readonly apiUrl: string;
  readonly baseDomain: string;
  readonly edgePort: number;
  #child: ChildProcess | undefined;
  #output = '';
  #edgeAgent: Agent | undefined;
  /** Extra arguments of `homeport start` (`--roles ...`). */
  readonly #startArgs: string[];
  /** A replica shares its data directory with the process it was made from, which cleans it up. */
  readonly #replica: boolean;
  #withSeller: boolean;

  private constructor(env: NodeJS.ProcessEnv, dataDir: string, startArgs: string[] = [], replica = false, withSeller = true) {
    this.#withSeller = withSeller;
    this.env = env;
    this.dataDir = dataDir;
    this.#startArgs = startArgs;
    this.#replica = replica;
    this.apiUrl = `http://127.0.0.1:${env.HOMEPORT_API_PORT}`;
    this.baseDomain = String(env.HOMEPORT_BASE_DOMAIN);
    this.edgePort = Number(env.HOMEPORT_EDGE_HTTPS_PORT);
  }

  /**
   * `productionRateLimits`: hosts keep the rate limits of their size (no raised rc_* for tests).
   * `withoutSeller`: start as a fresh installation does, without the seller's details (test/support/test-seller.ts otherwise).
   * `calls`: run LiveKit (on free loopback ports, TURN off); other tests keep calls off to stay light.
   */
  static async create(name = 'hp', extraEnv: NodeJS.ProcessEnv = {}, options: { productionRateLimits?: boolean; withoutSeller?: boolean; calls?: boolean } = {}): Promise<HomeportProcess> {
    const dataDir = await mkdtemp(join(tmpdir(), `homeport-${name}-`));
    // PostgreSQL runs as the postgres user when tests run as root: it must reach the data directory.
    await chmod(dataDir, 0o711);
    const extraConfig = join(dataDir, 'synapse-extra.yaml');
    await writeFile(extraConfig, options.productionRateLimits ? '{}\n' : testSynapseConfig);
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      HOMEPORT_DATA_DIR: dataDir,
      HOMEPORT_API_PORT: String(await freePort()),
      HOMEPORT_PG_PORT: String(await freePort()),
      HOMEPORT_EDGE_HOST: '127.0.0.1',
      HOMEPORT_EDGE_HTTP_PORT: String(await freePort()),
      HOMEPORT_EDGE_HTTPS_PORT: String(await freePort()),
      HOMEPORT_DEV_FEDERATION_PROXY_PORT: String(await freePort()),
      HOMEPORT_BASE_DOMAIN: `${name}.localhost`,
      HOMEPORT_HOST_PORTS: portBlockRange(claimPortBlock()),
      HOMEPORT_SYNAPSE_VENV: synapseVenv,
      HOMEPORT_SYNAPSE_EXTRA_CONFIG: extraConfig,
      HOMEPORT_LOG_LEVEL: 'debug',
      // Every test registers from 127.0.0.1; test/integration/request-limits.test.ts sets its own.
      HOMEPORT_SIGNUPS_PER_ADDRESS_PER_HOUR: '1000',
      HOMEPORT_MAIL_REQUESTS_PER_ADDRESS_PER_HOUR: '1000',
      // A long test must not find its idle hosts asleep; test/integration/hibernation.test.ts sets its own.
      HOMEPORT_HIBERNATE_AFTER_SECONDS: '0',
      // A test's host counts jobs and timings: no scheduled backup starts behind its back on the hour.
      HOMEPORT_BACKUP_CHECK_MINUTES: '0',
      ...(options.calls ? {
        HOMEPORT_CALLS: 'true',
        HOMEPORT_LIVEKIT_PORT: String(await freePort()),
        HOMEPORT_LIVEKIT_RTC_TCP_PORT: String(await freePort()),
        HOMEPORT_LIVEKIT_RTC_UDP_PORT: String(await freePort()),
        HOMEPORT_CALLS_TURN_PORT: '0',
      } : { HOMEPORT_CALLS: 'false' }),
      ...extraEnv,
    };
    return new HomeportProcess(env, dataDir, [], false, !options.withoutSeller);
  }

  /**
   * Another Homeport process (a control-plane replica) on this one's PostgreSQL (DATABASE_URL)
   * and data directory, with its own API port and `homeport start` arguments (`--roles`).
   */
  async replica(startArgs: string[], extraEnv: NodeJS.ProcessEnv = {}): Promise<HomeportProcess> {
    const cluster = new PostgresCluster({ dataDir: this.dataDir, port: Number(this.env.HOMEPORT_PG_PORT), logger: createLogger('silent') });
    const env: NodeJS.ProcessEnv = {
      ...this.env,
      DATABASE_URL: await cluster.connectionString('homeport'),
      HOMEPORT_API_PORT: String(await freePort()),
      ...extraEnv,
    };
    return new HomeportProcess(env, this.dataDir, startArgs, true, false);
  }

  /** Starts `homeport start` expecting it to refuse: resolves with its output once it exited, throws if it became ready. */
  async startRefused(timeoutMs = 240_000): Promise<{ code: number | null; output: string }> {
    try {
      await this.start(timeoutMs);
    } catch (error) {
      if (this.running) throw error;
      return { code: this.#child?.exitCode ?? null, output: this.#output };
    }
    await this.stop();
    throw new Error(`homeport start ${this.#startArgs.join(' ')} started although it should have refused:\n${this.#output.slice(-3000)}`);
  }

  get output(): string {
    return this.#output;
  }

  get pid(): number | undefined {
    return this.#child?.pid;
  }

  /** Whether the `homeport start` process started last still runs. */
  get running(): boolean {
    return this.#child !== undefined && !hasExited(this.#child);
  }

  /** Starts `homeport start` and waits until /readyz answers. */
  async start(timeoutMs = 240_000): Promise<void> {
    const child = spawn(process.execPath, [cliEntry, 'start', ...this.#startArgs], { env: this.env, stdio: ['ignore', 'pipe', 'pipe'] });
    this.#child = child;
    const keep = (chunk: Buffer) => { this.#output += chunk.toString(); };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (hasExited(child)) throw new Error(`homeport start exited with ${child.exitCode ?? child.signalCode}:\n${this.#output.slice(-4000)}`);
      const ready = await fetch(`${this.apiUrl}/readyz`).then((response) => response.ok, () => false);
      if (ready) {
        if (this.#withSeller) await this.#saveTestSeller();
        return;
      }
      await new Promise((done) => setTimeout(done, 200));
    }
    throw new Error(`Homeport did not become ready in ${timeoutMs} ms:\n${this.#output.slice(-4000)}`);
  }

  /** Enters the tests' seller (once per start: a restarted Homeport keeps it), as an operator would with `homeport seller set`. */
  async #saveTestSeller(): Promise<void> {
    const opened = this.env.DATABASE_URL ? await openDatabase(this.env.DATABASE_URL, 1) : await openHomeportDatabase(this);
    try {
      await saveTestSeller(opened.db);
    } finally {
      await opened.close();
    }
  }

  /** Ctrl-C: Homeport stops its hosts, edge and database cleanly. */
  async stop(): Promise<void> {
    const child = this.#child;
    if (!child || hasExited(child)) return;
    const exited = new Promise((done) => child.once('exit', done));
    child.kill('SIGINT');
    await exited;
  }

  /** kill -9: nothing is stopped; the hosts' Synapses, Caddy and PostgreSQL keep running. */
  async kill9(): Promise<void> {
    const child = this.#child;
    if (!child || hasExited(child)) return;
    const exited = new Promise((done) => child.once('exit', done));
    child.kill('SIGKILL');
    await exited;
    // Pipes a surviving grandchild might still hold must not keep the test process alive.
    child.stdout?.destroy();
    child.stderr?.destroy();
  }

  async cli(args: string[], token?: string): Promise<{ stdout: string; stderr: string; code: number }> {
    const env = { ...this.env, HOMEPORT_API_URL: this.apiUrl, ...(token ? { HOMEPORT_TOKEN: token } : {}) };
    try {
      const { stdout, stderr } = await run(process.execPath, [cliEntry, ...args], { env, timeout: 600_000 });
      return { stdout, stderr, code: 0 };
    } catch (error) {
      const failed = error as { stdout: string; stderr: string; code: number };
      return { stdout: failed.stdout, stderr: failed.stderr, code: failed.code };
    }
  }

  /**
   * Creates an account with a personal API token through the operator CLI. It may buy at once:
   * it has a billing address and invoice payment enabled, unless `payable: false`.
   */
  async createAccount(email: string, options: { payable?: boolean } = {}): Promise<string> {
    const payable = options.payable === false ? [] : ['--invoice-payment', '--address', 'Teststraße 1', '--postal-code', '10115', '--city', 'Berlin', '--country', 'DE'];
    const result = await this.cli(['account', 'create', '--email', email, '--name', email.split('@')[0] ?? 'test', '--with-token', ...payable]);
    const token = /^token (\S+)$/m.exec(result.stdout)?.[1];
    if (!token) throw new Error(`no token in: ${result.stdout} ${result.stderr}`);
    return token;
  }

  async api<T = Record<string, unknown>>(method: string, path: string, options: { token?: string; body?: unknown } = {}): Promise<ApiAnswer<T>> {
    const headers: Record<string, string> = {};
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    let text: string;
    try {
      // No API request may take minutes: one that does fails here with what Homeport logged of it.
      const signal = AbortSignal.timeout(apiRequestTimeoutMs);
      response = await fetch(`${this.apiUrl}${path}`, { method, headers, body: options.body === undefined ? undefined : JSON.stringify(options.body), signal });
      text = await response.text();
    } catch (error) {
      throw new Error(`${method} ${path} got no answer: ${(error as Error).message}\n${this.#requestLog(path)}`, { cause: error });
    }
    return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T, headers: response.headers };
  }

  /** What Homeport logged of the requests to `path` (by their request ids), and its last lines. */
  #requestLog(path: string): string {
    const lines = this.#output.split('\n');
    const ids = new Set(lines.filter((line) => line.includes(`"url":"${path}`)).map((line) => /"reqId":"([^"]+)"/.exec(line)?.[1]).filter((id) => id !== undefined));
    const ofRequests = lines.filter((line) => [...ids].some((id) => line.includes(`"reqId":"${id}"`)));
    return `Homeport's log of ${path}:\n${ofRequests.slice(-40).join('\n')}\nHomeport's last lines:\n${this.#output.slice(-3000)}`;
  }

  /** Polls a host until it has the status, or fails with the host's last job log. */
  async waitForHostStatus(token: string, hostId: string, status: string, timeoutMs = 300_000): Promise<Record<string, unknown>> {
    const deadline = Date.now() + timeoutMs;
    let last: Record<string, unknown> = {};
    while (Date.now() < deadline) {
      last = (await this.api<Record<string, unknown>>('GET', `/api/v1/hosts/${hostId}`, { token })).body;
      if (last.status === status) return last;
      if (last.status === 'failed' && status !== 'failed') break;
      await new Promise((done) => setTimeout(done, 250));
    }
    throw new Error(`host ${hostId} is ${String(last.status)}, not ${status}:\n${this.#output.slice(-3000)}`);
  }

  async waitForJob(token: string, jobId: string, timeoutMs = 300_000): Promise<Record<string, unknown>> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const job = (await this.api<Record<string, unknown>>('GET', `/api/v1/jobs/${jobId}`, { token })).body;
      if (job.status === 'succeeded' || job.status === 'failed') return job;
      await new Promise((done) => setTimeout(done, 250));
    }
    throw new Error(`job ${jobId} did not finish in ${timeoutMs} ms`);
  }

  caddyRootCertificatePath(): string {
    return join(this.dataDir, 'caddy', 'data', 'caddy', 'pki', 'authorities', 'local', 'root.crt');
  }

  /** A fetch that resolves every host name to loopback and trusts only the edge's CA (Caddy's internal one by default). */
  async edgeFetch(caPem?: string): Promise<typeof globalThis.fetch> {
    if (!this.#edgeAgent) {
      const ca = caPem ?? (await readFile(this.caddyRootCertificatePath(), 'utf8'));
      this.#edgeAgent = new Agent({
        connect: {
          ca,
          lookup: (_hostname, options, callback) => {
            if ((options as { all?: boolean }).all) callback(null, [{ address: '127.0.0.1', family: 4 }] as never);
            else callback(null, '127.0.0.1', 4);
          },
        },
      });
    }
    const dispatcher = this.#edgeAgent;
    return ((input: string | URL | Request, init?: RequestInit) =>
      undiciFetch(input as never, { ...(init as object), dispatcher } as never)) as unknown as typeof globalThis.fetch;
  }

  edgeUrl(label: string, path = ''): string {
    return `https://${label}.${this.baseDomain}:${this.edgePort}${path}`;
  }

  /**
   * Stops Homeport and anything it left running in its data directory: after a kill -9 (or a
   * failed test) its PostgreSQL, Caddy and Synapses still run, and a test must leave nothing behind.
   */
  async cleanup(): Promise<void> {
    await this.stop();
    await this.#edgeAgent?.close();
    if (this.#replica) return this.#checkUnhandledRejections();
    for (const { pid, cmdline } of await processesMentioning(this.dataDir)) {
      // SIGQUIT is PostgreSQL's immediate shutdown: its own children go with it.
      const signal = cmdline.includes('postgres') ? 'SIGQUIT' : 'SIGKILL';
      try {
        process.kill(pid, signal);
      } catch {
        // Already gone.
      }
    }
    await rm(this.dataDir, { recursive: true, force: true });
    this.#checkUnhandledRejections();
  }

  #checkUnhandledRejections(): void {
    // Homeport logs and survives an unhandled rejection; a test must not.
    const unhandled = this.#output.split('\n').filter((line) => line.includes(unhandledRejectionMessage));
    if (unhandled.length > 0) throw new Error(`Homeport logged ${unhandled.length} unhandled promise rejection(s):\n${unhandled.join('\n').slice(0, 4000)}`);
  }
}
