// An S3 backup store given wrong credentials: moto's server checks signatures and access keys
// once it has answered INITIAL_NO_AUTH_ACTION_COUNT requests (moto/core/authorization.py; a key
// it does not know is InvalidAccessKeyId, a wrong secret SignatureDoesNotMatch, both HTTP 403).
// The first four requests set the server up without credentials (the bucket, an IAM user allowed
// s3:*, its access key); from then on only that key with its secret is accepted. Homeport, given
// the right key id with a wrong secret, fails a backup at once (one attempt, S3's reason), opens a
// backup-failed alert and mails it, and `homeport doctor` reports the store refusing it.
import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { access } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { backupStoreCheck } from '../../src/cli/doctor.ts';
import { PermanentStoreError } from '../../src/runtime/runtime.ts';
import { S3BackupStore, type S3BackupStoreSettings } from '../../src/runtime/s3/s3-backup-store.ts';
import { eventually } from '../support/eventually.ts';
import { HomeportProcess } from '../support/homeport-process.ts';

const run = promisify(execFile);
const bucket = 'homeport-backups';

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

// Exactly four requests, none retried: the fifth request moto answers is checked.
const setUp = `
import json, sys, boto3
from botocore.config import Config
endpoint, bucket = sys.argv[1], sys.argv[2]
config = Config(retries={'max_attempts': 1}, s3={'addressing_style': 'path'})
anyone = dict(endpoint_url=endpoint, region_name='us-east-1', aws_access_key_id='setup', aws_secret_access_key='setup', config=config)
boto3.client('s3', **anyone).create_bucket(Bucket=bucket)
iam = boto3.client('iam', **anyone)
iam.create_user(UserName='homeport')
iam.put_user_policy(UserName='homeport', PolicyName='backups', PolicyDocument=json.dumps({'Version': '2012-10-17', 'Statement': [{'Effect': 'Allow', 'Action': 's3:*', 'Resource': '*'}]}))
key = iam.create_access_key(UserName='homeport')['AccessKey']
print(json.dumps({'accessKeyId': key['AccessKeyId'], 'secretAccessKey': key['SecretAccessKey']}))
`;

