// Hosts that share a Synapse process: each process is synapse-tenants.py serving the hosts listed
// in `<data dir>/shared-synapse/<group>-<n>/tenants/`, supervised like any other process (a crash
// restarts it with all its tenants, and only it). The tenant files are the runtime's record of
// which process serves a host, so a restarted Homeport finds and adopts the same arrangement.
import { createConnection } from 'node:net';
import { mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '../../logger.ts';
import type { SizePlacement } from '../../domain/sizes.ts';
import type { HostProcessState } from '../runtime.ts';
import type { ProcessSupervisor } from './process-supervisor.ts';
import type { SynapseReleases } from './synapse-releases.ts';
import { synapseEnvironment, synapseVersion as pinnedRelease } from './synapse-venv.ts';

const harnessScript = fileURLToPath(new URL('./synapse-tenants.py', import.meta.url));
const statusPollMs = 1_000;
/** A sync stops tenants (each closes its listeners and database pool) before it answers. */
const syncTimeoutMs = 120_000;
/** A freshly spawned process imports Synapse before its control socket answers. */
const controlSocketWaitMs = 120_000;
/**
 * A tenant's database connection unused this long is closed by its process (synapse-tenants.py),
 * and opened again by the next work that needs one: an idle host holds no connection most of the
 * time (docs/density-shared-processes.md, "Idle tenants").
 */
const idleConnectionSeconds = 2;

export interface TenantStatus {
  state: 'starting' | 'running' | 'failed';
  failures: number;
  error: string | null;
}

export interface SharedSynapseOptions {
  /** `<data dir>/shared-synapse` */
  dir: string;
  supervisor: ProcessSupervisor;
  /** A process runs one release; its venv is found here. */
  releases: Pick<SynapseReleases, 'pythonPathOf'>;
  logger: Logger;
  /** A host's state changed because its process or its tenant did. */
  onHostState(hostId: string, state: HostProcessState): void;
}

type SharedPlacement = Extract<SizePlacement, { kind: 'shared' }>;

export class SharedSynapseProcesses {
  readonly #options: SharedSynapseOptions;
  /** Host → the process that serves it, learnt when it is started (or adopted) through this runtime. */
  readonly #processOf = new Map<string, string>();
  readonly #status = new Map<string, TenantStatus>();
  readonly #polls = new Map<string, NodeJS.Timeout>();
  /** Hosts per process of each group, learnt from the sizes of the hosts started here. */
  readonly #roomOf = new Map<string, number>();
  /** Hosts whose tenants run their background tasks less often: their hosts sleep. */
  readonly #quiet = new Set<string>();
  /** Choosing a process and writing the tenant file happen one host at a time, so no process is filled past its limit. */
  #placing: Promise<unknown> = Promise.resolve();

  constructor(options: SharedSynapseOptions) {
    this.#options = options;
  }

  /**
   * Adds the host to a process of its group and release (the one already listing it, else one
   * with room, a running one first, else a new one) and starts it there. A host of another
   * release than its process's leaves that process first: hosts share a process with hosts of the
   * same release only.
   */
  async start(hostId: string, homeserverConfig: string, placement: SharedPlacement, release: string): Promise<void> {
    const listing = await this.#processListing(hostId);
    if (listing && releaseOf(listing) !== release) await this.stop(hostId);
    const together: SharedPlacement = { ...placement, group: groupFor(placement.group, release) };
    this.#roomOf.set(together.group, together.hostsTogether);
    const name = await this.#exclusively(async () => {
      const chosen = (await this.#processListing(hostId)) ?? (await this.#processWithRoom(together));
      await writeTenantFile(this.#tenantsDir(chosen), hostId, homeserverConfig);
      return chosen;
    });
    this.#processOf.set(hostId, name);
    await this.#ensureProcess(name);
    this.#acceptStatus(name, await this.#request(name, 'sync'));
    this.#keepRoomWarm(together).catch((error: unknown) => {
      this.#options.logger.warn({ err: error, group: together.group }, 'starting a spare shared Synapse process failed');
    });
  }

  /**
   * Starts an empty process of the group when its running processes are nearly full, so that the
   * next hosts (waking ones above all) become tenants of a warm process instead of waiting for one.
   */
  async #keepRoomWarm(placement: SharedPlacement): Promise<void> {
    const spare = await this.#exclusively(async () => {
      const ofGroup = (await this.#processNames()).filter((name) => groupOf(name) === placement.group);
      let warmRoom = 0;
      const coldWithRoom: string[] = [];
      for (const name of ofGroup) {
        const room = placement.hostsTogether - (await this.#tenantsOf(name)).length;
        if (this.#isRunning(name)) warmRoom += Math.max(0, room);
        else if (room > 0) coldWithRoom.push(name);
      }
      if (warmRoom >= warmRoomWanted(placement.hostsTogether)) return undefined;
      const name = coldWithRoom[0] ?? `${placement.group}-${Math.max(0, ...ofGroup.map(numberOf)) + 1}`;
      await mkdir(this.#tenantsDir(name), { recursive: true, mode: 0o700 });
      return name;
    });
    if (spare) await this.#ensureProcess(spare);
  }

  /** Removes the host from whichever process lists it; resolves once its tenant has stopped (its ports are free). */
  async stop(hostId: string): Promise<void> {
    const name = (await this.#processListing(hostId));
    this.#processOf.delete(hostId);
    this.#status.delete(hostId);
    this.#quiet.delete(hostId);
    if (!name) return;
    const emptied = await this.#exclusively(async () => {
      await rm(join(this.#tenantsDir(name), hostId), { force: true });
      if ((await this.#tenantsOf(name)).length > 0) return false;
      // The group's last warm room stays: a sleeping host of the group wakes into it as a tenant
      // (2 to 3 s on the loaded machine) instead of a new Python process importing Synapse (13 s and more).
      if (await this.#isWarmSpare(name)) return false;
      // Otherwise the last tenant gone, so is the process: an empty one would only hold memory.
      await this.#options.supervisor.stopIncludingLeftOver(processKey(name), this.processCommand(name));
      clearInterval(this.#polls.get(name));
      this.#polls.delete(name);
      return true;
    });
    if (emptied) return;
    // Also a process an earlier Homeport left running is told, or it would go on serving the host.
    await this.#ensureProcess(name);
    this.#acceptStatus(name, await this.#request(name, 'sync'));
  }

  /**
   * A quiet tenant runs its periodic background tasks ten times less often, so it needs a
   * database connection rarely: for hosts that sleep. Told to the process at once and repeated
   * with every status poll, so a restarted process converges.
   */
  async setQuiet(hostId: string, quiet: boolean): Promise<void> {
    if (quiet === this.#quiet.has(hostId)) return;
    if (quiet) this.#quiet.add(hostId);
    else this.#quiet.delete(hostId);
    const name = this.#processOf.get(hostId);
    if (!name || !this.#isRunning(name)) return;
    this.#acceptStatus(name, await this.#request(name, 'status', 5_000));
  }

  /** The host's state if a shared process serves it, else undefined. */
  state(hostId: string): HostProcessState | undefined {
    const name = this.#processOf.get(hostId);
    if (!name) return undefined;
    const processState = this.#options.supervisor.state(processKey(name));
    if (processState !== 'running') return processState;
    const tenant = this.#status.get(hostId);
    if (!tenant || tenant.state === 'starting') return 'starting';
    return tenant.state === 'running' ? 'running' : 'restarting';
  }

  /** Every shared process: its pid (undefined when it does not run) and the hosts placed in it. */
  async processes(): Promise<Array<{ name: string; pid: number | undefined; hostIds: string[] }>> {
    return Promise.all((await this.#processNames()).map(async (name) => ({
      name, pid: this.#options.supervisor.pid(processKey(name)), hostIds: await this.#tenantsOf(name),
    })));
  }

  /** Why the host's tenant last failed to start (the process's output is every tenant's, and not shown). */
  lastError(hostId: string): string | undefined {
    return this.#status.get(hostId)?.error ?? undefined;
  }

  async #ensureProcess(name: string): Promise<void> {
    const dir = this.#processDir(name);
    await this.#options.supervisor.ensureRunning(processKey(name), {
      ...this.processCommand(name),
      cwd: dir,
      env: synapseEnvironment({ PYTHONUNBUFFERED: '1' }),
      outputFile: join(dir, 'console.log'),
      onStateChange: (state) => {
        // Every tenant of the process shares its fate; a tenant's own state comes from the poll.
        if (state === 'running') return;
        for (const [hostId, processName] of this.#processOf) {
          if (processName !== name) continue;
          this.#status.delete(hostId);
          this.#options.onHostState(hostId, state);
        }
      },
    });
    // Unreferenced: the poll never keeps a stopping Homeport alive.
    if (!this.#polls.has(name)) this.#polls.set(name, setInterval(() => this.#poll(name), statusPollMs).unref());
  }

  /** How a shared process is started, and so recognised in /proc after a restart of Homeport. */
  processCommand(name: string): { command: string; args: string[]; pidFile: string } {
    return {
      command: this.#options.releases.pythonPathOf(releaseOf(name)),
      args: [harnessScript, '--process-dir', this.#processDir(name), '--idle-connection-seconds', String(idleConnectionSeconds)],
      pidFile: join(this.#processDir(name), 'supervisor.pid'),
    };
  }

  #poll(name: string): void {
    if (this.#options.supervisor.state(processKey(name)) !== 'running') return;
    this.#request(name, 'status', 5_000).then((reply) => this.#acceptStatus(name, reply), () => undefined);
  }

  #acceptStatus(name: string, reply: Record<string, TenantStatus>): void {
    for (const [hostId, status] of Object.entries(reply)) {
      if (this.#processOf.get(hostId) !== name) continue;
      const before = this.#status.get(hostId);
      this.#status.set(hostId, status);
      // Polls may miss a retry: every failure counts, as every crash of a process does.
      const newFailures = status.state === 'failed' ? status.failures - (before?.failures ?? 0) : 0;
      for (let failure = 0; failure < newFailures; failure++) this.#options.onHostState(hostId, 'restarting');
      if (status.state === 'running' && before?.state !== 'running') this.#options.onHostState(hostId, 'running');
    }
  }

  /** One request on the process's control socket; waits for the socket while the process starts. */
  async #request(name: string, op: 'sync' | 'status', timeoutMs = syncTimeoutMs): Promise<Record<string, TenantStatus>> {
    const socketPath = join(this.#processDir(name), 'control.sock');
    const deadline = Date.now() + (op === 'sync' ? controlSocketWaitMs : 0);
    const quiet = [...this.#quiet].filter((hostId) => this.#processOf.get(hostId) === name);
    for (;;) {
      try {
        return await controlRequest(socketPath, { op, quiet }, timeoutMs);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if ((code !== 'ENOENT' && code !== 'ECONNREFUSED') || Date.now() > deadline) throw error;
        await sleep(250);
      }
    }
  }

  #exclusively<T>(work: () => Promise<T>): Promise<T> {
    const result = this.#placing.then(work);
    this.#placing = result.catch(() => undefined);
    return result;
  }

  async #processNames(): Promise<string[]> {
    const entries = await readdir(this.#options.dir, { withFileTypes: true }).catch(() => []);
    return entries.filter((entry) => entry.isDirectory()).map((entry) => entry.name).sort(byGroupAndNumber);
  }

  async #tenantsOf(name: string): Promise<string[]> {
    return (await readdir(this.#tenantsDir(name)).catch(() => [])).filter((file) => !file.startsWith('.'));
  }

  async #processListing(hostId: string): Promise<string | undefined> {
    const known = this.#processOf.get(hostId);
    if (known && (await this.#tenantsOf(known)).includes(hostId)) return known;
    for (const name of await this.#processNames()) {
      if ((await this.#tenantsOf(name)).includes(hostId)) return name;
    }
    return undefined;
  }

  async #processWithRoom(placement: SharedPlacement): Promise<string> {
    const ofGroup = (await this.#processNames()).filter((name) => groupOf(name) === placement.group);
    const withRoom: string[] = [];
    for (const name of ofGroup) {
      if ((await this.#tenantsOf(name)).length < placement.hostsTogether) withRoom.push(name);
    }
    // A running process first: the host is then a tenant start, not a process start.
    const chosen = withRoom.find((name) => this.#isRunning(name)) ?? withRoom[0];
    if (chosen) return chosen;
    const next = Math.max(0, ...ofGroup.map(numberOf)) + 1;
    const name = `${placement.group}-${next}`;
    await mkdir(this.#tenantsDir(name), { recursive: true, mode: 0o700 });
    return name;
  }

  #isRunning(name: string): boolean {
    return this.#options.supervisor.state(processKey(name)) === 'running';
  }

  /** Whether the running, now empty process is the only room its group has in a running process. */
  async #isWarmSpare(name: string): Promise<boolean> {
    const room = this.#roomOf.get(groupOf(name));
    if (room === undefined || !this.#isRunning(name)) return false;
    for (const other of await this.#processNames()) {
      if (other === name || groupOf(other) !== groupOf(name) || !this.#isRunning(other)) continue;
      if ((await this.#tenantsOf(other)).length < room) return false;
    }
    return true;
  }

  #processDir(name: string): string {
    return join(this.#options.dir, name);
  }

  #tenantsDir(name: string): string {
    return join(this.#processDir(name), 'tenants');
  }
}

/** Free places a group keeps in running processes: a fifth of a process, at least one. */
function warmRoomWanted(hostsTogether: number): number {
  return Math.max(1, Math.ceil(hostsTogether / 5));
}

function processKey(name: string): string {
  return `shared:${name}`;
}

/**
 * A process's group is its size's group and its release: `<group>@<release>`, except for the
 * pinned release, whose processes keep the names they had before there were several releases.
 */
function groupFor(sizeGroup: string, release: string): string {
  return release === pinnedRelease ? sizeGroup : `${sizeGroup}@${release}`;
}

function releaseOf(name: string): string {
  const group = groupOf(name);
  const at = group.indexOf('@');
  return at < 0 ? pinnedRelease : group.slice(at + 1);
}

/** Size names are lowercase letters, digits and hyphens: the number follows the last hyphen. */
function groupOf(name: string): string {
  return name.slice(0, name.lastIndexOf('-'));
}

function numberOf(name: string): number {
  return Number(name.slice(name.lastIndexOf('-') + 1)) || 0;
}

function byGroupAndNumber(a: string, b: string): number {
  return groupOf(a).localeCompare(groupOf(b)) || numberOf(a) - numberOf(b);
}

async function writeTenantFile(dir: string, hostId: string, homeserverConfig: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  // Dot-named while written: the process never reads half a file.
  const temporary = join(dir, `.${hostId}.${process.pid}.tmp`);
  await writeFile(temporary, `${homeserverConfig}\n`, { mode: 0o600 });
  await rename(temporary, join(dir, hostId));
}

function controlRequest(socketPath: string, request: { op: 'sync' | 'status'; quiet: string[] }, timeoutMs: number): Promise<Record<string, TenantStatus>> {
  const { op } = request;
  return new Promise((resolve, reject) => {
    const socket = createConnection(socketPath);
    let answer = '';
    socket.setTimeout(timeoutMs, () => socket.destroy(new Error(`${socketPath} did not answer ${op} within ${timeoutMs} ms`)));
    socket.on('connect', () => socket.write(`${JSON.stringify(request)}\n`));
    socket.on('data', (chunk) => {
      answer += chunk.toString('utf8');
      const end = answer.indexOf('\n');
      if (end < 0) return;
      socket.end();
      try {
        const parsed = JSON.parse(answer.slice(0, end)) as { tenants?: Record<string, TenantStatus>; error?: string };
        if (parsed.tenants) resolve(parsed.tenants);
        else reject(new Error(`the shared Synapse process refused ${op}: ${parsed.error}`));
      } catch (error) {
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    });
    socket.on('error', reject);
    socket.on('close', () => reject(new Error(`${socketPath} closed without answering ${op}`)));
  });
}
