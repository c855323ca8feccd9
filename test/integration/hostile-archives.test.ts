// Archives from customers are hostile. A self-hosted import whose media archive links to
// Homeport's master key (or holds a hard link, a device, an absolute or `..` path, an entry
// claiming 9 GiB, or is no archive at all), or whose database zip is corrupt or links out, is
// refused by POST /operator/imports with 422 and the reason, before any host or database exists.
// A media store holding a link is exported without it.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { ArchiveRefused } from '../../src/domain/archive-entries.ts';
import { archiveMediaDirectory, checkMediaArchive, extractMediaArchive } from '../../src/runtime/local/media-archive.ts';
import { generateHomeserverSecrets } from '../../src/synapse/host-secrets.ts';
import { openHomeportDatabase } from '../support/host-admin.ts';
import { writeArchive, type Entry } from '../support/crafted-archives.ts';
import { HomeportProcess, type Problem } from '../support/homeport-process.ts';

const run = promisify(execFile);

describe('a hostile archive', () => {
  let work: string;
  let homeport: HomeportProcess;
  let operator: string;
  const signingKey = generateHomeserverSecrets().signingKey;

  /** A self-hosted folder: config, signing key, an (empty) SQLite database or a database zip, and the archive. */
  async function folder(name: string, files: (dir: string) => Promise<void>, withSqlite = true): Promise<string> {
    const dir = join(work, name);
    await mkdir(dir);
    await writeFile(join(dir, 'homeserver.yaml'), 'server_name: hostile.sh.localhost\n');
    await writeFile(join(dir, 'hostile.signing.key'), signingKey);
    if (withSqlite) await writeFile(join(dir, 'homeserver.db'), '');
    await files(dir);
    return dir;
  }

  async function importFrom(dir: string): Promise<{ status: number; body: Problem }> {
    return homeport.api<Problem>('POST', '/api/v1/operator/imports', {
      token: operator,
      body: { label: 'hostile', accountEmail: 'owner@example.org', size: 'starter', seats: 10, verifyUser: 'alice', verifyPassword: 'alice password 2026', from: dir },
    });
  }

  async function databaseNames(): Promise<string[]> {
    const opened = await openHomeportDatabase(homeport);
    try {
      const { rows } = await sql<{ datname: string }>`SELECT datname FROM pg_database ORDER BY datname`.execute(opened.db);
      // The Synapse schema template is prepared in the background after start, whenever it gets there.
      return rows.map((row) => row.datname).filter((name) => !name.startsWith('synapse_template_'));
    } finally {
      await opened.close();
    }
  }

  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'homeport-hostile-'));
    homeport = await HomeportProcess.create('hostile');
    await homeport.start();
    await homeport.createAccount('owner@example.org');
    const created = await homeport.cli(['account', 'create', '--email', 'ops@example.org', '--name', 'Ops', '--operator', '--with-token']);
    operator = /^token (\S+)$/m.exec(created.stdout)?.[1] ?? '';
    assert.ok(operator, created.stdout + created.stderr);
  });
  after(async () => {
    await homeport?.cleanup();
    await rm(work, { recursive: true, force: true });
  });

  test('is refused by the import with 422 and the reason, before any host or database exists', async () => {
    const databasesBefore = await databaseNames();
    const media = (entries: Entry[]) => (dir: string) => writeArchive('tar', join(dir, 'media_store.tar.gz'), entries);
    const cases: [string, (dir: string) => Promise<void>, RegExp, boolean?][] = [
      ['symlink', media([
        { name: 'media_store/local_content/ab/cd/ok', type: 'file', data: 'fine' },
        { name: 'media_store/local_content/zz/zz/x', type: 'symlink', linkname: join(homeport.dataDir, 'master.key') },
      ]), /media_store\.tar\.gz is refused: "media_store\/local_content\/zz\/zz\/x" is a symbolic link/],
      ['hardlink', media([{ name: 'local_content/zz/zz/y', type: 'link', linkname: join(homeport.dataDir, 'postgres.password') }]), /is a hard link/],
      ['dotdot', media([{ name: 'local_content/../../../escape', type: 'file', data: 'x' }]), /climbs out of its folder/],
      ['absolute', media([{ name: '/tmp/homeport-hostile-absolute', type: 'file', data: 'x' }]), /absolute path/],
      ['device', media([{ name: 'local_content/dev', type: 'chr' }]), /is a device/],
      ['oversize', media([{ name: 'local_content/ab/cd/huge', type: 'file', claimed: 9 * 1024 ** 3 }]), /more than the \d+ bytes an entry may hold/],
      ['outside', media([{ name: 'srv/media_store/local_content/a', type: 'file', data: 'x' }, { name: 'etc/cron.d/x', type: 'file', data: 'x' }]), /lies outside srv\/media_store\//],
      ['not-a-tar', (dir) => writeFile(join(dir, 'media_store.tar.gz'), 'this is not an archive'), /not a readable gzip tar archive/],
      ['corrupt-zip', (dir) => writeFile(join(dir, 'database.zip'), 'PK\u0003\u0004 this is no zip'), /database\.zip is refused: not a readable zip archive/, false],
      ['zip-symlink', (dir) => writeArchive('zip', join(dir, 'database.zip'), [{ name: 'dump/toc.dat', data: 'x' }, { name: 'dump/x', data: '/etc/passwd', symlink: true }]), /"dump\/x" is a symbolic link/, false],
      ['zip-dotdot', (dir) => writeArchive('zip', join(dir, 'database.zip'), [{ name: 'dump/../../x', data: 'x' }]), /database\.zip is refused/, false],
    ];
    for (const [name, files, reason, withSqlite] of cases) {
      const answer = await importFrom(await folder(name, files, withSqlite));
      assert.equal(answer.status, 422, `${name}: ${JSON.stringify(answer.body)}`);
      assert.match(answer.body.detail, reason, name);
    }
    const hosts = await homeport.api<{ hosts: unknown[] }>('GET', '/api/v1/operator/hosts', { token: operator });
    assert.deepEqual(hosts.body.hosts, []);
    assert.deepEqual(await databaseNames(), databasesBefore);
  });
});