describe('an S3 backup store with wrong credentials (moto checking signatures)', () => {
  let moto: ChildProcess | undefined;
  let endpoint: string;
  let keys: { accessKeyId: string; secretAccessKey: string };
  const settings = (overrides: Partial<S3BackupStoreSettings> = {}): S3BackupStoreSettings => ({
    endpoint, bucket, region: 'us-east-1', prefix: 'homeport/', ...keys, ...overrides,
  });

  before(async () => {
    const venv = (await run(join(import.meta.dirname, '../../scripts/install-moto.sh'), [], { timeout: 600_000 })).stdout.trim();
    const server = join(venv, 'bin', 'moto_server');
    await access(server);
    const port = await freePort();
    endpoint = `http://127.0.0.1:${port}`;
    moto = spawn(server, ['-H', '127.0.0.1', '-p', String(port)], { stdio: 'ignore', env: { ...process.env, INITIAL_NO_AUTH_ACTION_COUNT: '4' } });
    // Moto answers its own /moto-api/ without counting it as a request to authenticate.
    await eventually(async () => {
      assert.ok(moto && moto.exitCode === null, 'moto_server exited');
      assert.equal((await fetch(`${endpoint}/moto-api/`)).ok, true);
    }, 60_000);
    keys = JSON.parse((await run(join(venv, 'bin', 'python'), ['-c', setUp, endpoint, bucket], { timeout: 120_000 })).stdout) as typeof keys;
  });
  after(() => {
    moto?.kill();
  });

  test('the store: the right key works; a wrong secret and an unknown key are refused for good, with S3\'s reason', async () => {
    const right = new S3BackupStore(settings());
    await right.check();
    const name = 'aaaaaaaa-0000-4000-8000-000000000001/b1/media.tar.gz.sealed';
    assert.equal((await right.write(name, Readable.from([Buffer.from('sealed')]))).bytes, 6);
    await right.remove('aaaaaaaa-0000-4000-8000-000000000001/b1');
    right.close();
    for (const [wrong, reason] of [[{ secretAccessKey: 'not-the-secret' }, /SignatureDoesNotMatch \(HTTP 403\)/], [{ accessKeyId: 'AKIANOSUCHKEY0000000' }, /InvalidAccessKeyId \(HTTP 403\)/]] as const) {
      const store = new S3BackupStore(settings(wrong));
      await assert.rejects(store.write(name, Readable.from([Buffer.from('x')])), (error: Error) => error instanceof PermanentStoreError && reason.test(error.message));
      await assert.rejects(store.check(), PermanentStoreError);
      store.close();
      const doctor = await backupStoreCheck({ backupS3: settings(wrong) });
      assert.equal(doctor?.ok, false);
      assert.match(doctor?.found ?? '', reason);
    }
  });

  test('Homeport with a wrong secret: doctor says so, a backup fails at once with the reason, and a backup-failed alert opens and is mailed', async () => {
    const homeport = await HomeportProcess.create('s3auth', {
      HOMEPORT_BACKUP_S3_ENDPOINT: endpoint, HOMEPORT_BACKUP_S3_BUCKET: bucket, HOMEPORT_BACKUP_S3_REGION: 'us-east-1',
      HOMEPORT_BACKUP_S3_ACCESS_KEY_ID: keys.accessKeyId, HOMEPORT_BACKUP_S3_SECRET_ACCESS_KEY: 'not-the-secret', HOMEPORT_BACKUP_S3_PREFIX: 'homeport/',
      HOMEPORT_ALERT_EMAIL: 'alerts@example.org', HOMEPORT_MONITOR_INTERVAL_SECONDS: '2',
    });
    try {
      await homeport.start();
      const doctor = await homeport.cli(['doctor']);
      assert.equal(doctor.code, 1, doctor.stdout + doctor.stderr);
      assert.match(doctor.stdout, /MISSING backup store reachable: S3 bucket homeport-backups at http:\/\/127\.0\.0\.1:\d+ under homeport\/: .*SignatureDoesNotMatch \(HTTP 403\)/);
      assert.match(doctor.stdout, /install: check .*the credentials \(_ACCESS_KEY_ID, _SECRET_ACCESS_KEY\)/);

      const token = await homeport.createAccount('owner@example.org');
      const created = await homeport.cli(['account', 'create', '--email', 'ops@example.org', '--name', 'Ops', '--operator', '--with-token']);
      const operator = /^token (\S+)$/m.exec(created.stdout)?.[1] ?? '';
      assert.ok(operator, created.stdout + created.stderr);
      const built = await homeport.cli(['host', 'create', 'acme', '--size', 'starter', '--seats', '10', '--wait'], token);
      assert.equal(built.code, 0, built.stdout + built.stderr);

      const failed = await homeport.cli(['host', 'backup', 'acme', '--wait'], token);
      assert.equal(failed.code, 1, failed.stdout + failed.stderr);
      assert.match(failed.stdout, /job failed: .*refused to .*SignatureDoesNotMatch \(HTTP 403\): The request signature we calculated does not match/);
      const jobId = /\(job (\S+)\)/.exec(failed.stdout)![1]!;
      const job = (await homeport.api<{ attempts: number; logs: { message: string }[] }>('GET', `/api/v1/jobs/${jobId}`, { token })).body;
      assert.equal(job.attempts, 1, 'a refused credential is not retried');
      assert.ok(job.logs.some((line) => line.message.includes('cannot succeed on a retry')), JSON.stringify(job.logs));
      const host = (await homeport.api<{ id: string; status: string; lastBackup: { status: string; error: string | null } | null }>('GET', '/api/v1/hosts/acme', { token })).body;
      assert.equal(host.status, 'running', 'the host keeps serving');
      assert.equal(host.lastBackup?.status, 'failed');
      assert.match(host.lastBackup?.error ?? '', /SignatureDoesNotMatch/);
      const listed = await homeport.cli(['host', 'backups', 'acme'], token);
      assert.match(listed.stdout, /failed .*SignatureDoesNotMatch/);

      // Like any failed backup: an open alert with the reason, announced by mail to the operator.
      const alert = await eventually(async () => {
        const alerts = (await homeport.api<{ alerts: { kind: string; hostId: string | null; summary: string }[] }>('GET', '/api/v1/operator/alerts', { token: operator })).body.alerts;
        const found = alerts.find((candidate) => candidate.kind === 'backup-failed' && candidate.hostId === host.id);
        assert.ok(found, JSON.stringify(alerts));
        return found;
      }, 120_000);
      assert.match(alert.summary, /The last backup of host acme .*failed: .*SignatureDoesNotMatch/);
      await eventually(async () => {
        const mail = (await homeport.api<{ mail: { subject: string; text: string }[] }>('GET', `/api/v1/operator/mail?to=${encodeURIComponent('alerts@example.org')}`, { token: operator })).body.mail;
        const announced = mail.find((candidate) => /^Alert: backup-failed/.test(candidate.subject));
        assert.ok(announced, JSON.stringify(mail.map((candidate) => candidate.subject)));
        assert.match(announced.text, /SignatureDoesNotMatch/);
      }, 120_000);
    } finally {
      await homeport.cleanup();
    }
  });
});
