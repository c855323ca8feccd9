// Benchmark: a new host's time from "create" to the first successful Matrix login through the
// edge, against the cold start of a bare Synapse on an empty database with the same venv, in
// one run; and the idle memory of one host. Prints figures and ratios, asserts nothing.
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { communityRateLimits } from '../src/domain/rate-limits.ts';
import { databasePoolFor } from '../src/domain/sizes.ts';
import { generateHomeserverSecrets } from '../src/synapse/host-secrets.ts';
import { renderHomeserverConfig, renderLogConfig } from '../src/synapse/homeserver-config.ts';
import { waitForHealth } from '../src/synapse/synapse-http.ts';
import { synapseVersion, venvPython } from '../src/runtime/local/synapse-venv.ts';
import { templateDatabaseName } from '../src/runtime/local/synapse-schema-template.ts';
import { eventually } from '../test/support/eventually.ts';
import { synapseVenv } from '../test/support/environment.ts';
import { hostAdmin, hostHttpPort, openHomeportDatabase } from '../test/support/host-admin.ts';
import { HomeportProcess } from '../test/support/homeport-process.ts';
import { loginThroughEdge } from '../test/support/matrix-user.ts';
import { synapseProcesses } from '../test/support/processes.ts';
import { Agent, request } from 'undici';
import { closedLoop } from './load-generator.ts';
import { freePort } from '../test/support/throwaway-postgres.ts';
import { homeserverPaths } from '../src/runtime/local/host-folder.ts';

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

/** Starts a bare Synapse on a fresh, empty database in Homeport's PostgreSQL; returns ms until /health. */
async function bareSynapseColdStart(homeport: HomeportProcess, name: string): Promise<number> {
  const admin = await openHomeportDatabase(homeport, 'postgres');
  const dir = await mkdtemp(join(tmpdir(), 'bare-synapse-'));
  const database = { name: `bare_${name}`, user: `bare_${name}`, password: 'bare-password' };
  await admin.pool.query(`CREATE ROLE ${database.user} LOGIN PASSWORD '${database.password}'`);
  await admin.pool.query(`CREATE DATABASE ${database.name} ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0 OWNER ${database.user}`);
  const paths = homeserverPaths(dir);
  const { signingKey, ...secrets } = generateHomeserverSecrets();
  const httpPort = await freePort();
  await writeFile(paths.signingKey, signingKey);
  await writeFile(paths.logConfig, renderLogConfig({ paths }));
  await writeFile(paths.homeserverConfig, renderHomeserverConfig({
    serverName: `${name}.bare.localhost`, publicBaseUrl: `http://127.0.0.1:${httpPort}/`, listener: { address: '127.0.0.1', port: httpPort },
    database: { host: '127.0.0.1', port: Number(homeport.env.HOMEPORT_PG_PORT), ...database }, paths, secrets, seats: 10, maxUploadSize: '50M', rateLimits: communityRateLimits, databasePool: databasePoolFor('starter'),
    federation: { mode: 'open', allowedServers: [], trustedKeyServers: [] },
  }));
  const started = performance.now();
  const child = spawn(venvPython(synapseVenv), ['-m', 'synapse.app.homeserver', '--config-path', paths.homeserverConfig], { cwd: dir, stdio: 'ignore' });
  await waitForHealth(`http://127.0.0.1:${httpPort}`, 300_000);
  const elapsed = performance.now() - started;
  child.kill('SIGTERM');
  await new Promise((done) => child.once('exit', done));
  await admin.pool.query(`DROP DATABASE ${database.name}`);
  await admin.pool.query(`DROP ROLE ${database.user}`);
  await admin.close();
  await rm(dir, { recursive: true, force: true });
  return elapsed;
}

interface StepTimes { name: string; startedAt: string | null; finishedAt: string | null }

