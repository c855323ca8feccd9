// Runs the edge: one Caddy under the process supervisor, configured whole through its admin API.
import { chmod, mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Agent, fetch, type Response } from 'undici';
import type { Config } from '../../config.ts';
import type { Logger } from '../../logger.ts';
import { renderCaddyConfig, type CaddyConfig, type CaddyConfigInput } from './caddy-config.ts';
import { installedElementWebDir } from './element-web-install.ts';
import type { ProcessSupervisor } from './process-supervisor.ts';

export type EdgeSettings = Pick<Config,
  'dataDir' | 'caddyBin' | 'edgeHost' | 'edgeHttpPort' | 'edgeHttpsPort' | 'tlsMode' | 'acmeEmail' | 'acmeCa' | 'acmeCaRoot'>
  & Partial<Pick<Config, 'apiHost' | 'apiPort' | 'elementWebDir'>>;

export interface CaddyEdgeOptions {
  config: EdgeSettings;
  supervisor: ProcessSupervisor;
  logger?: Logger;
}

export class CaddyConfigRejected extends Error {}

const processKey = 'edge';
const loadTimeoutMs = 60_000;

/** Caddy's directories, all inside Homeport's data directory so nothing lands in the user's home. */
function caddyPaths(dataDir: string) {
  const root = join(dataDir, 'caddy');
  const xdgData = join(root, 'data');
  return {
    root,
    xdgData,
    xdgConfig: join(root, 'config'),
    home: join(root, 'home'),
    // Caddy's default storage under XDG_DATA_HOME, so `caddy` commands run with the same
    // environment find the same certificates.
    storage: join(xdgData, 'caddy'),
    // Its own directory of mode 0700: Caddy 2.6 creates the socket with the umask's permissions.
    adminDir: join(root, 'admin'),
    adminSocket: join(root, 'admin', 'admin.sock'),
    configFile: join(root, 'caddy.json'),
    pidFile: join(root, 'caddy.pid'),
    outputFile: join(root, 'caddy.log'),
  };
}

/** The root certificate of Caddy's internal CA, which clients must trust in `internal` TLS mode. */
export function caddyRootCertificatePath(dataDir: string): string {
  return join(caddyPaths(dataDir).storage, 'pki', 'authorities', 'local', 'root.crt');
}

/** The Unix socket of Caddy's admin API, reachable only by Homeport's user. */
export function caddyAdminSocket(dataDir: string): string {
  return caddyPaths(dataDir).adminSocket;
}

/** Homeport's API answers Caddy's on-demand question on loopback when it listens on every interface. */
export function certificatePermissionUrl(apiHost: string, apiPort: number): string {
  const host = apiHost === '' || apiHost === '0.0.0.0' || apiHost === '::' ? '127.0.0.1' : apiHost;
  return `http://${host.includes(':') ? `[${host}]` : host}:${apiPort}/api/v1/edge/certificate-permission`;
}

export class CaddyEdge {
  readonly #options: CaddyEdgeOptions;
  readonly #paths: ReturnType<typeof caddyPaths>;
  readonly #admin: Agent;
  #loads: Promise<void> = Promise.resolve();

  constructor(options: CaddyEdgeOptions) {
    this.#options = options;
    this.#paths = caddyPaths(options.config.dataDir);
    this.#admin = new Agent({ connect: { socketPath: this.#paths.adminSocket } });
  }

  /** Everything the rendered configuration needs except the hosts. */
  baseConfigInput(): Omit<CaddyConfigInput, 'hosts'> {
    const { config } = this.#options;
    return {
      adminSocket: this.#paths.adminSocket,
      storageDir: this.#paths.storage,
      bindHost: config.edgeHost,
      httpPort: config.edgeHttpPort,
      httpsPort: config.edgeHttpsPort,
      tls: { mode: config.tlsMode, email: config.acmeEmail, acmeCa: config.acmeCa, acmeCaRoot: config.acmeCaRoot },
      onDemandAsk: config.apiPort ? certificatePermissionUrl(config.apiHost ?? '127.0.0.1', config.apiPort) : undefined,
      elementWebDir: config.elementWebDir ?? installedElementWebDir(config.dataDir),
    };
  }

