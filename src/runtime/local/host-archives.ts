// A host's data as files: its database dumped and restored with PostgreSQL's own tools (run as
// the host's role, so nothing needs more rights than the host has), and the sizes that estimate
// how long that takes (the media store's archive is media-archive.ts). Programs get argument
// arrays and passwords by environment, never a shell string.
import { execFile, spawn } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Transform } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { promisify } from 'node:util';
import pg from 'pg';
import { parse, stringify } from 'yaml';
import { findPostgresBinaries } from './postgres-binaries.ts';
import { synapseEnvironment } from './synapse-venv.ts';

const run = promisify(execFile);

export interface DatabaseAccess {
  host: string;
  port: number;
  name: string;
  user: string;
  password: string;
}

/** A database dump as found in an export or a self-hosted Synapse's files. */
import type { DumpFormat } from '../runtime.ts';

export type { DumpFormat };

async function postgresTool(name: 'pg_dump' | 'pg_restore' | 'psql'): Promise<string> {
  const binaries = await findPostgresBinaries();
  return binaries ? join(binaries.binDir, name) : name;
}

function environmentFor(database: DatabaseAccess): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    LANG: 'C.UTF-8',
    PGHOST: database.host,
    PGPORT: String(database.port),
    PGUSER: database.user,
    PGPASSWORD: database.password,
    PGDATABASE: database.name,
    PGCONNECT_TIMEOUT: '10',
  };
}

/** Runs a program and fails with the end of its standard error (which never holds the password). */
async function runTool(command: string, args: string[], options: { env?: NodeJS.ProcessEnv; cwd?: string; signal?: AbortSignal }): Promise<string> {
  try {
    const { stdout } = await run(command, args, { ...options, maxBuffer: 64 * 1024 * 1024 });
    return stdout;
  } catch (error) {
    const failed = error as { stderr?: string; message: string };
    const detail = (failed.stderr ?? '').trim().split('\n').slice(-5).join(' | ') || failed.message;
    throw new Error(`${command.split('/').at(-1)} failed: ${detail}`, { cause: error });
  }
}

export async function dumpDatabase(database: DatabaseAccess, dir: string, options: { excludeTableData?: string[]; signal?: AbortSignal } = {}): Promise<void> {
  await rm(dir, { recursive: true, force: true });
  await mkdir(dirname(dir), { recursive: true, mode: 0o700 });
  const args = ['--format=directory', '--no-owner', '--no-privileges', `--file=${dir}`];
  for (const table of options.excludeTableData ?? []) args.push(`--exclude-table-data=${table}`);
  await runTool(await postgresTool('pg_dump'), args, { env: environmentFor(database), signal: options.signal });
}

/** Restores into the (empty) database as its own role, which then owns every object. */
export async function restoreDatabase(database: DatabaseAccess, dump: { format: DumpFormat; path: string }, signal?: AbortSignal): Promise<void> {
  const env = environmentFor(database);
  if (dump.format !== 'plain-gzip') {
    await runTool(await postgresTool('pg_restore'), ['--no-owner', '--no-privileges', '--exit-on-error', `--dbname=${database.name}`, dump.path], { env, signal });
    return;
  }
  const psql = spawn(await postgresTool('psql'), ['--quiet', '--no-psqlrc', '-v', 'ON_ERROR_STOP=1', '--dbname', database.name], { env, signal, stdio: ['pipe', 'ignore', 'pipe'] });
  let stderr = '';
  psql.stderr.on('data', (chunk: Buffer) => { stderr = (stderr + chunk.toString()).slice(-4000); });
  const exited = new Promise<number | null>((resolve, reject) => {
    psql.once('error', reject);
    psql.once('exit', resolve);
  });
  await pipeline(createReadStream(dump.path), createGunzip(), withoutOwnersOrPrivileges(), psql.stdin).catch(() => undefined);
  const code = await exited;
  if (code !== 0) throw new Error(`psql failed: ${stderr.trim().split('\n').slice(-5).join(' | ')}`);
}

