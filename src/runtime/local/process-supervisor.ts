// Keeps long-running child processes (Synapse, Caddy) alive by key: starts or adopts them,
// restarts them with backoff when they crash, and stops them by process group.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { closeSync, fchmodSync, openSync, readFileSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '../../logger.ts';
import type { HostProcessState } from '../runtime.ts';

export interface ProcessSpec {
  command: string;
  args: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Outlives Homeport, so that the next Homeport adopts the process instead of starting another. */
  pidFile: string;
  /** Receives stdout and stderr; rotated before each start once it passes 10 MiB. */
  outputFile: string;
  onStateChange?(state: HostProcessState): void;
}

const maxOutputBytes = 10 * 1024 * 1024;
const keptOutputFiles = 5;
const stableUptimeMs = 60_000;
const adoptedPollMs = 500;
const exitPollMs = 100;
const killWaitMs = 5_000;

/** How long to wait before the next restart after `crashes` crashes in a row. */
export function restartDelayMs(crashes: number): number {
  return Math.min(1_000 * 2 ** crashes, 30_000);
}

interface Supervised {
  spec: ProcessSpec;
  state: HostProcessState;
  pid?: number;
  startedAt: number;
  crashes: number;
  /** The start (or restart) in progress or done; stop() waits for it before signalling. */
  ready: Promise<void>;
  restartTimer?: NodeJS.Timeout;
  adoptedPoll?: NodeJS.Timeout;
  stopping?: Promise<void>;
}

export class ProcessSupervisor {
  readonly #processes = new Map<string, Supervised>();
  readonly #logger: Logger | undefined;

  constructor(options: { logger?: Logger } = {}) {
    this.#logger = options.logger;
  }