  rootCertificatePath(): string {
    return caddyRootCertificatePath(this.#options.config.dataDir);
  }

  /**
   * Starts Caddy with `initial` (no hosts by default), or adopts the Caddy an earlier Homeport
   * left running, and waits until its admin API answers. An adopted Caddy keeps serving the
   * hosts it has unless `initial` is given.
   */
  async start(initial?: CaddyConfig, timeoutMs = 30_000): Promise<void> {
    const paths = this.#paths;
    await Promise.all([paths.xdgData, paths.xdgConfig, paths.home, paths.adminDir].map((dir) => mkdir(dir, { recursive: true, mode: 0o700 })));
    // mkdir keeps the mode of a directory that exists: an older or hand-made one is closed here.
    await chmod(paths.adminDir, 0o700);
    // Written afresh each time: the ports or the admin address may have changed since the last
    // run, and a stale file would start a Caddy that never answers. The hosts follow with load().
    await writeConfigFile(paths.configFile, initial ?? renderCaddyConfig({ ...this.baseConfigInput(), hosts: [] }));
    await this.#options.supervisor.ensureRunning(processKey, {
      command: this.#options.config.caddyBin,
      args: ['run', '--config', paths.configFile],
      cwd: paths.root,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: paths.home, XDG_DATA_HOME: paths.xdgData, XDG_CONFIG_HOME: paths.xdgConfig },
      pidFile: paths.pidFile,
      outputFile: paths.outputFile,
      onStateChange: (state) => this.#options.logger?.info({ state }, 'edge process state'),
    });
    try {
      await this.#waitForAdmin(timeoutMs);
    } catch (error) {
      // A Caddy that cannot serve would otherwise be restarted forever in the background.
      await this.stop();
      throw error;
    }
    if (initial) await this.load(initial);
  }

  /** Replaces Caddy's whole configuration; loads run one at a time, in call order. */
  load(config: CaddyConfig): Promise<void> {
    const loading = this.#loads.then(() => this.#load(config));
    this.#loads = loading.catch(() => undefined);
    return loading;
  }

  async stop(): Promise<void> {
    await this.#options.supervisor.stop(processKey);
  }

  /** A request to Caddy's admin API over its socket; the host name is only for Caddy's Host check. */
  #adminRequest(path: string, init: { method?: string; body?: string; timeoutMs: number }): Promise<Response> {
    return fetch(`http://localhost${path}`, {
      method: init.method,
      headers: init.body === undefined ? undefined : { 'Content-Type': 'application/json' },
      body: init.body,
      signal: AbortSignal.timeout(init.timeoutMs),
      dispatcher: this.#admin,
    });
  }

  async #load(config: CaddyConfig): Promise<void> {
    const response = await this.#adminRequest('/load', { method: 'POST', body: JSON.stringify(config), timeoutMs: loadTimeoutMs }).catch((error: unknown) => {
      throw new Error(`Caddy's admin API on ${this.#paths.adminSocket} is unreachable; see ${this.#paths.outputFile}`, { cause: error });
    });
    if (!response.ok) {
      const text = await response.text();
      const message = (parseJson(text) as { error?: string } | undefined)?.error ?? text;
      throw new CaddyConfigRejected(`Caddy refused the edge configuration (HTTP ${response.status}): ${message}`);
    }
    // A Caddy restarted after a crash reads this file: it must hold the last accepted configuration.
    await writeConfigFile(this.#paths.configFile, config);
  }

  async #waitForAdmin(timeoutMs: number): Promise<void> {
    const admin = this.#paths.adminSocket;
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const root = await this.#answeringStorageRoot();
      if (root === this.#paths.storage) return;
      // A Caddy of another data directory cannot own this socket; never configure a stranger.
      if (root !== undefined) throw new Error(`another Caddy answers on ${admin}`);
      await sleep(100);
    }
    throw new Error(`Caddy's admin API on ${admin} did not answer within ${timeoutMs} ms; see ${this.#paths.outputFile}`);
  }

  /** The storage root of the Caddy answering on the admin address; undefined while none answers. */
  async #answeringStorageRoot(): Promise<string | null | undefined> {
    try {
      const response = await this.#adminRequest('/config/storage', { timeoutMs: 2_000 });
      const storage = (await response.json()) as { root?: string } | null;
      return storage?.root ?? null;
    } catch {
      return undefined;
    }
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

async function writeConfigFile(file: string, config: CaddyConfig): Promise<void> {
  const temporary = `${file}.${process.pid}.tmp`;
  await writeFile(temporary, JSON.stringify(config), { mode: 0o600 });
  await rename(temporary, file);
}
