// Runs the edge: one Caddy under the process supervisor, configured through its admin API: whole
// when Homeport or Caddy starts, one host's own route (by @id) when such a host changes. An
// ordinary host has no route of its own (its names are links, edge-host-files.ts): its changes
// send no admin request at all.
import { chmod, mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { connect as tlsConnect } from 'node:tls';
import { setTimeout as sleep } from 'node:timers/promises';
import { isDeepStrictEqual } from 'node:util';
import { Agent, fetch, type Response } from 'undici';
import type { Config } from '../../config.ts';
import type { Logger } from '../../logger.ts';
import {
  baseNamesPolicyId, hostDefaultsRouteId, hostRouteId, renderCaddyConfig,
  type CaddyConfig, type CaddyConfigInput, type CaddyRoute,
} from './caddy-config.ts';
import { callsHostname } from '../../domain/calls.ts';
import { installedElementWebDir } from './element-web-install.ts';
import type { ProcessSupervisor } from './process-supervisor.ts';

export type EdgeSettings = Pick<Config,
  'dataDir' | 'caddyBin' | 'edgeHost' | 'edgeHttpPort' | 'edgeHttpsPort' | 'tlsMode' | 'acmeEmail' | 'acmeCa' | 'acmeCaRoot'>
  & Partial<Pick<Config, 'apiHost' | 'apiPort' | 'elementWebDir' | 'calls' | 'baseDomain'>>;

export interface CaddyEdgeOptions {
  config: EdgeSettings;
  supervisor: ProcessSupervisor;
  logger?: Logger;
}

export class CaddyConfigRejected extends Error {}

/** One host's objects in Caddy's configuration. */
export interface EdgeHostParts {
  /** Its own route (renderHostRoute); undefined for a host the shared routes serve alone. */
  route: CaddyRoute | undefined;
  /** The name whose certificate is obtained up front (the others come on demand). */
  baseName: string;
}

/** Where a new host's route goes: after the route clearing the host variables, before the shared routes. */
const hostRoutesPath = '/config/apps/http/servers/edge/routes/1';
const baseNamesPath = `/id/${baseNamesPolicyId}/subjects`;

const processKey = 'edge';
const loadTimeoutMs = 60_000;
/** How long a request refused at the admin socket is tried again. */
const adminRetryMs = 10_000;

/** Whether a failed admin request failed to connect at all, so Caddy never saw it. */
function neverSent(error: unknown): boolean {
  const code = ((error as { cause?: { code?: string } }).cause ?? (error as { code?: string })).code;
  // EPIPE: Caddy closed the connection before the request was written whole, so it applied nothing.
  return code === 'ECONNREFUSED' || code === 'ENOENT' || code === 'EPIPE';
}

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
  #changes: Promise<void> = Promise.resolve();
  #restored: (() => Promise<void>) | undefined;
  #restarting = false;
  /** The base names among the certificate subjects, as of the last whole load and the changes since. */
  #baseNames = new Set<string>();
  /** Whether base names get their certificates up front (a subjects list) rather than on demand. */
  #upFront = false;
  #adminRequests = 0;
  /** The @ids of the hosts' own routes Caddy has, as of the last whole load and the changes since. */
  #ownRoutes = new Set<string>();
  /** Base names whose certificate this edge has had Caddy obtain (a handshake each once is enough). */
  readonly #certified = new Set<string>();

  constructor(options: CaddyEdgeOptions) {
    this.#options = options;
    this.#paths = caddyPaths(options.config.dataDir);
    // No kept-alive connections: Caddy closes its admin connections whenever it applies a
    // configuration, and a request written to such a stale connection fails half-sent.
    this.#admin = new Agent({ connect: { socketPath: this.#paths.adminSocket }, pipelining: 0 });
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
      hostsDir: join(config.dataDir, 'hosts'),
      namesDir: join(config.dataDir, 'edge', 'names'),
      calls: config.calls?.enabled && config.baseDomain && config.apiPort ? {
        hostname: callsHostname(config.baseDomain),
        tokenServiceDial: new URL(certificatePermissionUrl(config.apiHost ?? '127.0.0.1', config.apiPort)).host,
        livekitDial: `127.0.0.1:${config.calls.signalPort}`,
      } : undefined,
    };
  }

  /** How many requests this edge sent to Caddy's admin API (what a host change costs, counted). */
  get adminRequests(): number {
    return this.#adminRequests;
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
    const first = initial ?? renderCaddyConfig({ ...this.baseConfigInput(), hosts: [] });
    await writeConfigFile(paths.configFile, first);
    this.#noteBaseNames(first);
    await this.#options.supervisor.ensureRunning(processKey, {
      command: this.#options.config.caddyBin,
      args: ['run', '--config', paths.configFile],
      cwd: paths.root,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: paths.home, XDG_DATA_HOME: paths.xdgData, XDG_CONFIG_HOME: paths.xdgConfig },
      pidFile: paths.pidFile,
      outputFile: paths.outputFile,
      onStateChange: (state) => this.#onStateChange(state),
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

  /**
   * `restore` is called whenever Caddy was restarted after it died: it came back with the last
   * whole configuration loaded, which lacks the host changes made one by one since, so the whole
   * configuration must be loaded again from where the hosts are kept.
   */
  whenRestarted(restore: () => Promise<void>): void {
    this.#restored = restore;
  }

  /** Replaces Caddy's whole configuration; changes run one at a time, in call order. */
  load(config: CaddyConfig): Promise<void> {
    return this.#queue(() => this.#load(config));
  }

  /**
   * Replaces, adds or (with undefined) removes one host's objects, leaving every other host's as
   * they are. Throws CaddyConfigRejected when Caddy refuses them; Caddy then keeps what it had.
   */
  async setHost(hostId: string, parts: EdgeHostParts | undefined): Promise<void> {
    const id = hostRouteId(hostId);
    const inStep = await this.#queue(async () => {
      if (!parts?.route) {
        // A host without a route of its own costs Caddy nothing; one that had one loses it.
        // Gone already is as good as removed. A removed host's name stays a subject (a filter
        // only, harmless) until the next whole load.
        if (this.#ownRoutes.has(id)) {
          await (await this.#adminCall(`/id/${id}`, { method: 'DELETE' })).body?.cancel();
          this.#ownRoutes.delete(id);
        }
        if (parts) await this.#certificateFor(parts.baseName);
        return true;
      }
      // The subject first: Caddy obtains the certificate of a newly routed name under its policy.
      if (this.#upFront) await this.#addBaseName(parts.baseName);
      const inStep = await this.#putRoute(id, parts.route);
      if (inStep) {
        this.#ownRoutes.add(id);
        if (!this.#upFront) this.#obtainCertificate(parts.baseName);
      }
      return inStep;
    });
    // Caddy without the edge's shared routes (started by hand, or a configuration of another
    // Homeport) is out of step: it gets the whole configuration, which holds this host too.
    if (!inStep) {
      this.#options.logger?.warn({ hostId }, 'the edge is out of step; loading the whole configuration');
      await this.#restored?.();
    }
  }

  /** A host's base name gets its certificate now (a handshake in the background), or its subject when certificates come up front. */
  async #certificateFor(baseName: string): Promise<void> {
    if (this.#upFront) await this.#addBaseName(baseName);
    else if (!this.#certified.has(baseName)) this.#obtainCertificate(baseName);
    this.#certified.add(baseName);
  }

  #queue<T>(change: () => Promise<T>): Promise<T> {
    const changing = this.#changes.then(change);
    this.#changes = changing.then(() => undefined, () => undefined);
    return changing;
  }

  #onStateChange(state: string): void {
    this.#options.logger?.info({ state }, 'edge process state');
    if (state === 'restarting') this.#restarting = true;
    if (state !== 'running' || !this.#restarting || !this.#restored) return;
    this.#restarting = false;
    const restore = this.#restored;
    this.#waitForAdmin(30_000).then(restore).catch((error: unknown) => {
      this.#options.logger?.error({ err: error }, 'the edge could not be restored after Caddy restarted');
    });
  }

  #noteBaseNames(config: CaddyConfig): void {
    const hostRoutes = config.apps.http.servers.edge?.routes ?? [];
    this.#ownRoutes = new Set(hostRoutes.flatMap((route) => (route['@id']?.startsWith('host-') && route['@id'] !== hostDefaultsRouteId ? [route['@id']] : [])));
    const policy = config.apps.tls.automation.policies.find((each) => each['@id'] === baseNamesPolicyId);
    this.#upFront = policy !== undefined;
    this.#baseNames = new Set(policy?.subjects ?? []);
  }

  /**
   * Has Caddy get a name's certificate now (on demand, so after asking Homeport) by a TLS
   * handshake naming it, so that the host's first client does not wait for it. In the background:
   * a name whose certificate is late is obtained at its first client's handshake anyway.
   */
  #obtainCertificate(name: string): void {
    const { edgeHost, edgeHttpsPort } = this.#options.config;
    const address = edgeHost === '' || edgeHost === '0.0.0.0' || edgeHost === '::' ? '127.0.0.1' : edgeHost;
    const socket = tlsConnect({ host: address, port: edgeHttpsPort, servername: name, rejectUnauthorized: false });
    socket.setTimeout(120_000, () => socket.destroy());
    socket.once('secureConnect', () => socket.destroy());
    socket.once('error', (error) => this.#options.logger?.warn({ name, err: error }, 'the edge has no certificate for a new host name yet'));
  }

  /**
   * Adds a subject without reading the list (which grows with the hosts): the names Caddy has are
   * known from the last whole load and the changes since.
   */
  async #addBaseName(name: string): Promise<void> {
    if (this.#baseNames.has(name)) return;
    await (await this.#adminCall(`${baseNamesPath}/0`, { method: 'PUT', body: JSON.stringify(name) }, true)).body?.cancel();
    this.#baseNames.add(name);
  }

  /** Sets the route with this @id: PATCH when present, inserted among the host routes when not. */
  async #putRoute(id: string, route: CaddyRoute): Promise<boolean> {
    const current = await this.#adminCall(`/id/${id}`, {});
    const present = current.ok;
    const text = await current.text();
    // Unchanged objects are left alone: each change makes Caddy reload.
    if (present && isDeepStrictEqual(parseJson(text), route)) return true;
    const method = present ? 'PATCH' : 'PUT';
    const response = await this.#adminCall(present ? `/id/${id}` : hostRoutesPath, { method, body: JSON.stringify(route) });
    if (response.ok) {
      await response.body?.cancel();
      return true;
    }
    const refused = await rejection(response);
    if (!present && this.#restored && !(await this.#adminCall(`/id/${hostDefaultsRouteId}`, {})).ok) return false;
    throw refused;
  }

  /** An admin request; with `mustSucceed`, Caddy's refusal is thrown as CaddyConfigRejected. */
  async #adminCall(path: string, init: { method?: string; body?: string }, mustSucceed = false): Promise<Response> {
    const deadline = Date.now() + adminRetryMs;
    let response: Response | undefined;
    while (!response) {
      try {
        this.#adminRequests++;
        response = await this.#adminRequest(path, { ...init, timeoutMs: loadTimeoutMs });
      } catch (error) {
        // Caddy closes and reopens its admin socket while it applies a configuration (another
        // replica's, or its own restart): a connection refused there never reached it, so the
        // same request is sent again for a little while.
        if (!neverSent(error) || Date.now() > deadline) {
          throw new Error(`Caddy's admin API on ${this.#paths.adminSocket} is unreachable; see ${this.#paths.outputFile}`, { cause: error });
        }
        await sleep(100);
      }
    }
    if (mustSucceed && !response.ok) throw await rejection(response);
    return response;
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
    await (await this.#adminCall('/load', { method: 'POST', body: JSON.stringify(config) }, true)).body?.cancel();
    this.#noteBaseNames(config);
    // A Caddy restarted after a crash starts from this file until Homeport restores the rest.
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

async function rejection(response: Response): Promise<CaddyConfigRejected> {
  const text = await response.text();
  const message = (parseJson(text) as { error?: string } | undefined)?.error ?? text;
  return new CaddyConfigRejected(`Caddy refused the edge configuration (HTTP ${response.status}): ${message}`);
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