  /**
   * Resolves once the process runs, started or adopted from the pid file. A key already
   * supervised keeps its process (and first spec); a key being stopped is started anew after.
   */
  async ensureRunning(key: string, spec: ProcessSpec): Promise<void> {
    for (let current = this.#processes.get(key); current; current = this.#processes.get(key)) {
      if (!current.stopping) return current.ready;
      await current.stopping.catch(() => undefined);
    }
    const entry: Supervised = { spec, state: 'stopped', startedAt: 0, crashes: 0, ready: Promise.resolve() };
    this.#processes.set(key, entry);
    this.#setState(entry, 'starting');
    entry.ready = this.#adoptOrSpawn(key, entry).catch((error: unknown) => {
      if (this.#processes.get(key) === entry) this.#processes.delete(key);
      this.#setState(entry, 'stopped');
      throw error;
    });
    return entry.ready;
  }

  state(key: string): HostProcessState {
    return this.#processes.get(key)?.state ?? 'stopped';
  }

  pid(key: string): number | undefined {
    return this.#processes.get(key)?.pid;
  }

  /** SIGTERM to the process group, SIGKILL after the timeout; the pid file goes too. */
  stop(key: string, timeoutMs = 20_000): Promise<void> {
    const entry = this.#processes.get(key);
    if (!entry) return Promise.resolve();
    entry.stopping ??= this.#terminate(key, entry, timeoutMs);
    return entry.stopping;
  }

  /**
   * Stops the process by its key, or, when this supervisor never took it on, the one an earlier
   * Homeport left running under the pid file: a host is cancelled even if it was never adopted.
   */
  async stopIncludingLeftOver(key: string, spec: Pick<ProcessSpec, 'command' | 'args' | 'pidFile'>, timeoutMs = 20_000): Promise<void> {
    await this.stop(key, timeoutMs);
    const pid = await adoptablePid(spec);
    if (pid !== undefined) {
      this.#logger?.info({ key, pid }, 'stopping a process left running by an earlier Homeport');
      await terminateGroup(pid, timeoutMs);
    }
    await rm(spec.pidFile, { force: true });
  }

  async stopAll(timeoutMs?: number): Promise<void> {
    await Promise.all([...this.#processes.keys()].map((key) => this.stop(key, timeoutMs)));
  }

  /** Stops watching without killing: the processes keep running for the next Homeport to adopt. */
  releaseAll(): void {
    for (const entry of this.#processes.values()) {
      clearTimeout(entry.restartTimer);
      clearInterval(entry.adoptedPoll);
    }
    this.#processes.clear();
  }

  async #adoptOrSpawn(key: string, entry: Supervised): Promise<void> {
    const pid = await adoptablePid(entry.spec);
    if (pid === undefined) return this.#spawn(key, entry);
    entry.pid = pid;
    entry.startedAt = Date.now();
    // Not our child: no exit event will come, so liveness is polled.
    entry.adoptedPoll = setInterval(() => {
      if (isAlive(pid)) return;
      clearInterval(entry.adoptedPoll);
      this.#exited(key, entry, pid, 'the adopted process is gone');
    }, adoptedPollMs);
    this.#setState(entry, 'running');
    this.#logger?.info({ key, pid }, 'adopted a running process');
  }

  async #spawn(key: string, entry: Supervised): Promise<void> {
    const { spec } = entry;
    entry.startedAt = Date.now();
    await mkdir(dirname(spec.outputFile), { recursive: true, mode: 0o700 });
    await rotateOutput(spec.outputFile);
    // Output holds requests, paths and errors: the owner's alone, also when an older file was wider.
    const output = openSync(spec.outputFile, 'a', 0o600);
    let child: ChildProcess;
    try {
      fchmodSync(output, 0o600);
      child = spawnOwnerOnly(spec, output);
      await once(child, 'spawn');
    } finally {
      closeSync(output);
    }
    const pid = child.pid as number;
    child.unref();
    child.on('error', (error) => this.#logger?.warn({ key, pid, err: error }, 'child process error'));
    child.once('exit', (code, signal) => this.#exited(key, entry, pid, `exited with ${signal ?? `code ${code}`}`));
    entry.pid = pid;
    this.#setState(entry, 'running');
    await writePidFile(spec.pidFile, pid);
    this.#logger?.info({ key, pid, command: spec.command }, 'started a process');
  }

  #exited(key: string, entry: Supervised, pid: number, reason: string): void {
    if (entry.pid !== pid) return;
    entry.pid = undefined;
    this.#scheduleRestart(key, entry, reason);
  }

  #scheduleRestart(key: string, entry: Supervised, reason: string): void {
    if (entry.stopping || this.#processes.get(key) !== entry) return;
    if (Date.now() - entry.startedAt >= stableUptimeMs) entry.crashes = 0;
    const delayMs = restartDelayMs(entry.crashes++);
    this.#logger?.warn({ key, reason, delayMs }, 'supervised process stopped unexpectedly; restarting');
    this.#setState(entry, 'restarting');
    entry.restartTimer = setTimeout(() => {
      entry.restartTimer = undefined;
      if (entry.stopping) return;
      entry.ready = this.#spawn(key, entry).catch((error: unknown) => {
        this.#scheduleRestart(key, entry, error instanceof Error ? error.message : String(error));
      });
    }, delayMs);
  }

  async #terminate(key: string, entry: Supervised, timeoutMs: number): Promise<void> {
    await entry.ready.catch(() => undefined);
    clearTimeout(entry.restartTimer);
    clearInterval(entry.adoptedPoll);
    const pid = entry.pid;
    if (pid !== undefined && !(await terminateGroup(pid, timeoutMs))) {
      this.#logger?.warn({ key, pid, timeoutMs }, 'process ignored SIGTERM; it was killed');
    }
    await rm(entry.spec.pidFile, { force: true });
    if (this.#processes.get(key) === entry) this.#processes.delete(key);
    entry.pid = undefined;
    this.#setState(entry, 'stopped');
  }

  #setState(entry: Supervised, state: HostProcessState): void {
    if (entry.state === state) return;
    entry.state = state;
    try {
      entry.spec.onStateChange?.(state);
    } catch (error) {
      this.#logger?.error({ err: error }, 'onStateChange failed');
    }
  }
}

