// Import from a self-hosted Synapse on PostgreSQL: a plain Synapse runs outside Homeport with
// its own config and its own PostgreSQL database (owned by its own role, as the Synapse docs set
// it up), gets users, a room with messages, an image and a registration token through real
// clients, stops, and is dumped twice the way operators do: `pg_dump -Fc` and `pg_dump | gzip`.
// The custom dump is imported; the same server name from the gzip dump is refused while the
// first import holds it; once that host is cancelled the gzip dump is sent with the CLI's
// --upload (as from another machine) and imports too. Both times the same users log in with
// the same passwords and everything is there.
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { createWriteStream, existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGzip, gunzipSync, gzipSync } from 'node:zlib';
import { promisify } from 'node:util';
import { after, before, describe, test } from 'node:test';
import { postgresTool } from '../support/environment.ts';
import { assertSameContent, type HostContent } from '../support/host-content.ts';
import { openHomeportDatabase } from '../support/host-admin.ts';
import { HomeportProcess, type Problem } from '../support/homeport-process.ts';
import { startSelfHostedSynapse, type SelfHostedSynapse } from '../support/self-hosted-synapse.ts';
import { startThrowawayPostgres, type ThrowawayPostgres } from '../support/throwaway-postgres.ts';

const run = promisify(execFile);

/** The last value of the imported host's state_group_id_seq. */
async function stateGroupSequence(homeport: HomeportProcess, label: string): Promise<number> {
  const opened = await openHomeportDatabase(homeport);
  let host;
  try {
    host = await opened.db.selectFrom('hosts').select(['database_name', 'status']).where('label', '=', label).where('status', '<>', 'cancelled').executeTakeFirstOrThrow();
  } finally {
    await opened.close();
  }
  const database = await openHomeportDatabase(homeport, host.database_name);
  try {
    const { rows } = await database.pool.query<{ last_value: string; is_called: boolean }>('SELECT last_value::text, is_called FROM state_group_id_seq');
    assert.ok(rows[0]?.is_called, 'state_group_id_seq has been used');
    return Number(rows[0]!.last_value);
  } finally {
    await database.close();
  }
}

