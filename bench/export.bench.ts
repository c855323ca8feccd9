// Benchmark: export throughput (MB/s of database + media while Synapse is stopped) against a
// plain `pg_dump -Fd` plus `tar -czf` of the same data in the same run. Prints figures and the
// ratio, asserts nothing.
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { PostgresCluster } from '../src/runtime/local/postgres-cluster.ts';
import { findPostgresBinaries } from '../src/runtime/local/postgres-binaries.ts';
import { createLogger } from '../src/logger.ts';
import { randomBytes } from 'node:crypto';
import { hostAdmin, openHomeportDatabase } from '../test/support/host-admin.ts';
import { HomeportProcess } from '../test/support/homeport-process.ts';
import { loginThroughEdge } from '../test/support/matrix-user.ts';

const run = promisify(execFile);
const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));
const MB = 1_000_000;

interface StepTimes { name: string; startedAt: string | null; finishedAt: string | null }

const homeport = await HomeportProcess.create('bench-export');
const scratch = await mkdtemp(join(tmpdir(), 'export-bench-'));
try {
  await homeport.start();
  const token = await homeport.createAccount('bench@example.org');
  const built = await homeport.cli(['host', 'create', 'acme', '--size', 'starter', '--seats', '10', '--wait'], token);
  if (built.code !== 0) throw new Error(built.stdout + built.stderr);
  const hostId = (await homeport.api<{ id: string }>('GET', '/api/v1/hosts/acme', { token })).body.id;

  // Data: a room with messages and 40 MB of uploaded media through a real client, and 100 MB of
  // rows in the host's own database, so both copies have something to move.
  const admin = await hostAdmin(homeport, hostId);
  await admin.upsertUser(`@bench:acme.${homeport.baseDomain}`, { password: 'bench password long' });
  const client = await loginThroughEdge(homeport, 'acme', 'bench', 'bench password long');
  const { room_id: roomId } = await client.createRoom({ name: 'bench' });
  for (let index = 0; index < 200; index += 1) await client.sendTextMessage(roomId, `bench message ${index} ${randomBytes(64).toString('hex')}`);
  for (let index = 0; index < 8; index += 1) await client.uploadContent(new Uint8Array(randomBytes(5 * MB)), { type: 'application/octet-stream', name: `blob-${index}` });
  const opened = await openHomeportDatabase(homeport);
  const host = await opened.db.selectFrom('hosts').select(['database_name']).where('id', '=', hostId).executeTakeFirstOrThrow();
  await opened.close();
  const hostDb = await openHomeportDatabase(homeport, host.database_name);
  await hostDb.pool.query('CREATE TABLE bench_filler (id serial PRIMARY KEY, body text)');
  // The host's role owns its tables (it dumps them); this connection is the cluster's superuser.
  await hostDb.pool.query(`ALTER TABLE bench_filler OWNER TO "${host.database_name}"`);
  await hostDb.pool.query("INSERT INTO bench_filler (body) SELECT md5(random()::text) || repeat(md5(random()::text), 30) FROM generate_series(1, 100000)");
  await hostDb.close();

  // Homeport's export, its dump and archive steps timed by the job itself.
  const started = await homeport.api<{ export: { id: string }; job: { id: string }; estimate: { databaseBytes: number; mediaBytes: number; downtimeSeconds: number } }>('POST', '/api/v1/hosts/acme/exports', { token, body: {} });
  if (started.status !== 202) throw new Error(`the export did not start: ${JSON.stringify(started.body)}`);
  const jobStarted = performance.now();
  let steps: StepTimes[] = [];
  for (;;) {
    const job = (await homeport.api<{ status: string; error: string | null; steps: StepTimes[] }>('GET', `/api/v1/jobs/${started.body.job.id}`, { token })).body;
    if (job.status === 'failed') throw new Error(`the export failed: ${job.error}`);
    if (job.status === 'succeeded') {
      steps = job.steps;
      break;
    }
    await sleep(100);
  }
  const exportMs = performance.now() - jobStarted;
  const stepMs = (name: string) => {
    const step = steps.find((candidate) => candidate.name === name);
    return Date.parse(step?.finishedAt ?? '') - Date.parse(step?.startedAt ?? '');
  };
  const downtimeSteps = ['stop Synapse', 'database dump', 'media archive', 'start Synapse'];
  const downtimeMs = downtimeSteps.reduce((sum, name) => sum + stepMs(name), 0);
  const copyMs = stepMs('database dump') + stepMs('media archive');
  const bytes = started.body.estimate.databaseBytes + started.body.estimate.mediaBytes;

  // Baseline: the same database and media store with the plain tools, in the same run.
  const binaries = await findPostgresBinaries();
  const cluster = new PostgresCluster({ dataDir: homeport.dataDir, port: Number(homeport.env.HOMEPORT_PG_PORT), logger: createLogger('silent') });
  const endpoint = await cluster.endpoint();
  const env = { ...process.env, PGHOST: endpoint.host, PGPORT: String(endpoint.port), PGUSER: endpoint.user, PGPASSWORD: endpoint.password };
  const baselineStarted = performance.now();
  await run(join(binaries?.binDir ?? '/usr/bin', 'pg_dump'), ['--format=directory', '--no-owner', '--no-privileges', `--file=${join(scratch, 'dump')}`, host.database_name], { env });
  const dumpMs = performance.now() - baselineStarted;
  await run('tar', ['--create', '--gzip', '--file', join(scratch, 'media.tar.gz'), '--directory', join(homeport.dataDir, 'hosts', hostId, 'media'), '.']);
  const baselineMs = performance.now() - baselineStarted;

  const mbPerSecond = (ms: number) => Number((bytes / MB / (ms / 1000)).toFixed(1));
  console.log(JSON.stringify({
    databaseMB: Number((started.body.estimate.databaseBytes / MB).toFixed(1)),
    mediaMB: Number((started.body.estimate.mediaBytes / MB).toFixed(1)),
    estimatedDowntimeSeconds: started.body.estimate.downtimeSeconds,
    measuredDowntimeSeconds: Number((downtimeMs / 1000).toFixed(1)),
    exportCopyMBPerSecond: mbPerSecond(copyMs),
    exportDowntimeMBPerSecond: mbPerSecond(downtimeMs),
    exportWholeJobSeconds: Number((exportMs / 1000).toFixed(1)),
    baselinePgDumpPlusTarMBPerSecond: mbPerSecond(baselineMs),
    baselinePgDumpMs: Math.round(dumpMs),
    ratioCopyToBaseline: Number((baselineMs / copyMs).toFixed(2)),
    ratioDowntimeToBaseline: Number((baselineMs / downtimeMs).toFixed(2)),
  }, null, 2));
} finally {
  await homeport.cleanup();
  await rm(scratch, { recursive: true, force: true });
}