/** The pid in the pid file, if that process still runs the expected command (pids get recycled). */
async function adoptablePid(spec: Pick<ProcessSpec, 'command' | 'args' | 'pidFile'>): Promise<number | undefined> {
  const recorded = Number((await readFile(spec.pidFile, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return '';
    throw error;
  })).trim());
  if (Number.isInteger(recorded) && recorded > 0 && isAlive(recorded) && runsCommand(recorded, spec.command, spec.args)) return recorded;
  // A Homeport killed between spawning and writing the pid file leaves a process no file names:
  // found by its command line, it is adopted rather than started a second time.
  return processRunningCommand(spec.command, spec.args);
}

async function processRunningCommand(command: string, args: string[]): Promise<number | undefined> {
  for (const entry of await readdir('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    if (isAlive(pid) && runsCommand(pid, command, args)) return pid;
  }
  return undefined;
}

function runsCommand(pid: number, command: string, args: string[]): boolean {
  const argv = readProc(pid, 'cmdline')?.split('\0').slice(0, -1);
  if (!argv || argv.length < args.length + 1) return false;
  // A script's interpreter comes first and its path is resolved, so compare the tail.
  const [program, ...rest] = argv.slice(argv.length - args.length - 1);
  return basename(program ?? '') === basename(command) && rest.every((arg, i) => arg === args[i]);
}

/** Alive and not a zombie waiting to be reaped. */
function isAlive(pid: number): boolean {
  const stat = readProc(pid, 'stat');
  if (stat === undefined) return false;
  // The state follows the command name in parentheses, which may itself contain ") ".
  return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
}

function readProc(pid: number, file: string): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/${file}`, 'utf8');
  } catch {
    return undefined;
  }
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  for (const target of [-pid, pid]) {
    try {
      process.kill(target, signal);
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
    }
  }
}

/** SIGTERM to the group, SIGKILL after the timeout; answers whether SIGTERM was enough. */
async function terminateGroup(pid: number, timeoutMs: number): Promise<boolean> {
  signalGroup(pid, 'SIGTERM');
  if (await waitForExit(pid, timeoutMs)) return true;
  signalGroup(pid, 'SIGKILL');
  await waitForExit(pid, killWaitMs);
  return false;
}

/**
 * Starts the program with umask 077, so the logs, sockets and files it creates itself (Synapse's
 * homeserver.log, Caddy's storage) are readable by Homeport's user only. Node's spawn has no
 * umask option; the child inherits the process's at the moment spawn() forks, synchronously.
 */
function spawnOwnerOnly(spec: ProcessSpec, output: number): ChildProcess {
  const previous = process.umask(0o077);
  try {
    // Its own process group: it survives Homeport being killed, and stop() reaches its children.
    return spawn(spec.command, spec.args, { cwd: spec.cwd, env: spec.env, detached: true, stdio: ['ignore', output, output] });
  } finally {
    process.umask(previous);
  }
}

async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (isAlive(pid)) {
    if (Date.now() >= deadline) return false;
    await sleep(exitPollMs);
  }
  return true;
}

async function writePidFile(file: string, pid: number): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  // A half-written pid file must never be read: write beside it, then rename over it.
  const temporary = `${file}.${process.pid}.tmp`;
  await writeFile(temporary, `${pid}\n`);
  await rename(temporary, file);
}

/** Keeps `file.1` (newest) to `file.5` (oldest) once the file passes 10 MiB. */
async function rotateOutput(file: string): Promise<void> {
  const size = await stat(file).then((info) => info.size, () => 0);
  if (size <= maxOutputBytes) return;
  for (let n = keptOutputFiles - 1; n >= 1; n--) {
    await rename(`${file}.${n}`, `${file}.${n + 1}`).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'ENOENT') throw error;
    });
  }
  await rename(file, `${file}.1`);
}
