// Creates the Python virtual environment with the pinned Synapse once and reuses it afterwards.
import { execFile, spawn } from 'node:child_process';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Logger } from '../../logger.ts';

const run = promisify(execFile);

export const synapseVersion = '1.163.2';
export const minimumPython: [number, number] = [3, 10];

export interface PythonCheck {
  ok: boolean;
  version?: string;
  problem?: string;
}

export async function checkPython(python: string): Promise<PythonCheck> {
  const probe = 'import sys, venv, ensurepip; print("%d.%d.%d" % sys.version_info[:3])';
  try {
    const { stdout } = await run(python, ['-c', probe]);
    const version = stdout.trim();
    const [major = 0, minor = 0] = version.split('.').map(Number);
    if (major < minimumPython[0] || (major === minimumPython[0] && minor < minimumPython[1])) {
      return { ok: false, version, problem: `Python ${version} is older than ${minimumPython.join('.')}` };
    }
    return { ok: true, version };
  } catch {
    return { ok: false, problem: `${python} with the venv and ensurepip modules was not found` };
  }
}

/**
 * The environment of every program run from the virtual environment. Synapse appends the git
 * branch and commit of the directory its package sits in to its version (matrix_common's
 * versionstring runs `git rev-parse` there); a venv inside a git checkout would publish
 * Homeport's own branch and commit in the `Server` header and the federation version. A GIT_DIR
 * that can never be a repository makes every such git call fail, wherever the venv lives.
 */
export function synapseEnvironment(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH ?? '/usr/bin:/bin', LANG: 'C.UTF-8', GIT_DIR: '/dev/null', ...extra };
}

export function venvPython(venv: string): string {
  return join(venv, 'bin', 'python');
}

async function installedVersion(venv: string): Promise<string | undefined> {
  return readFile(join(venv, '.homeport-synapse-version'), 'utf8').then((text) => text.trim(), () => undefined);
}

export function runLogged(command: string, args: string[], logger: Logger): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let tail = '';
    const keep = (chunk: Buffer) => { tail = (tail + chunk.toString()).slice(-4000); };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code === 0) return resolve();
      logger.error({ output: tail }, `${command} failed`);
      reject(new Error(`${command} ${args.join(' ')} exited with ${code}: ${tail.split('\n').slice(-5).join('\n')}`));
    });
  });
}

/** Synapse's optional parts hosts use: PostgreSQL, and OpenID Connect for single sign-on (authlib). */
const synapseExtras = 'postgres,oidc';
const extrasMarker = '.homeport-synapse-extras';

/** A venv of the right version made before an extra was needed gets it added, without a reinstall. */
async function ensureExtras(venv: string, logger: Logger): Promise<void> {
  const marker = join(venv, extrasMarker);
  if ((await readFile(marker, 'utf8').catch(() => '')).trim() === synapseExtras) return;
  logger.info({ venv, extras: synapseExtras }, 'adding Synapse\'s optional dependencies to its virtual environment (once)');
  await runLogged(venvPython(venv), ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', `matrix-synapse[${synapseExtras}]==${synapseVersion}`], logger);
  await writeFile(marker, synapseExtras + '\n');
}

/** Returns the venv's python, installing `matrix-synapse[postgres,oidc]==synapseVersion` when it is missing or another version. */
export async function ensureSynapseVenv(options: { venv: string; python: string; logger: Logger }): Promise<string> {
  const { venv, python, logger } = options;
  if ((await installedVersion(venv)) === synapseVersion) {
    await ensureExtras(venv, logger);
    return venvPython(venv);
  }
  const check = await checkPython(python);
  if (!check.ok) throw new Error(`${check.problem}; run \`homeport doctor\` for the install command`);
  logger.info({ venv, synapseVersion }, 'installing Synapse into a Python virtual environment (once)');
  await rm(venv, { recursive: true, force: true });
  await runLogged(python, ['-m', 'venv', venv], logger);
  await runLogged(venvPython(venv), ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', `matrix-synapse[${synapseExtras}]==${synapseVersion}`], logger);
  await writeFile(join(venv, '.homeport-synapse-version'), synapseVersion + '\n');
  await writeFile(join(venv, extrasMarker), synapseExtras + '\n');
  return venvPython(venv);
}
