// Export and import without loss, against the real components: a host filled through Matrix
// clients is exported (plain and encrypted), downloaded through signed links, and imported into
// a second, fresh Homeport, where the same users, messages, image, key and token work.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdtemp, readdir, readFile, rm, writeFile, appendFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import type { Static } from 'typebox';
import type { Export } from '../../src/contract/exports.ts';
import { zipEntries } from '../../src/jobs/portability/archive-files.ts';
import { SecretBox } from '../../src/store/secret-box.ts';
import { parseSigningKey } from '../../src/synapse/signing-key.ts';
import { eventually } from '../support/eventually.ts';
import { HomeportProcess, type Problem } from '../support/homeport-process.ts';
import { hostSecrets } from '../support/host-admin.ts';
import { assertSameContent, fillHost, type HostContent } from '../support/host-content.ts';
import { textMessages } from '../support/host-content.ts';
import { loginThroughEdge } from '../support/matrix-user.ts';
import { stepShownAs, stepShownDone } from '../support/job-output.ts';

type ExportView = Static<typeof Export>;

const run = promisify(execFile);

describe('export and import', () => {
  let source: HomeportProcess;
  let target: HomeportProcess | undefined;
  let token: string;
  let hostId: string;
  let content: HostContent;
  let work: string;
  let targetOwner: string;
  let firstLink: { exportId: string; url: string } | undefined;
  let operator: string;
  const passphrase = 'a passphrase for the export';

  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'homeport-exports-'));
    // Exports are kept one minute, so the test sees the scheduled deletion.
    source = await HomeportProcess.create('rt', { HOMEPORT_EXPORT_RETENTION_MINUTES: '1' });
    await source.start();
    token = await source.createAccount('owner@example.org');
    const built = await source.cli(['host', 'create', 'acme', '--size', 'starter', '--seats', '10', '--wait'], token);
    assert.equal(built.code, 0, built.stdout + built.stderr);
    hostId = (await source.api<{ id: string }>('GET', '/api/v1/hosts/acme', { token })).body.id;
    content = await fillHost(source, token, 'acme', hostId);
    await writeFile(join(work, 'passphrase'), `${passphrase}\n`);
    await writeFile(join(work, 'alice-password'), `${content.users[0]!.password}\n`);
  });
  after(async () => {
    await source?.cleanup();
    await target?.cleanup();
    await rm(work, { recursive: true, force: true });
  });

  test('shows the downtime estimate from the database and media sizes before exporting', async () => {
    const estimate = await source.api<{ databaseBytes: number; mediaBytes: number; downtimeSeconds: number }>('GET', '/api/v1/hosts/acme/exports/estimate', { token });
    assert.equal(estimate.status, 200);
    assert.ok(estimate.body.databaseBytes > 1_000_000, JSON.stringify(estimate.body));
    assert.ok(estimate.body.mediaBytes >= content.image.length);
    assert.ok(estimate.body.downtimeSeconds >= 15);
    const cli = await source.cli(['host', 'export', 'acme', '--estimate'], token);
    assert.match(cli.stdout, /estimated downtime: \d+ s/);
  });

  test('exports config, database, media and SHA256SUMS, and the host runs again', async () => {
    const result = await source.cli(['host', 'export', 'acme', '--download', join(work, 'plain')], token);
    assert.equal(result.code, 0, result.stdout + result.stderr);
    for (const step of ['stop Synapse', 'database dump', 'media archive', 'start Synapse', 'database zip', 'config document', 'checksums']) {
      assert.ok(stepShownDone(result.stdout, 'export', step), step);
    }
    // Without a passphrase there is nothing to encrypt: the step is skipped, not done.
    assert.ok(stepShownAs(result.stdout, 'export', 'encryption', 'skipped'), result.stdout);
    assert.equal(stepShownDone(result.stdout, 'export', 'encryption'), false);
    assert.match(result.stdout, /Synapse stopped for a consistent copy/);
    assert.equal((await source.api<{ status: string }>('GET', '/api/v1/hosts/acme', { token })).body.status, 'running');
    const files = (await readdir(join(work, 'plain'))).sort();
    assert.deepEqual(files, ['SHA256SUMS', 'acme-config.md', 'acme-media.tar.gz', 'acme-synapse-database.zip']);
    await run('sha256sum', ['--check', '--quiet', 'SHA256SUMS'], { cwd: join(work, 'plain') });
    const document = await readFile(join(work, 'plain', 'acme-config.md'), 'utf8');
    const secrets = await hostSecrets(source, hostId);
    for (const value of [secrets.pepper, secrets.macaroonSecretKey, secrets.formSecret, secrets.registrationSharedSecret, parseSigningKey(secrets.signingKey!).keyId]) {
      assert.ok(value && document.includes(value));
    }
    assert.equal(document.includes(secrets.databasePassword!), false);
    const entries = await zipEntries(join(work, 'plain', 'acme-synapse-database.zip'));
    assert.ok(entries.some((entry) => entry.path === 'acme-synapse-database.dir/toc.dat'), 'the zip holds the pg_dump directory');
    const { stdout: tarList } = await run('tar', ['-tzf', join(work, 'plain', 'acme-media.tar.gz')]);
    assert.match(tarList, /local_content\//);
    const estimate = await source.api<{ dumpBytesPerSecond: number }>('GET', '/api/v1/hosts/acme/exports/estimate', { token });
    assert.notEqual(estimate.body.dumpBytesPerSecond, 20 * 1024 * 1024, 'the estimate is calibrated by the measured dump');
  });

  test('downloads only through signed, expiring links, resumable with ranges', async () => {
    const { body } = await source.api<{ exports: ExportView[] }>('GET', '/api/v1/hosts/acme/exports', { token });
    const ready = body.exports.find((item) => item.status === 'ready');
    assert.ok(ready);
    const media = ready.files.find((file) => file.name === 'acme-media.tar.gz')!;
    firstLink = { exportId: ready.id, url: media.url };
    const whole = await readFile(join(work, 'plain', media.name));
    const ranged = await fetch(new URL(media.url, source.apiUrl), { headers: { range: 'bytes=10-109' } });
    assert.equal(ranged.status, 206);
    assert.equal(ranged.headers.get('content-range'), `bytes 10-109/${media.size}`);
    assert.ok(Buffer.from(await ranged.arrayBuffer()).equals(whole.subarray(10, 110)));
    const beyond = await fetch(new URL(media.url, source.apiUrl), { headers: { range: `bytes=${media.size + 10}-` } });
    assert.equal(beyond.status, 416);
    const tampered = new URL(media.url, source.apiUrl);
    tampered.searchParams.set('expires', String(Number(tampered.searchParams.get('expires')) + 60));
    assert.equal((await fetch(tampered)).status, 404);
    const masterKey = Buffer.from((await readFile(join(source.dataDir, 'master.key'), 'utf8')).trim(), 'base64');
    const past = Math.floor(Date.now() / 1000) - 60;
    const expired = new URL(`/api/v1/exports/${ready.id}/files/${media.name}?expires=${past}&signature=${new SecretBox(masterKey).sign('export-download', `${ready.id}/${media.name}/${past}`)}`, source.apiUrl);
    const gone = await fetch(expired);
    assert.equal(gone.status, 410);
    assert.match(((await gone.json()) as Problem).detail, /expired/);
    const stranger = await source.createAccount('stranger@example.org');
    assert.equal((await source.api('GET', `/api/v1/hosts/${hostId}/exports`, { token: stranger })).status, 404);
    assert.equal((await source.api('POST', `/api/v1/hosts/${hostId}/exports`, { token: stranger, body: {} })).status, 404);
    const short = await source.api<Problem>('POST', '/api/v1/hosts/acme/exports', { token, body: { passphrase: 'short' } });
    assert.equal(short.status, 422);
  });

  test('an encrypted export is OpenPGP that gpg decrypts with the passphrase', async () => {
    source.env.HOMEPORT_EXPORT_PASSPHRASE = passphrase;
    const result = await source.cli(['host', 'export', 'acme', '--encrypt', '--download', join(work, 'encrypted')], token);
    delete source.env.HOMEPORT_EXPORT_PASSPHRASE;
    assert.equal(result.code, 0, result.stdout + result.stderr);
    assert.ok(stepShownDone(result.stdout, 'export', 'encryption'), 'with a passphrase the encryption step runs');
    const files = (await readdir(join(work, 'encrypted'))).sort();
    assert.deepEqual(files, ['SHA256SUMS', 'acme-config.md.gpg', 'acme-media.tar.gz.gpg', 'acme-synapse-database.zip.gpg']);
    const gpgHome = await mkdtemp(join(tmpdir(), 'homeport-gnupg-'));
    try {
      const gpg = ['--homedir', gpgHome, '--batch', '--pinentry-mode', 'loopback', '--passphrase-file', join(work, 'passphrase')];
      const { stdout } = await run('gpg', [...gpg, '--decrypt', join(work, 'encrypted', 'acme-config.md.gpg')]);
      assert.match(stdout, /acme\.rt\.localhost/);
      assert.match(stdout, /gpg --batch --pinentry-mode loopback --decrypt/);
      await run('gpg', [...gpg, '--output', join(work, 'decrypted-media.tar.gz'), '--decrypt', join(work, 'encrypted', 'acme-media.tar.gz.gpg')]);
      const { stdout: tarList } = await run('tar', ['-tzf', join(work, 'decrypted-media.tar.gz')]);
      assert.match(tarList, /local_content\//);
      const wrong = await run('gpg', ['--homedir', gpgHome, '--batch', '--pinentry-mode', 'loopback', '--passphrase', 'not the passphrase', '--decrypt', join(work, 'encrypted', 'acme-config.md.gpg')]).then(() => 0, () => 1);
      assert.equal(wrong, 1);
    } finally {
      await rm(gpgHome, { recursive: true, force: true });
    }
    assert.equal((await source.api<{ status: string }>('GET', '/api/v1/hosts/acme', { token })).body.status, 'running');
  });

  test('deletes an export after its retention period; its links then answer 410', async () => {
    assert.ok(firstLink);
    const link = firstLink;
    await eventually(async () => {
      const shown = await source.api<ExportView>('GET', `/api/v1/hosts/acme/exports/${link.exportId}`, { token });
      assert.equal(shown.body.status, 'deleted');
      assert.deepEqual(shown.body.files, []);
    }, 180_000, 1000);
    assert.equal(existsSync(join(source.dataDir, 'exports', link.exportId)), false);
    const response = await fetch(new URL(link.url, source.apiUrl));
    assert.equal(response.status, 410);
  });

  test('imports the export into a fresh Homeport: same users, passwords, messages in order, image, key and registration token', async () => {
    await source.stop();
    target = await HomeportProcess.create('rt-b', { HOMEPORT_BASE_DOMAIN: source.baseDomain });
    await target.start();
    targetOwner = await target.createAccount('owner@example.org');
    const created = await target.cli(['account', 'create', '--email', 'operator2@example.org', '--name', 'Operator', '--operator', '--with-token']);
    operator = /^token (\S+)$/m.exec(created.stdout)?.[1] ?? '';
    assert.ok(operator, created.stdout + created.stderr);
    const imported = await target.cli([
      'host', 'import', '--from', join(work, 'plain'), '--label', 'acme', '--account', 'owner@example.org', '--size', 'starter', '--seats', '10',
      '--verify-user', 'alice', '--verify-password-file', join(work, 'alice-password'), '--wait',
    ], operator);
    assert.equal(imported.code, 0, imported.stdout + imported.stderr + target.output.slice(-3000));
    assert.ok(stepShownDone(imported.stdout, 'import', 'verify login'));
    assert.match(imported.stdout, /@alice:acme\.rt\.localhost logged in/);
    assert.match(imported.stdout, /state_group_id_seq last value \d+/);
    await assertSameContent(target, 'acme', content);
  });

  test('refuses what cannot work, before any change', async () => {
    assert.ok(target);
    const operatorToken = operator;
    const body = { label: 'acme2', accountEmail: 'owner@example.org', size: 'starter', seats: 10, verifyUser: 'alice', verifyPassword: content.users[0]!.password };
    const before = await target.api<{ hosts: unknown[] }>('GET', '/api/v1/operator/hosts', { token: operatorToken });
    const attempt = (extra: Record<string, unknown>) => target!.api<Problem>('POST', '/api/v1/operator/imports', { token: operatorToken, body: { ...body, ...extra } });

    const taken = await attempt({ from: join(work, 'plain') });
    assert.equal(taken.status, 409);
    assert.match(taken.body.detail, /acme\.rt\.localhost/);

    await cp(join(work, 'plain'), join(work, 'corrupted'), { recursive: true });
    await appendFile(join(work, 'corrupted', 'acme-media.tar.gz'), 'x');
    const corrupted = await attempt({ from: join(work, 'corrupted') });
    assert.equal(corrupted.status, 422);
    assert.match(corrupted.body.detail, /acme-media\.tar\.gz is corrupted/);

    const wrong = await attempt({ from: join(work, 'encrypted'), passphrase: 'not the passphrase' });
    assert.equal(wrong.status, 422);
    assert.match(wrong.body.detail, /cannot be decrypted with this passphrase/);
    const missing = await attempt({ from: join(work, 'encrypted') });
    assert.equal(missing.status, 422);

    await cp(join(work, 'plain'), join(work, 'newer'), { recursive: true });
    const document = await readFile(join(work, 'newer', 'acme-config.md'), 'utf8');
    await writeFile(join(work, 'newer', 'acme-config.md'), document.replace(/^\| Synapse \| .+? \|$/m, '| Synapse | 99.0.0 |'));
    const { stdout: sums } = await run('sha256sum', ['acme-config.md', 'acme-media.tar.gz', 'acme-synapse-database.zip'], { cwd: join(work, 'newer') });
    await writeFile(join(work, 'newer', 'SHA256SUMS'), sums);
    const newer = await attempt({ from: join(work, 'newer') });
    assert.equal(newer.status, 409);
    assert.match(newer.body.detail, /Synapse 99\.0\.0/);

    await rm(join(work, 'nokey'), { recursive: true, force: true });
    await cp(join(work, 'plain'), join(work, 'nokey'), { recursive: true });
    await writeFile(join(work, 'nokey', 'acme-config.md'), document.replace(/^Signing key file[\s\S]*?```\n[^\n]+\n```/m, ''));
    const { stdout: nokeySums } = await run('sha256sum', ['acme-config.md', 'acme-media.tar.gz', 'acme-synapse-database.zip'], { cwd: join(work, 'nokey') });
    await writeFile(join(work, 'nokey', 'SHA256SUMS'), nokeySums);
    const noKey = await attempt({ from: join(work, 'nokey') });
    assert.equal(noKey.status, 422);
    assert.match(noKey.body.detail, /signing key/);

    const after = await target.api<{ hosts: unknown[] }>('GET', '/api/v1/operator/hosts', { token: operatorToken });
    assert.equal(after.body.hosts.length, before.body.hosts.length, 'no host was created by a refused import');
    const customer = await target.createAccount('customer@example.org');
    assert.equal((await target.api('POST', '/api/v1/operator/imports', { token: customer, body: { ...body, from: join(work, 'plain') } })).status, 404);
  });

  test('an encrypted export imports with its passphrase', async () => {
    assert.ok(target);
    // The first import holds the server name: its owner cancels it to free the name.
    const cancel = await target.cli(['host', 'cancel', 'acme', '--confirm', 'acme', '--wait'], targetOwner);
    assert.equal(cancel.code, 0, cancel.stdout + cancel.stderr);
    const imported = await target.cli([
      'host', 'import', '--from', join(work, 'encrypted'), '--label', 'acme', '--account', 'owner@example.org', '--size', 'starter', '--seats', '10',
      '--verify-user', 'alice', '--verify-password-file', join(work, 'alice-password'), '--passphrase-file', join(work, 'passphrase'), '--wait',
    ], operator);
    assert.equal(imported.code, 0, imported.stdout + imported.stderr);
    const alice = await loginThroughEdge(target, 'acme', 'alice', content.users[0]!.password);
    assert.deepEqual(await textMessages(alice, content.roomId), content.messages);
  });

  test('a wrong password for the login check fails the import at once, not after 5 attempts', async () => {
    assert.ok(target);
    const cancel = await target.cli(['host', 'cancel', 'acme', '--confirm', 'acme', '--wait'], targetOwner);
    assert.equal(cancel.code, 0, cancel.stdout + cancel.stderr);
    const started = await target.api<{ host: { id: string }; job: { id: string } }>('POST', '/api/v1/operator/imports', {
      token: operator,
      body: { from: join(work, 'plain'), label: 'acme', accountEmail: 'owner@example.org', size: 'starter', seats: 10, verifyUser: 'alice', verifyPassword: 'not alice at all' },
    });
    assert.equal(started.status, 202, JSON.stringify(started.body));
    const job = await target.waitForJob(targetOwner, started.body.job.id);
    assert.equal(job.status, 'failed');
    assert.match(String(job.error), /alice cannot log in with the given password/);
    assert.equal(job.attempts, 1, 'a wrong password is not retried');
    // The job is failed first, then the partial host is removed.
    await target.waitForHostStatus(targetOwner, started.body.host.id, 'cancelled');
  });
});
