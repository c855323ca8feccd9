// Where tests find the tools they run for real: Synapse's virtual environment and PostgreSQL's binaries.
import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const repoRoot = resolve(import.meta.dirname, '..', '..');

/** HOMEPORT_SYNAPSE_VENV, or the venv the setup script creates under .cache/. */
export const synapseVenv = resolve(process.env.HOMEPORT_SYNAPSE_VENV || join(repoRoot, '.cache', 'synapse-venv'));

// Debian/Ubuntu keep initdb and pg_ctl off PATH, under /usr/lib/postgresql/<major>/bin.
function newestDebianPostgresBin(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const majors = readdirSync(root).filter((name) => /^\d+$/.test(name)).sort((a, b) => Number(b) - Number(a));
  return majors.map((major) => join(root, major, 'bin')).find((dir) => existsSync(join(dir, 'initdb')));
}

/** HOMEPORT_PG_BIN, the newest Debian-style install, or '' to use PATH. */
export const postgresBin = process.env.HOMEPORT_PG_BIN || newestDebianPostgresBin() || '';

export function postgresTool(name: string): string {
  return postgresBin ? join(postgresBin, name) : name;
}
