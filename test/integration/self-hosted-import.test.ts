// Import from a self-hosted Synapse: a plain Synapse runs outside Homeport with its own config
// and a SQLite database, gets users, a room with messages and an image through real clients,
// stops, and its files (homeserver.yaml, signing key, homeserver.db, a media archive) are
// imported. The same users log in with the same passwords and everything is there.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, test } from 'node:test';
import { assertSameContent, type HostContent } from '../support/host-content.ts';
import { HomeportProcess, type Problem } from '../support/homeport-process.ts';
import { selfHostedPython as python, startSelfHostedSynapse, type SelfHostedSynapse } from '../support/self-hosted-synapse.ts';

const run = promisify(execFile);

async function sqlite(file: string, statement: string): Promise<string> {
  const { stdout } = await run(python, ['-c', 'import sqlite3, sys\ndb = sqlite3.connect(sys.argv[1])\nrows = db.execute(sys.argv[2]).fetchall()\ndb.commit()\nprint(rows[0][0] if rows else "")', file, statement]);
  return stdout.trim();
}

describe('import from a self-hosted Synapse', () => {
  let work: string;
  let synapse: SelfHostedSynapse | undefined;
  let homeport: HomeportProcess;
  let operator: string;
  let content: HostContent;
  const serverName = 'old.sh.localhost';

  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'homeport-selfhosted-'));
    const dir = join(work, 'synapse');
    synapse = await startSelfHostedSynapse(dir, serverName, { name: 'sqlite3', args: { database: join(dir, 'homeserver.db') } }, 'self-hosted');
    content = synapse.content;

    // synapse_port_db refuses a database with background updates still pending.
    const deadline = Date.now() + 120_000;
    while (Number(await sqlite(join(dir, 'homeserver.db'), 'SELECT count(*) FROM background_updates')) > 0 && Date.now() < deadline) {
      await new Promise((done) => setTimeout(done, 500));
    }
    await synapse.stop();

    // What the operator is handed: config, key, SQLite database and a media archive.
    const folder = join(work, 'import');
    await mkdir(folder);
    for (const name of ['homeserver.yaml', `${serverName}.signing.key`, 'homeserver.db']) await cp(join(dir, name), join(folder, name));
    await run('tar', ['-czf', join(folder, 'media_store.tar.gz'), '-C', dir, 'media_store']);
    await writeFile(join(work, 'alice-password'), content.users[0]!.password);

    homeport = await HomeportProcess.create('sh');
    await homeport.start();
    await homeport.createAccount('owner@example.org');
    const created = await homeport.cli(['account', 'create', '--email', 'ops@example.org', '--name', 'Ops', '--operator', '--with-token']);
    operator = /^token (\S+)$/m.exec(created.stdout)?.[1] ?? '';
    assert.ok(operator, created.stdout + created.stderr);
  });
  after(async () => {
    await synapse?.stop();
    await homeport?.cleanup();
    await rm(work, { recursive: true, force: true });
  });

  test('refuses a database newer than the installed Synapse, one with background updates pending, and a folder without signing key, before any change', async () => {
    const body = { label: 'old', accountEmail: 'owner@example.org', size: 'starter', seats: 10, verifyUser: 'alice', verifyPassword: content.users[0]!.password };
    await cp(join(work, 'import'), join(work, 'newer'), { recursive: true });
    await sqlite(join(work, 'newer', 'homeserver.db'), 'UPDATE schema_version SET version = 9999');
    await sqlite(join(work, 'newer', 'homeserver.db'), 'UPDATE schema_compat_version SET compat_version = 9999');
    const newer = await homeport.api<Problem>('POST', '/api/v1/operator/imports', { token: operator, body: { ...body, from: join(work, 'newer') } });
    assert.equal(newer.status, 409, JSON.stringify(newer.body));
    assert.match(newer.body.detail, /schema 9999/);

    // A Synapse stopped before its background updates finished: synapse_port_db would refuse it
    // after the host was half made (it used to fail 5 attempts with Python's log as the error).
    await cp(join(work, 'import'), join(work, 'pending'), { recursive: true });
    await sqlite(join(work, 'pending', 'homeserver.db'), "INSERT INTO background_updates (update_name, progress_json) VALUES ('event_search_fix', '{}')");
    const pending = await homeport.api<Problem>('POST', '/api/v1/operator/imports', { token: operator, body: { ...body, from: join(work, 'pending') } });
    assert.equal(pending.status, 422, JSON.stringify(pending.body));
    assert.match(pending.body.detail, /1 background update\(s\) that have not run yet \(event_search_fix\)/);
    assert.match(pending.body.detail, /Start your Synapse with this database once more/);

    await cp(join(work, 'import'), join(work, 'nokey'), { recursive: true });
    await rm(join(work, 'nokey', `${serverName}.signing.key`));
    const noKey = await homeport.api<Problem>('POST', '/api/v1/operator/imports', { token: operator, body: { ...body, from: join(work, 'nokey') } });
    assert.equal(noKey.status, 422);
    assert.match(noKey.body.detail, /signing key is missing/);
    const hosts = await homeport.api<{ hosts: unknown[] }>('GET', '/api/v1/operator/hosts', { token: operator });
    assert.equal(hosts.body.hosts.length, 0);
  });

  test('imports homeserver.yaml, signing key, SQLite database and media: the same users, messages, image, key and token work', async () => {
    const imported = await homeport.cli([
      'host', 'import', '--from', join(work, 'import'), '--label', 'old', '--account', 'owner@example.org', '--size', 'starter', '--seats', '10',
      '--verify-user', 'alice', '--verify-password-file', join(work, 'alice-password'), '--wait',
    ], operator);
    assert.equal(imported.code, 0, imported.stdout + imported.stderr);
    assert.match(imported.stdout, /ported to PostgreSQL with synapse_port_db/);
    assert.match(imported.stdout, /@alice:old\.sh\.localhost logged in/);
    await assertSameContent(homeport, 'old', content);
  });
});
