// Two hosts run at once, each with its own database; neither sees the other's users.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { HomeportProcess } from '../support/homeport-process.ts';
import { hostAdmin, localHostPorts, openHomeportDatabase } from '../support/host-admin.ts';
import { loginThroughEdge } from '../support/matrix-user.ts';

describe('two hosts', () => {
  let homeport: HomeportProcess;
  let token: string;
  const ids: Record<string, string> = {};

  before(async () => {
    homeport = await HomeportProcess.create('pair');
    await homeport.start();
    token = await homeport.createAccount('pair@example.org');
  });
  after(async () => {
    await homeport?.cleanup();
  });

  test('are built side by side', async () => {
    const created = await Promise.all(['acme', 'globex'].map((label) =>
      homeport.api<{ host: { id: string } }>('POST', '/api/v1/hosts', { token, body: { label, size: 'starter', seats: 5 } })));
    ids.acme = created[0]?.body.host.id ?? '';
    ids.globex = created[1]?.body.host.id ?? '';
    await Promise.all(Object.values(ids).map((id) => homeport.waitForHostStatus(token, id, 'running')));
  });

  test('are listed a page at a time, newest first', async () => {
    const first = await homeport.api<{ hosts: { label: string }[]; next: string | null }>('GET', '/api/v1/hosts?limit=1', { token });
    assert.equal(first.status, 200);
    assert.equal(first.body.hosts.length, 1);
    assert.ok(first.body.next);
    const second = await homeport.api<{ hosts: { label: string }[]; next: string | null }>('GET', `/api/v1/hosts?limit=1&after=${first.body.next}`, { token });
    assert.equal(second.body.hosts.length, 1);
    assert.equal(second.body.next, null);
    assert.deepEqual([...first.body.hosts, ...second.body.hosts].map((host) => host.label).sort(), ['acme', 'globex']);
    const listed = await homeport.cli(['host', 'list'], token);
    assert.match(listed.stdout, /acme/);
    assert.match(listed.stdout, /globex/);
    const stranger = await homeport.createAccount('stranger@example.org');
    const foreignCursor = await homeport.api<{ detail: string }>('GET', `/api/v1/hosts?after=${first.body.next}`, { token: stranger });
    assert.equal(foreignCursor.status, 404);
    assert.match(foreignCursor.body.detail, /not a host of this account/);
    assert.equal((await homeport.api('GET', '/api/v1/hosts?limit=0', { token })).status, 400);
  });

  test('each have their own database', async () => {
    const opened = await openHomeportDatabase(homeport);
    const rows = await opened.db.selectFrom('hosts').select(['id', 'label', 'database_name']).orderBy('label').execute();
    await opened.close();
    assert.equal(rows.length, 2);
    assert.notEqual(rows[0]?.database_name, rows[1]?.database_name);
    const ports = await Promise.all(rows.map((row) => localHostPorts(homeport, row.id)));
    assert.ok(ports[0] && ports[1], 'the local runtime gave both hosts ports');
    assert.notEqual(ports[0].httpPort, ports[1].httpPort);
    const postgres = await openHomeportDatabase(homeport, 'postgres');
    const found = await postgres.pool.query("SELECT datname FROM pg_database WHERE datname LIKE 'host_%'");
    await postgres.close();
    assert.equal(found.rowCount, 2);
  });

  test("don't see each other's users", async () => {
    const acme = await hostAdmin(homeport, ids.acme ?? '');
    const globex = await hostAdmin(homeport, ids.globex ?? '');
    await acme.upsertUser(`@alice:acme.${homeport.baseDomain}`, { password: 'alice works at acme' });
    await globex.upsertUser(`@gina:globex.${homeport.baseDomain}`, { password: 'gina works at globex' });

    assert.ok(await loginThroughEdge(homeport, 'acme', 'alice', 'alice works at acme'));
    assert.ok(await loginThroughEdge(homeport, 'globex', 'gina', 'gina works at globex'));
    await assert.rejects(loginThroughEdge(homeport, 'globex', 'alice', 'alice works at acme'), /M_FORBIDDEN|Invalid username or password/);
    await assert.rejects(loginThroughEdge(homeport, 'acme', 'gina', 'gina works at globex'), /M_FORBIDDEN|Invalid username or password/);
    assert.equal(await acme.getUser(`@gina:acme.${homeport.baseDomain}`), null);
    assert.equal(await globex.getUser(`@alice:globex.${homeport.baseDomain}`), null);
    assert.ok(await acme.getUser(`@alice:acme.${homeport.baseDomain}`));
  });
});