const ownerOrPrivilege = /^(ALTER [A-Z ]+ .* OWNER TO .*|GRANT .*|REVOKE .*|ALTER DEFAULT PRIVILEGES .*);$/;

/**
 * A plain SQL dump without its `OWNER TO`, `GRANT` and `REVOKE` statements, as pg_restore's
 * --no-owner --no-privileges does for the other formats: a self-hosted dump names roles (e.g.
 * synapse_user) that do not exist here. Table data (between `COPY ... FROM stdin;` and `\.`)
 * passes through untouched.
 */
export function withoutOwnersOrPrivileges(): Transform {
  const decoder = new StringDecoder('utf8');
  let rest = '';
  let inCopy = false;
  const filter = (line: string): string => {
    if (inCopy) {
      if (line === '\\.') inCopy = false;
      return line + '\n';
    }
    if (/^COPY .* FROM stdin;$/.test(line)) inCopy = true;
    return ownerOrPrivilege.test(line) ? '' : line + '\n';
  };
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      const lines = (rest + decoder.write(chunk)).split('\n');
      rest = lines.pop() ?? '';
      done(null, lines.map(filter).join(''));
    },
    flush(done) {
      rest += decoder.end();
      done(null, rest === '' ? '' : filter(rest).slice(0, -1));
    },
  });
}

/** The data of one table in a dump, as pg_restore prints it (COPY text format). */
export async function tableDataOfDump(dump: { format: 'directory' | 'custom'; path: string }, table: string): Promise<string> {
  return runTool(await postgresTool('pg_restore'), ['--data-only', `--table=${table}`, '--file=-', dump.path], {});
}

export async function directoryBytes(dir: string): Promise<number> {
  const stdout = await runTool('du', ['--summarize', '--bytes', dir], {}).catch(() => '0');
  return Number(stdout.split(/\s/)[0] ?? 0) || 0;
}

export async function databaseBytes(admin: pg.Pool, name: string): Promise<number> {
  const { rows } = await admin.query<{ size: string }>('SELECT pg_database_size($1)::text AS size', [name]);
  return Number(rows[0]?.size ?? 0);
}

export async function withDatabaseClient<T>(database: DatabaseAccess, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ host: database.host, port: database.port, user: database.user, password: database.password, database: database.name });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/**
 * Ports a SQLite homeserver.db into the (empty) PostgreSQL database with Synapse's own
 * `synapse_port_db`. It first runs every background update of the fresh PostgreSQL schema
 * (about 60) and sleeps `background_updates.sleep_duration_ms` (1 s by default) before each
 * batch: a minute of idling on even an empty database. It gets a copy of the host's config
 * that does not sleep; the running Synapse keeps the default.
 */
export async function portSqliteDatabase(input: { venvPython: string; sqliteFile: string; homeserverConfig: string; cwd: string; signal?: AbortSignal }): Promise<void> {
  const config = parse(await readFile(input.homeserverConfig, 'utf8')) as Record<string, unknown>;
  const background = (config.background_updates ?? {}) as Record<string, unknown>;
  const portConfig = join(dirname(input.homeserverConfig), 'port-db.homeserver.yaml');
  await writeFile(portConfig, stringify({ ...config, background_updates: { ...background, sleep_duration_ms: 1 } }), { mode: 0o600 });
  try {
    await runTool(input.venvPython, ['-m', 'synapse._scripts.synapse_port_db', '--sqlite-database', input.sqliteFile, '--postgres-config', portConfig], {
      cwd: input.cwd, signal: input.signal, env: synapseEnvironment(),
    });
  } finally {
    await rm(portConfig, { force: true });
  }
}

export async function postgresServerVersion(admin: pg.Pool): Promise<string> {
  const { rows } = await admin.query<{ server_version: string }>('SHOW server_version');
  return rows[0]?.server_version ?? 'unknown';
}
