// Benchmark: backup and restore throughput (MB/s of database + media) of Homeport's jobs against
// plain `pg_dump -Fd` + `tar -czf` and `pg_restore` + `tar -xzf` of the same host in the same run.
// Homeport's backup also seals (AES-256-GCM) and its restore authenticates, resets and verifies.
// Prints figures and ratios, asserts nothing.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createLogger } from '../src/logger.ts';
import { findPostgresBinaries } from '../src/runtime/local/postgres-binaries.ts';
import { PostgresCluster } from '../src/runtime/local/postgres-cluster.ts';
import { hostAdmin, openHomeportDatabase } from '../test/support/host-admin.ts';
import { HomeportProcess } from '../test/support/homeport-process.ts';
import { loginThroughEdge } from '../test/support/matrix-user.ts';

const run = promisify(execFile);
const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));
const MB = 1_000_000;

const homeport = await HomeportProcess.create('bench-backup');
const scratch = await mkdtemp(join(tmpdir(), 'backup-bench-'));

async function jobSeconds(token: string, jobId: string): Promise<number> {
  const started = performance.now();
  for (;;) {
    const job = (await homeport.api<{ status: string; error: string | null }>('GET', `/api/v1/jobs/${jobId}`, { token })).body;
    if (job.status === 'failed') throw new Error(`job ${jobId} failed: ${job.error}`);
    if (job.status === 'succeeded') return (performance.now() - started) / 1000;
    await sleep(100);
  }
}

try {
  await homeport.start();
  const token = await homeport.createAccount('bench@example.org');
  const built = await homeport.cli(['host', 'create', 'acme', '--size', 'starter', '--seats', '10', '--wait'], token);
  if (built.code !== 0) throw new Error(built.stdout + built.stderr);
  const hostId = (await homeport.api<{ id: string }>('GET', '/api/v1/hosts/acme', { token })).body.id;

  // Data: messages and 30 MB of media through a real client, and rows in the host's database.
  const admin = await hostAdmin(homeport, hostId);
  await admin.upsertUser(`@bench:acme.${homeport.baseDomain}`, { password: 'bench password long' });
  const client = await loginThroughEdge(homeport, 'acme', 'bench', 'bench password long');
  const { room_id: roomId } = await client.createRoom({ name: 'bench' });
  for (let index = 0; index < 100; index += 1) await client.sendTextMessage(roomId, `bench message ${index} ${randomBytes(64).toString('hex')}`);
  for (let index = 0; index < 6; index += 1) await client.uploadContent(new Uint8Array(randomBytes(5 * MB)), { type: 'application/octet-stream', name: `blob-${index}` });
  const opened = await openHomeportDatabase(homeport);
  const host = await opened.db.selectFrom('hosts').select(['database_name']).where('id', '=', hostId).executeTakeFirstOrThrow();
  await opened.close();
  const hostDb = await openHomeportDatabase(homeport, host.database_name);
  await hostDb.pool.query('CREATE TABLE bench_filler (id serial PRIMARY KEY, body text)');
  await hostDb.pool.query(`ALTER TABLE bench_filler OWNER TO "${host.database_name}"`);
  await hostDb.pool.query("INSERT INTO bench_filler (body) SELECT md5(random()::text) || repeat(md5(random()::text), 30) FROM generate_series(1, 50000)");
  await hostDb.close();
  const sizes = (await homeport.api<{ databaseBytes: number; mediaBytes: number }>('GET', '/api/v1/hosts/acme/exports/estimate', { token })).body;
  const bytes = sizes.databaseBytes + sizes.mediaBytes;

  const backup = await homeport.api<{ backup: { id: string }; job: { id: string } }>('POST', '/api/v1/hosts/acme/backups', { token });
  if (backup.status !== 202) throw new Error(`the backup did not start: ${JSON.stringify(backup.body)}`);
  const backupSeconds = await jobSeconds(token, backup.body.job.id);
  const restore = await homeport.api<{ job: { id: string } }>('POST', `/api/v1/hosts/acme/backups/${backup.body.backup.id}/restore`, { token, body: { confirm: 'acme' } });
  if (restore.status !== 202) throw new Error(`the restore did not start: ${JSON.stringify(restore.body)}`);
  const restoreSeconds = await jobSeconds(token, restore.body.job.id);

  // Baseline: the same database and media store with the plain tools, in the same run.
  const binaries = await findPostgresBinaries();
  const bin = (name: string) => join(binaries?.binDir ?? '/usr/bin', name);
  const cluster = new PostgresCluster({ dataDir: homeport.dataDir, port: Number(homeport.env.HOMEPORT_PG_PORT), logger: createLogger('silent') });
  const endpoint = await cluster.endpoint();
  const env = { ...process.env, PGHOST: endpoint.host, PGPORT: String(endpoint.port), PGUSER: endpoint.user, PGPASSWORD: endpoint.password };
  const dumpStarted = performance.now();
  await run(bin('pg_dump'), ['--format=directory', '--no-owner', '--no-privileges', `--file=${join(scratch, 'dump')}`, host.database_name], { env });
  await run('tar', ['--create', '--gzip', '--file', join(scratch, 'media.tar.gz'), '--directory', join(homeport.dataDir, 'hosts', hostId, 'media'), '.']);
  const baselineBackupSeconds = (performance.now() - dumpStarted) / 1000;
  await run(bin('psql'), ['--dbname=postgres', '--command=CREATE DATABASE bench_restore'], { env });
  await mkdir(join(scratch, 'media'));
  const restoreStarted = performance.now();
  await run(bin('pg_restore'), ['--no-owner', '--no-privileges', '--dbname=bench_restore', join(scratch, 'dump')], { env });
  await run('tar', ['--extract', '--gzip', '--file', join(scratch, 'media.tar.gz'), '--directory', join(scratch, 'media')]);
  const baselineRestoreSeconds = (performance.now() - restoreStarted) / 1000;
  await run(bin('psql'), ['--dbname=postgres', '--command=DROP DATABASE bench_restore'], { env });

  const mbPerSecond = (seconds: number) => Number((bytes / MB / seconds).toFixed(1));
  console.log(JSON.stringify({
    databaseMB: Number((sizes.databaseBytes / MB).toFixed(1)),
    mediaMB: Number((sizes.mediaBytes / MB).toFixed(1)),
    backupJobSeconds: Number(backupSeconds.toFixed(1)),
    backupMBPerSecond: mbPerSecond(backupSeconds),
    baselinePgDumpPlusTarMBPerSecond: mbPerSecond(baselineBackupSeconds),
    restoreJobSeconds: Number(restoreSeconds.toFixed(1)),
    restoreMBPerSecond: mbPerSecond(restoreSeconds),
    baselinePgRestorePlusTarMBPerSecond: mbPerSecond(baselineRestoreSeconds),
    ratioBackupToBaseline: Number((baselineBackupSeconds / backupSeconds).toFixed(2)),
    ratioRestoreToBaseline: Number((baselineRestoreSeconds / restoreSeconds).toFixed(2)),
  }, null, 2));
} finally {
  await homeport.cleanup();
  await rm(scratch, { recursive: true, force: true });
}
