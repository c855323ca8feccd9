// Finds the system's PostgreSQL server binaries (initdb, pg_ctl, postgres) and their version.
import { execFile } from 'node:child_process';
import { access, readdir } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface PostgresBinaries {
  binDir: string;
  majorVersion: number;
}

export const minimumPostgresMajor = 14;

async function executable(path: string): Promise<boolean> {
  return access(path).then(() => true, () => false);
}

async function candidateDirs(): Promise<string[]> {
  const fromPath = (process.env.PATH ?? '').split(delimiter).filter(Boolean);
  // Debian keeps the server binaries off PATH, one directory per major version.
  const debian = await readdir('/usr/lib/postgresql').catch(() => [] as string[]);
  const debianDirs = debian
    .filter((name) => /^\d+$/.test(name))
    .sort((a, b) => Number(b) - Number(a))
    .map((name) => join('/usr/lib/postgresql', name, 'bin'));
  return [...debianDirs, ...fromPath];
}

export async function findPostgresBinaries(): Promise<PostgresBinaries | undefined> {
  for (const dir of await candidateDirs()) {
    if (!(await executable(join(dir, 'initdb'))) || !(await executable(join(dir, 'pg_ctl')))) continue;
    const { stdout } = await run(join(dir, 'pg_ctl'), ['--version']).catch(() => ({ stdout: '' }));
    const major = Number(/(\d+)(\.\d+)?/.exec(stdout)?.[1] ?? 0);
    if (major >= minimumPostgresMajor) return { binDir: dir, majorVersion: major };
  }
  return undefined;
}
