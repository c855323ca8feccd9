// `homeport doctor`: checks every prerequisite and prints the exact command that installs a missing one.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { Config } from '../config.ts';
import { findPostgresBinaries, minimumPostgresMajor } from '../runtime/local/postgres-binaries.ts';
import { checkPython, minimumPython } from '../runtime/local/synapse-venv.ts';
import { S3BackupStore } from '../runtime/s3/s3-backup-store.ts';

const run = promisify(execFile);

export interface Check {
  name: string;
  ok: boolean;
  found: string;
  fix?: string;
}

async function version(command: string, args: string[]): Promise<string | undefined> {
  return run(command, args).then(({ stdout }) => stdout.trim(), () => undefined);
}

/** Caddy 2.6 (Debian 12's) and newer speak the admin API and JSON config Homeport writes. */
export const minimumCaddy: [number, number] = [2, 6];

export async function runChecks(config: Config): Promise<Check[]> {
  const checks: Check[] = [];
  const nodeMajor = Number(process.versions.node.split('.')[0]);
  checks.push({
    name: 'Node.js >= 24', ok: nodeMajor >= 24, found: process.version,
    fix: 'run Homeport through ./homeport, which installs Node.js 24 into .tools/ by itself',
  });

  const postgres = await findPostgresBinaries();
  checks.push({
    name: `PostgreSQL >= ${minimumPostgresMajor} server binaries`, ok: Boolean(postgres) || Boolean(config.databaseUrl),
    found: postgres ? `${postgres.majorVersion} in ${postgres.binDir}` : config.databaseUrl ? 'not needed: DATABASE_URL is set' : 'not found',
    fix: 'sudo apt-get install -y postgresql   (or set DATABASE_URL to an external PostgreSQL)',
  });

  const python = await checkPython(config.python);
  checks.push({
    name: `Python >= ${minimumPython.join('.')} with venv`, ok: python.ok, found: python.version ?? python.problem ?? 'not found',
    fix: 'sudo apt-get install -y python3 python3-venv',
  });

  const caddy = await version(config.caddyBin, ['version']);
  const [major = 0, minor = 0] = (/v?(\d+)\.(\d+)/.exec(caddy ?? '') ?? []).slice(1).map(Number);
  const caddyOk = major > minimumCaddy[0] || (major === minimumCaddy[0] && minor >= minimumCaddy[1]);
  checks.push({
    name: `Caddy >= ${minimumCaddy.join('.')} (2.6.2 from Debian 12 and 2.7-2.11 work)`, ok: caddyOk, found: caddy?.split(' ')[0] ?? 'not found',
    fix: 'sudo apt-get install -y caddy   (or set HOMEPORT_CADDY to a Caddy binary)',
  });

  if (config.calls.enabled) {
    const livekit = await version(config.calls.livekitBin, ['--version']);
    checks.push({
      name: 'LiveKit server (calls; 1.13.5 is the one built)', ok: livekit !== undefined, found: livekit?.split(' ').at(-1) ?? 'not found',
      fix: 'scripts/install-prerequisites.sh start   (builds it with Go; or set HOMEPORT_LIVEKIT, or HOMEPORT_CALLS=false)',
    });
  }
  return checks;
}

/**
 * With HOMEPORT_BACKUP_S3_BUCKET set: the bucket answers and takes an object under the prefix.
 * `doctor` only: `start` does not wait for (or refuse over) a store that may be down a moment.
 */
export async function backupStoreCheck(config: Pick<Config, 'backupS3'>): Promise<Check | undefined> {
  if (!config.backupS3) return undefined;
  const store = new S3BackupStore(config.backupS3);
  try {
    const problem = await store.check().then(() => undefined, (error: unknown) => (error instanceof Error ? error.message : String(error)));
    return {
      name: 'backup store reachable', ok: problem === undefined, found: problem ? `${store.description}: ${problem}` : `${store.description}: written to and read`,
      fix: 'check HOMEPORT_BACKUP_S3_ENDPOINT, _BUCKET (it must exist), _REGION and the credentials (_ACCESS_KEY_ID, _SECRET_ACCESS_KEY) and that they may write under _PREFIX',
    };
  } finally {
    store.close();
  }
}

export function formatChecks(checks: Check[]): string {
  return checks
    .map((check) => `${check.ok ? 'ok     ' : 'MISSING'} ${check.name}: ${check.found}${check.ok || !check.fix ? '' : `\n        install: ${check.fix}`}`)
    .join('\n');
}