describe('a media store holding a link', () => {
  test('is exported without it, and an archive with one is never unpacked', async () => {
    const work = await mkdtemp(join(tmpdir(), 'homeport-media-link-'));
    try {
      const store = join(work, 'media');
      await mkdir(join(store, 'local_content', 'ab', 'cd'), { recursive: true });
      await writeFile(join(store, 'local_content', 'ab', 'cd', 'real'), 'media');
      await writeFile(join(work, 'master.key'), 'secret');
      await symlink(join(work, 'master.key'), join(store, 'local_content', 'ab', 'cd', 'x'));
      const skipped = await archiveMediaDirectory(store, join(work, 'export.tar.gz'));
      assert.deepEqual(skipped, ['./local_content/ab/cd/x']);
      const { stdout } = await run('tar', ['-tvzf', join(work, 'export.tar.gz')]);
      assert.doesNotMatch(stdout, /^l/m, stdout);
      assert.match(stdout, /local_content\/ab\/cd\/real/);
      await extractMediaArchive(join(work, 'export.tar.gz'), join(work, 'restored'));
      assert.equal(await readFile(join(work, 'restored', 'local_content', 'ab', 'cd', 'real'), 'utf8'), 'media');

      await writeArchive('tar', join(work, 'hostile.tar.gz'), [{ name: 'local_content/zz/zz/x', type: 'symlink', linkname: join(work, 'master.key') }]);
      await assert.rejects(checkMediaArchive(join(work, 'hostile.tar.gz')), ArchiveRefused);
      await assert.rejects(extractMediaArchive(join(work, 'hostile.tar.gz'), join(work, 'unpacked')), /symbolic link/);
      await assert.rejects(readFile(join(work, 'unpacked', 'local_content', 'zz', 'zz', 'x')), { code: 'ENOENT' });
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  });
});