async function createToFirstLogin(homeport: HomeportProcess, token: string, label: string): Promise<{ ms: number; hostId: string; steps: Record<string, number> }> {
  const started = performance.now();
  const created = await homeport.api<{ host: { id: string }; job: { id: string } }>('POST', '/api/v1/hosts', { token, body: { label, size: 'starter', seats: 10 } });
  const hostId = created.body.host.id;
  for (;;) {
    const { body } = await homeport.api<{ status: string }>('GET', `/api/v1/hosts/${hostId}`, { token });
    if (body.status === 'running') break;
    if (body.status === 'failed') throw new Error('the build failed');
    await sleep(50);
  }
  const admin = await hostAdmin(homeport, hostId);
  await admin.upsertUser(`@first:${label}.${homeport.baseDomain}`, { password: 'first login password' });
  await loginThroughEdge(homeport, label, 'first', 'first login password');
  const ms = performance.now() - started;
  const job = await homeport.api<{ steps: StepTimes[] }>('GET', `/api/v1/jobs/${created.body.job.id}`, { token });
  const steps = Object.fromEntries(job.body.steps.map((step) => [step.name, Date.parse(step.finishedAt ?? '') - Date.parse(step.startedAt ?? '')]));
  return { ms, hostId, steps };
}

/** /_matrix/client/versions with 16 requests in flight: straight to Synapse, then through the edge over TLS. */
async function edgeVersusDirect(homeport: HomeportProcess, hostId: string): Promise<{ direct: number; edge: number; ratio: number }> {
  const httpPort = await hostHttpPort(homeport, hostId);
  const ca = await readFile(homeport.caddyRootCertificatePath(), 'utf8');
  const plain = new Agent({ connections: 16 });
  const tls = new Agent({ connections: 16, connect: { ca, servername: `acme.${homeport.baseDomain}` } });
  const get = (url: string, dispatcher: Agent, host?: string) => async () => {
    const response = await request(url, { dispatcher, headers: host ? { host } : {} });
    await response.body.dump();
    return response.statusCode === 200;
  };
  const direct = get(`http://127.0.0.1:${httpPort}/_matrix/client/versions`, plain);
  const edge = get(`https://127.0.0.1:${homeport.edgePort}/_matrix/client/versions`, tls, `acme.${homeport.baseDomain}:${homeport.edgePort}`);
  await closedLoop(16, 2, direct);
  await closedLoop(16, 2, edge);
  const directRate = await closedLoop(16, 8, direct);
  const edgeRate = await closedLoop(16, 8, edge);
  await plain.close();
  await tls.close();
  return { direct: directRate.perSecond, edge: edgeRate.perSecond, ratio: Number((edgeRate.perSecond / directRate.perSecond).toFixed(2)) };
}

async function rssMiB(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1] ?? 0) / 1024;
}

const homeport = await HomeportProcess.create('bench');
try {
  await homeport.start();
  const token = await homeport.createAccount('bench@example.org');
  // Measure the installation's steady state: the Synapse schema template is prepared once after
  // the first start, in the background, and must not compete with the baseline for the CPU.
  await eventually(async () => {
    const postgres = await openHomeportDatabase(homeport, 'postgres');
    const { rows } = await postgres.pool.query('SELECT 1 FROM pg_database WHERE datname = $1 AND datistemplate', [templateDatabaseName(synapseVersion)]);
    await postgres.close();
    if (rows.length === 0) throw new Error('the schema template is not ready yet');
  }, 300_000, 500);
  await bareSynapseColdStart(homeport, 'warmup');
  const bare = await bareSynapseColdStart(homeport, 'measured');
  const host = await createToFirstLogin(homeport, token, 'acme');
  await sleep(15_000);
  const [pid] = await synapseProcesses(homeport.dataDir, host.hostId);
  const idle = pid ? await rssMiB(pid) : Number.NaN;
  const throughput = await edgeVersusDirect(homeport, host.hostId);
  const postgres = await openHomeportDatabase(homeport, 'postgres');
  const { rows } = await postgres.pool.query<{ n: string }>("SELECT count(*) AS n FROM pg_stat_activity WHERE datname LIKE 'host_acme%'");
  await postgres.close();
  const pgConnections = Number(rows[0]?.n ?? 0);
  console.log(JSON.stringify({
    bareSynapseColdStartMs: Math.round(bare),
    createToFirstLoginMs: Math.round(host.ms),
    ratio: Number((host.ms / bare).toFixed(2)),
    targetRatio: 1.5,
    idleHostRssMiB: Number(idle.toFixed(1)),
    idleHostDatabaseConnections: pgConnections,
    buildStepMs: host.steps,
    clientApiRequestsPerSecond: throughput,
  }, null, 2));
} finally {
  await homeport.cleanup();
}
