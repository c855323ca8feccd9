// Benchmark: idle memory of one shared Synapse process (synapse-tenants.py) serving 1, 5, 10 and
// 25 hosts, against hosts in processes of their own, in one run, with the configuration Homeport
// renders and a PostgreSQL database per host. Prints figures and ratios, asserts nothing.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import pg from 'pg';
import { communityRateLimits } from '../src/domain/rate-limits.ts';
import { databasePoolFor } from '../src/domain/sizes.ts';
import { venvPython } from '../src/runtime/local/synapse-venv.ts';
import { generateHomeserverSecrets } from '../src/synapse/host-secrets.ts';
import { renderHomeserverConfig, renderLogConfig } from '../src/synapse/homeserver-config.ts';
import { waitForHealth } from '../src/synapse/synapse-http.ts';
import { synapseVenv } from '../test/support/environment.ts';
import { freePort, startThrowawayPostgres } from '../test/support/throwaway-postgres.ts';
import { homeserverPaths } from '../src/runtime/local/host-folder.ts';

const harness = resolve(import.meta.dirname, '..', 'src', 'runtime', 'local', 'synapse-tenants.py');
const python = venvPython(synapseVenv);
/** Long enough for start-up work (background updates, first caches) to settle. */
const settleMs = 20_000;
const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

// Each host holds up to cp_max (5) connections: 25 hosts need more than PostgreSQL's default 100.
const postgres = await startThrowawayPostgres({ maxConnections: 400 });
const admin = new pg.Client({ host: '127.0.0.1', port: postgres.port, user: postgres.superuser, database: 'postgres' });
await admin.connect();
const workDir = await mkdtemp(join(tmpdir(), 'bench-shared-'));

async function rssMiB(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1] ?? 0) / 1024;
}

async function connections(): Promise<number> {
  const { rows } = await admin.query<{ n: string }>("SELECT count(*) AS n FROM pg_stat_activity WHERE datname LIKE 'bench_host_%'");
  return Number(rows[0]?.n ?? 0);
}

/** Writes a host's files as Homeport would, on a copy of the prepared schema; returns its config and port. */
async function prepareHost(name: string, template: string | undefined): Promise<{ config: string; port: number; dir: string }> {
  const database = `bench_host_${name}`;
  await admin.query(`CREATE DATABASE ${database} ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE ${template ?? 'template0'}`);
  const dir = join(workDir, name);
  const paths = homeserverPaths(dir);
  await mkdir(paths.mediaStore, { recursive: true });
  const { signingKey, ...secrets } = generateHomeserverSecrets();
  const port = await freePort();
  await writeFile(paths.signingKey, signingKey);
  await writeFile(paths.logConfig, renderLogConfig({ paths }));
  await writeFile(paths.homeserverConfig, renderHomeserverConfig({
    serverName: `${name}.bench.localhost`, publicBaseUrl: `http://127.0.0.1:${port}/`, listener: { address: '127.0.0.1', port },
    database: { host: '127.0.0.1', port: postgres.port, name: database, user: postgres.superuser, password: 'trusted' },
    paths, secrets, seats: 10, maxUploadSize: '50M', rateLimits: communityRateLimits, databasePool: databasePoolFor('starter'),
    federation: { mode: 'open', allowedServers: [], trustedKeyServers: [] },
  }));
  return { config: paths.homeserverConfig, port, dir };
}

async function dropHost(name: string): Promise<void> {
  await admin.query(`DROP DATABASE bench_host_${name} WITH (FORCE)`);
  await rm(join(workDir, name), { recursive: true, force: true });
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  child.kill('SIGTERM');
  await new Promise((done) => child.once('exit', done));
}

function ownProcess(config: string, cwd: string): ChildProcess {
  return spawn(python, ['-m', 'synapse.app.homeserver', '--config-path', config], { cwd, stdio: 'ignore' });
}

/** The Synapse schema made once, copied into every host's database like Homeport's schema template. */
async function prepareTemplate(): Promise<string> {
  const host = await prepareHost('template', undefined);
  const child = ownProcess(host.config, host.dir);
  await waitForHealth(`http://127.0.0.1:${host.port}`, 300_000);
  await stopChild(child);
  await admin.query('ALTER DATABASE bench_host_template RENAME TO bench_template');
  return 'bench_template';
}

async function ownProcesses(count: number, template: string): Promise<{ rssMiB: number; connections: number }> {
  const names = Array.from({ length: count }, (_, index) => `own${count}x${index}`);
  const hosts = [];
  for (const name of names) hosts.push(await prepareHost(name, template));
  const children = hosts.map((host) => ownProcess(host.config, host.dir));
  try {
    await Promise.all(hosts.map((host) => waitForHealth(`http://127.0.0.1:${host.port}`, 600_000)));
    await sleep(settleMs);
    let total = 0;
    for (const child of children) total += await rssMiB(child.pid ?? 0);
    return { rssMiB: total, connections: await connections() };
  } finally {
    await Promise.all(children.map(stopChild));
    for (const name of names) await dropHost(name);
  }
}

async function sharedProcess(count: number, template: string): Promise<{ rssMiB: number; connections: number }> {
  const names = Array.from({ length: count }, (_, index) => `shared${count}x${index}`);
  const hosts = [];
  for (const name of names) hosts.push(await prepareHost(name, template));
  const processDir = join(workDir, `process-${count}`);
  await mkdir(join(processDir, 'tenants'), { recursive: true });
  for (const [index, host] of hosts.entries()) await writeFile(join(processDir, 'tenants', names[index] ?? ''), `${host.config}\n`);
  const child = spawn(python, [harness, '--process-dir', processDir], { cwd: processDir, stdio: 'ignore' });
  try {
    await Promise.all(hosts.map((host) => waitForHealth(`http://127.0.0.1:${host.port}`, 900_000)));
    await sleep(settleMs);
    return { rssMiB: await rssMiB(child.pid ?? 0), connections: await connections() };
  } finally {
    await stopChild(child);
    for (const name of names) await dropHost(name);
    await rm(processDir, { recursive: true, force: true });
  }
}

try {
  const template = await prepareTemplate();
  const own1 = await ownProcesses(1, template);
  const own5 = await ownProcesses(5, template);
  console.error(JSON.stringify({ own1, own5 }));
  const shared: Record<string, unknown> = {};
  for (const count of [1, 5, 10, 25]) {
    const measured = await sharedProcess(count, template);
    shared[`${count} hosts`] = {
      processRssMiB: Number(measured.rssMiB.toFixed(1)),
      rssPerHostMiB: Number((measured.rssMiB / count).toFixed(1)),
      databaseConnections: measured.connections,
      // Against the same number of hosts each in a process of its own (one own process's RSS × count).
      ratioToOwnProcesses: Number((measured.rssMiB / (own1.rssMiB * count)).toFixed(2)),
    };
    console.error(JSON.stringify({ [`${count} hosts`]: shared[`${count} hosts`] }));
  }
  console.log(JSON.stringify({
    ownProcess: { oneHostRssMiB: Number(own1.rssMiB.toFixed(1)), fiveHostsRssMiB: Number(own5.rssMiB.toFixed(1)), fiveHostsConnections: own5.connections },
    sharedProcess: shared,
  }, null, 2));
} finally {
  await admin.end();
  await postgres.stop();
  await rm(workDir, { recursive: true, force: true });
}
