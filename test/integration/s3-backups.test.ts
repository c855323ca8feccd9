// Backups in an S3-compatible object store: a real S3 server (moto, installed by
// scripts/install-moto.sh) on a free loopback port. The store on its own (multipart put, get,
// list, delete, retention, hostile names, permanent refusals), then one Homeport whose host is
// backed up into the bucket, restored from it, and whose backup into a bucket that is gone fails
// at once instead of retrying. Kept short: one host, a few messages.
import assert from 'node:assert/strict';
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { access } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { CreateBucketCommand, DeleteBucketCommand, DeleteObjectsCommand, GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { backupStoreCheck } from '../../src/cli/doctor.ts';
import { PermanentStoreError } from '../../src/runtime/runtime.ts';
import { S3BackupStore, type S3BackupStoreSettings } from '../../src/runtime/s3/s3-backup-store.ts';
import { eventually } from '../support/eventually.ts';
import { HomeportProcess } from '../support/homeport-process.ts';
import { fillHost, textMessages } from '../support/host-content.ts';
import { loginThroughEdge } from '../support/matrix-user.ts';

const run = promisify(execFile);
const credentials = { accessKeyId: 'homeport-test', secretAccessKey: 'homeport-test-secret' };

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

async function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks);
}

describe('backups in an S3-compatible store (moto on loopback)', () => {
  let moto: ChildProcess | undefined;
  let endpoint: string;
  let client: S3Client;
  const bucket = 'homeport-backups';

  const keys = async (prefix = ''): Promise<string[]> => {
    const page = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }));
    return (page.Contents ?? []).map((object) => object.Key!).sort();
  };
  const settings = (overrides: Partial<S3BackupStoreSettings> = {}): S3BackupStoreSettings => ({
    endpoint, bucket, region: 'us-east-1', prefix: 'store-test/', ...credentials, ...overrides,
  });

  before(async () => {
    const venv = (await run(join(import.meta.dirname, '../../scripts/install-moto.sh'), [], { timeout: 600_000 })).stdout.trim();
    const server = join(venv, 'bin', 'moto_server');
    await access(server);
    const port = await freePort();
    endpoint = `http://127.0.0.1:${port}`;
    moto = spawn(server, ['-H', '127.0.0.1', '-p', String(port)], { stdio: 'ignore' });
    client = new S3Client({ endpoint, forcePathStyle: true, region: 'us-east-1', credentials });
    await eventually(async () => {
      assert.ok(moto && moto.exitCode === null, 'moto_server exited');
      await client.send(new CreateBucketCommand({ Bucket: bucket }));
    }, 60_000);
  });
  after(() => {
    client?.destroy();
    moto?.kill();
  });

  test('the store: multipart put, get, list, delete and retention; hostile names and missing buckets refused', async () => {
    const store = new S3BackupStore(settings());
    const host = 'aaaaaaaa-0000-4000-8000-000000000001';
    // 20 MiB: three parts of a multipart upload, streamed.
    const big = randomBytes(20 * 1024 * 1024);
    const written = await store.write(`${host}/b1/database.tar.sealed`, Readable.from([big.subarray(0, 7_000_000), big.subarray(7_000_000)]));
    assert.equal(written.bytes, big.length);
    assert.equal(sha256(await readAll(await store.read(`${host}/b1/database.tar.sealed`))), sha256(big));
    await store.write(`${host}/b1/media.tar.gz.sealed`, Readable.from([Buffer.from('media one')]));
    await store.write(`${host}/b2/media.tar.gz.sealed`, Readable.from([Buffer.from('media two')]));
    await store.write(`${host}/b22/media.tar.gz.sealed`, Readable.from([Buffer.from('media twenty-two')]));
    assert.deepEqual(await store.list(`${host}/b2`), [{ name: `${host}/b2/media.tar.gz.sealed`, bytes: 9 }], 'a folder, not every name starting alike');
    assert.deepEqual((await store.list(host)).map((file) => file.name), [
      `${host}/b1/database.tar.sealed`, `${host}/b1/media.tar.gz.sealed`, `${host}/b2/media.tar.gz.sealed`, `${host}/b22/media.tar.gz.sealed`,
    ]);
    assert.ok((await keys()).every((key) => key.startsWith('store-test/')), 'everything under the prefix');
    // Retention deletes a backup's folder; deleting it again is harmless.
    await store.remove(`${host}/b1`);
    await store.remove(`${host}/b1`);
    assert.deepEqual((await store.list(host)).map((file) => file.name), [`${host}/b2/media.tar.gz.sealed`, `${host}/b22/media.tar.gz.sealed`]);
    await assert.rejects(store.read(`${host}/b1/media.tar.gz.sealed`), (error: NodeJS.ErrnoException) => error.code === 'ENOENT');

    // Hostile names never reach the bucket.
    const before = await keys();
    for (const name of ['../escape', `${host}/../../escape`, `${host}/b2/..`, '/absolute', `${host}/B2/UPPER`, `${host}/b2/x y`, `${host}/b2/%2e%2e`, '']) {
      await assert.rejects(store.write(name, Readable.from([Buffer.from('x')])), /not a backup file name/, name);
      await assert.rejects(store.read(name), /not a backup file name/, name);
      await assert.rejects(store.remove(name), /not a backup file name/, name);
    }
    assert.deepEqual(await keys(), before);

    // A bucket that does not exist is a refusal for good, for writes and for the doctor.
    const missing = new S3BackupStore(settings({ bucket: 'no-such-bucket' }));
    await assert.rejects(missing.write(`${host}/b3/media.tar.gz.sealed`, Readable.from([Buffer.from('x')])), PermanentStoreError);
    await assert.rejects(missing.check(), PermanentStoreError);
    const doctor = await backupStoreCheck({ backupS3: settings({ bucket: 'no-such-bucket' }) });
    assert.equal(doctor?.ok, false);
    assert.equal((await backupStoreCheck({ backupS3: settings() }))?.ok, true);
    store.close();
    missing.close();
  });

  test('a host backed up into the bucket and restored from it; a backup into a bucket that is gone fails at once', async () => {
    const homeport = await HomeportProcess.create('s3', {
      HOMEPORT_BACKUP_S3_ENDPOINT: endpoint, HOMEPORT_BACKUP_S3_BUCKET: bucket, HOMEPORT_BACKUP_S3_REGION: 'us-east-1',
      HOMEPORT_BACKUP_S3_ACCESS_KEY_ID: credentials.accessKeyId, HOMEPORT_BACKUP_S3_SECRET_ACCESS_KEY: credentials.secretAccessKey, HOMEPORT_BACKUP_S3_PREFIX: 'homeport',
    });
    try {
      await homeport.start();
      const doctor = await homeport.cli(['doctor']);
      assert.match(doctor.stdout, /ok\s+backup store reachable: S3 bucket homeport-backups at http:\/\/127\.0\.0\.1:\d+ under homeport\//);
      const token = await homeport.createAccount('owner@example.org');
      const built = await homeport.cli(['host', 'create', 'acme', '--size', 'starter', '--seats', '10', '--wait'], token);
      assert.equal(built.code, 0, built.stdout + built.stderr);
      const hostId = (await homeport.api<{ id: string }>('GET', '/api/v1/hosts/acme', { token })).body.id;
      const content = await fillHost(homeport, token, 'acme', hostId, 5);

      const backup = await homeport.cli(['host', 'backup', 'acme', '--wait'], token);
      assert.equal(backup.code, 0, backup.stdout + backup.stderr);
      const backupId = /^backup (\S+) started/m.exec(backup.stdout)![1]!;
      assert.deepEqual(await keys(`homeport/${hostId}/`), [`homeport/${hostId}/${backupId}/database.tar.sealed`, `homeport/${hostId}/${backupId}/media.tar.gz.sealed`]);
      const stored = await client.send(new GetObjectCommand({ Bucket: bucket, Key: `homeport/${hostId}/${backupId}/database.tar.sealed` }));
      const sealed = await text(stored.Body as Readable);
      assert.equal(sealed.includes(content.messages[1]!), false, 'no message is readable in the bucket');
      await assert.rejects(access(join(homeport.dataDir, 'backups', hostId)), 'nothing in the local folder');

      const alice = await loginThroughEdge(homeport, 'acme', 'alice', content.users[0]!.password);
      await alice.sendTextMessage(content.roomId, 'written after the backup');
      const restored = await homeport.cli(['host', 'restore', 'acme', backupId, '--confirm', 'acme', '--wait'], token);
      assert.equal(restored.code, 0, restored.stdout + restored.stderr);
      const again = await eventually(() => loginThroughEdge(homeport, 'acme', 'alice', content.users[0]!.password), 60_000);
      assert.deepEqual(await textMessages(again, content.roomId), content.messages);

      // The bucket is gone: NoSuchBucket is not retried, and the host keeps serving.
      const objects = (await keys()).map((Key) => ({ Key }));
      await client.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: objects } }));
      await client.send(new DeleteBucketCommand({ Bucket: bucket }));
      const failed = await homeport.cli(['host', 'backup', 'acme', '--wait'], token);
      assert.notEqual(failed.code, 0);
      assert.match(failed.stdout, /job failed: .*NoSuchBucket/);
      const jobId = /\(job (\S+)\)/.exec(failed.stdout)![1]!;
      const job = (await homeport.api<{ attempts: number; logs: { message: string }[] }>('GET', `/api/v1/jobs/${jobId}`, { token })).body;
      assert.equal(job.attempts, 1, 'a permanent refusal is not retried');
      assert.ok(job.logs.some((line) => line.message.includes('cannot succeed on a retry')));
      assert.equal((await homeport.api<{ status: string }>('GET', '/api/v1/hosts/acme', { token })).body.status, 'running');
    } finally {
      await homeport.cleanup();
      await client.send(new CreateBucketCommand({ Bucket: bucket })).catch(() => undefined);
    }
  });
});