describe('import from a self-hosted Synapse on PostgreSQL (custom and plain gzip dumps)', () => {
  let work: string;
  let postgres: ThrowawayPostgres | undefined;
  let synapse: SelfHostedSynapse | undefined;
  let homeport: HomeportProcess;
  let owner: string;
  let operator: string;
  let content: HostContent;
  const serverName = 'old.pgi.localhost';
  const importArgs = ['--label', 'old', '--account', 'owner@example.org', '--size', 'starter', '--seats', '10', '--verify-user', 'alice'];

  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'homeport-selfhosted-pg-'));
    postgres = await startThrowawayPostgres();
    const superuser = ['-h', '127.0.0.1', '-p', String(postgres.port), '-U', postgres.superuser];
    // As the Synapse docs say: a role of its own owning a UTF8 database with C collation.
    await run(postgresTool('psql'), [...superuser, '-v', 'ON_ERROR_STOP=1', '-d', 'postgres',
      '-c', "CREATE ROLE synapse_user LOGIN PASSWORD 'synapse password'",
      '-c', "CREATE DATABASE synapse ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0 OWNER synapse_user"]);

    const dir = join(work, 'synapse');
    const database = { name: 'psycopg2', args: { user: 'synapse_user', password: 'synapse password', dbname: 'synapse', host: '127.0.0.1', port: postgres.port, cp_min: 1, cp_max: 5 } };
    synapse = await startSelfHostedSynapse(dir, serverName, database, 'self-hosted on PostgreSQL');
    content = synapse.content;
    await synapse.stop();

    // What the operator is handed, twice: config, key, media archive, and the database dumped by
    // the PostgreSQL superuser with default options (owners and grants included).
    const custom = join(work, 'custom');
    const plain = join(work, 'plain');
    for (const folder of [custom, plain]) {
      await mkdir(folder);
      for (const name of ['homeserver.yaml', `${serverName}.signing.key`]) await cp(join(dir, name), join(folder, name));
      await run('tar', ['-czf', join(folder, 'media_store.tar.gz'), '-C', dir, 'media_store']);
    }
    await run(postgresTool('pg_dump'), [...superuser, '-Fc', '-f', join(custom, 'synapse.dump'), 'synapse']);
    const dump = spawn(postgresTool('pg_dump'), [...superuser, 'synapse'], { stdio: ['ignore', 'pipe', 'inherit'] });
    const dumped = new Promise<number | null>((done) => dump.once('exit', done));
    await pipeline(dump.stdout, createGzip(), createWriteStream(join(plain, 'synapse.sql.gz')));
    assert.equal(await dumped, 0, 'pg_dump | gzip succeeded');
    await postgres.stop();
    postgres = undefined;
    await writeFile(join(work, 'alice-password'), content.users[0]!.password);

    homeport = await HomeportProcess.create('pgi');
    await homeport.start();
    owner = await homeport.createAccount('owner@example.org');
    const created = await homeport.cli(['account', 'create', '--email', 'ops@example.org', '--name', 'Ops', '--operator', '--with-token']);
    operator = /^token (\S+)$/m.exec(created.stdout)?.[1] ?? '';
    assert.ok(operator, created.stdout + created.stderr);
  });
  after(async () => {
    await synapse?.stop();
    await postgres?.stop();
    await homeport?.cleanup();
    await rm(work, { recursive: true, force: true });
  });

  test('imports a custom-format pg_dump: the same users, messages, image, key and token work, and state_group_id_seq is past 1', async () => {
    const imported = await homeport.cli(['host', 'import', '--from', join(work, 'custom'), ...importArgs, '--verify-password-file', join(work, 'alice-password'), '--wait'], operator);
    assert.equal(imported.code, 0, imported.stdout + imported.stderr);
    assert.match(imported.stdout, /database: custom/);
    assert.match(imported.stdout, /pg_restore --no-owner/);
    assert.match(imported.stdout, /@alice:old\.pgi\.localhost logged in/);
    await assertSameContent(homeport, 'old', content);
    assert.ok((await stateGroupSequence(homeport, 'old')) > 1);
  });

  test('refuses a plain gzip dump newer than the installed Synapse, and the same server name while the first import serves it, before any change', async () => {
    const body = { label: 'again', accountEmail: 'owner@example.org', size: 'starter', seats: 10, verifyUser: 'alice', verifyPassword: content.users[0]!.password };
    // The dump of a newer Synapse: its schema_compat_version row says so.
    await cp(join(work, 'plain'), join(work, 'newer'), { recursive: true });
    const sql = gunzipSync(await readFile(join(work, 'plain', 'synapse.sql.gz'))).toString('utf8');
    const newer = sql.replace(/^(COPY public\.schema_compat_version \(lock, compat_version\) FROM stdin;\nX\t)\d+$/m, '$19999');
    assert.notEqual(newer, sql, 'the dump holds schema_compat_version');
    await writeFile(join(work, 'newer', 'synapse.sql.gz'), gzipSync(newer));
    const tooNew = await homeport.api<Problem>('POST', '/api/v1/operator/imports', { token: operator, body: { ...body, from: join(work, 'newer') } });
    assert.equal(tooNew.status, 409, JSON.stringify(tooNew.body));
    assert.match(tooNew.body.detail, /schema 9999/);

    const refused = await homeport.api<Problem>('POST', '/api/v1/operator/imports', { token: operator, body: { ...body, from: join(work, 'plain') } });
    assert.equal(refused.status, 409, JSON.stringify(refused.body));
    assert.match(refused.body.detail, /already serves old\.pgi\.localhost/);
    const hosts = await homeport.api<{ hosts: { label: string }[] }>('GET', '/api/v1/operator/hosts', { token: operator });
    assert.deepEqual(hosts.body.hosts.map((host) => host.label), ['old']);
  });

  test('an import upload takes safe file names only, resumes at the size written, and is for operators only', async () => {
    const created = await homeport.api<{ id: string; files: unknown[] }>('POST', '/api/v1/operator/import-uploads', { token: operator });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const put = (name: string, body: string, offset = 0, token = operator) => fetch(`${homeport.apiUrl}/api/v1/operator/import-uploads/${created.body.id}/files/${name}?offset=${offset}`, {
      method: 'PUT', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/octet-stream' }, body,
    });
    for (const name of ['...', '.hidden', '..%2Fescape', 'a%2Fb', 'homeserver%20copy.yaml']) {
      const answer = await put(name, 'x');
      assert.equal(answer.status, 400, `${name}: ${await answer.text()}`);
      assert.match(answer.headers.get('content-type') ?? '', /application\/problem\+json/);
    }
    assert.equal((await put('homeserver.yaml', 'server_name: x', 0, owner)).status, 404);
    assert.equal((await put('homeserver.yaml', 'server_name: ')).status, 200);
    assert.equal((await put('homeserver.yaml', 'x', 3)).status, 409, 'an offset other than the size written');
    assert.deepEqual(await (await put('homeserver.yaml', 'example.org\n', 13)).json(), { name: 'homeserver.yaml', size: 25 });
    const listed = await homeport.api<{ files: { name: string; size: number }[] }>('GET', `/api/v1/operator/import-uploads/${created.body.id}`, { token: operator });
    assert.deepEqual(listed.body.files, [{ name: 'homeserver.yaml', size: 25 }]);
    const both = await homeport.api<Problem>('POST', '/api/v1/operator/imports', {
      token: operator, body: { from: join(work, 'plain'), upload: created.body.id, label: 'again', accountEmail: 'owner@example.org', size: 'starter', seats: 10, verifyUser: 'alice', verifyPassword: 'x' },
    });
    assert.equal(both.status, 400, JSON.stringify(both.body));
    const openapi = await homeport.api<{ paths: Record<string, Record<string, { requestBody?: { content: Record<string, unknown> } }>> }>('GET', '/api/v1/openapi.json');
    assert.ok(openapi.body.paths['/api/v1/operator/import-uploads/{id}/files/{name}']?.put?.requestBody?.content['application/octet-stream'], 'the file upload is documented');
  });

  test('uploads the plain gzip dump\'s folder with the CLI and imports it once the first host is cancelled: everything is there again', async () => {
    const cancel = await homeport.cli(['host', 'cancel', 'old', '--confirm', 'old', '--wait'], owner);
    assert.equal(cancel.code, 0, cancel.stdout + cancel.stderr);
    const imported = await homeport.cli(['host', 'import', '--from', join(work, 'plain'), '--upload', ...importArgs, '--verify-password-file', join(work, 'alice-password'), '--wait'], operator);
    assert.equal(imported.code, 0, imported.stdout + imported.stderr);
    const uploadId = /^upload (\S+)$/m.exec(imported.stdout)?.[1];
    assert.ok(uploadId, imported.stdout);
    assert.match(imported.stdout, /synapse\.sql\.gz: /);
    assert.match(imported.stdout, /database: plain-gzip/);
    assert.match(imported.stdout, /@alice:old\.pgi\.localhost logged in/);
    await assertSameContent(homeport, 'old', content);
    assert.ok((await stateGroupSequence(homeport, 'old')) > 1);
    // The upload is gone once its import has finished.
    assert.equal((await homeport.api('GET', `/api/v1/operator/import-uploads/${uploadId}`, { token: operator })).status, 404);
    assert.equal(existsSync(join(homeport.dataDir, 'import-uploads', uploadId)), false);
  });
});
