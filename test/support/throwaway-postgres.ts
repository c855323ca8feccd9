// A PostgreSQL cluster of its own for one test file: temp dir, free loopback port, trust auth, gone after stop().
import { execFile } from 'node:child_process';
import { chown, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { postgresTool } from './environment.ts';
import { freePort } from './port-blocks.ts';

const execFileAsync = promisify(execFile);

export interface ThrowawayPostgres {
  /** Loopback TCP port (listening on 127.0.0.1 only). */
  port: number;
  /** Directory of the Unix socket. */
  socketDir: string;
  /** Superuser role; every local connection is trusted, so no password. */
  superuser: string;
  /** Stops the cluster and deletes its files; safe to call twice. */
  stop(): Promise<void>;
  /** kill -9 of the postmaster, as a crash would; resolves once it is gone. */
  kill(): Promise<void>;
  /** Starts the killed cluster again (PostgreSQL recovers from its WAL). */
  start(): Promise<void>;
}

export { freePort };

// PostgreSQL refuses to run as root: when tests run as root, its tools run as the postgres user.
async function postgresUser(): Promise<{ uid: number; gid: number } | undefined> {
  if (process.getuid?.() !== 0) return undefined;
  const [uid, gid] = await Promise.all([
    execFileAsync('id', ['-u', 'postgres']),
    execFileAsync('id', ['-g', 'postgres']),
  ]).catch(() => {
    throw new Error('tests run as root, but there is no "postgres" user to run PostgreSQL as');
  });
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

/** `maxConnections`: PostgreSQL's max_connections (its default, 100, when not given). */
export async function startThrowawayPostgres(options: { maxConnections?: number } = {}): Promise<ThrowawayPostgres> {
  const dir = await mkdtemp(join(tmpdir(), 'homeport-pg-'));
  const dataDir = join(dir, 'data');
  const logFile = join(dir, 'postgres.log');
  const owner = await postgresUser();
  if (owner) await chown(dir, owner.uid, owner.gid);
  const run = (tool: string, args: string[]) => {
    const [file, fullArgs] = owner
      ? ['runuser', ['-u', 'postgres', '--', postgresTool(tool), ...args]]
      : [postgresTool(tool), args];
    // cwd = the temp dir: the postgres user may not be allowed into the caller's working directory.
    return execFileAsync(file, fullArgs, { cwd: dir });
  };
  const superuser = 'postgres';
  const port = await freePort();
  let running = false;
  const stop = async () => {
    if (running) {
      running = false;
      await run('pg_ctl', ['-D', dataDir, '-m', 'fast', '-w', 'stop']);
    }
    await rm(dir, { recursive: true, force: true });
  };
  // Durability settings off: the cluster dies with the test, and Synapse's schema loads faster.
  const serverOptions = `-p ${port} -k '${dir}' -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off${options.maxConnections ? ` -c max_connections=${options.maxConnections}` : ''}`;
  const start = async () => {
    await run('pg_ctl', ['-D', dataDir, '-l', logFile, '-o', serverOptions, '-w', 'start']);
    running = true;
  };
  const kill = async () => {
    const pid = Number((await readFile(join(dataDir, 'postmaster.pid'), 'utf8')).split('\n')[0]);
    process.kill(pid, 'SIGKILL');
    running = false;
    while (await readFile(`/proc/${pid}/stat`, 'utf8').then((stat) => !/\) Z /.test(stat), () => false)) {
      await new Promise((done) => setTimeout(done, 50));
    }
  };
  try {
    await run('initdb', ['-D', dataDir, '-U', superuser, '--auth=trust', '--encoding=UTF8', '--no-sync']);
    await start();
  } catch (error) {
    const log = await readFile(logFile, 'utf8').catch(() => '');
    await stop().catch(() => undefined);
    throw new Error(`throwaway PostgreSQL did not start: ${(error as Error).message}\n${log}`, { cause: error });
  }
  return { port, socketDir: dir, superuser, stop, kill, start };
}
