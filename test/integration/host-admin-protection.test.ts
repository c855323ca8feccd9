// Homeport's own admin user on a host, against the host's own server admins, and the seats the
// customer pays for. A customer's server admin (a real user with a token, through the edge) tries
// to deactivate, demote, lock or log out Homeport's user in every encoding: the edge refuses.
// The same attack straight at Synapse, past the edge, is repaired at Homeport's next call; a change
// in the host's database is repaired by a rebuild. Homeport's user is a `support` user and takes
// no seat; at the seat limit `user add` answers 409 and token registration says why it fails.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { MatrixError } from 'matrix-js-sdk';
import pg from 'pg';
import { eventually } from '../support/eventually.ts';
import { hostAdmin, hostHttpPort, hostSecrets, openHomeportDatabase } from '../support/host-admin.ts';
import { HomeportProcess, type ApiAnswer, type Problem } from '../support/homeport-process.ts';
import { registerThroughEdge } from '../support/matrix-registration.ts';
import { loginThroughEdge } from '../support/matrix-user.ts';

interface HostAnswer { seats: number; seatsUsed: number | null; seatsWarning: string | null }

describe("Homeport's own access and the seats of a host", () => {
  let homeport: HomeportProcess;
  let token: string;
  let hostId: string;
  let server: string;
  let homeportUser: string;
  let httpPort: number;
  /** Alice, made a server admin of the host by the customer: the attacker. */
  let aliceToken: string;
  const passwords = new Map<string, string>();

  const api = <T>(method: string, path: string, body?: unknown): Promise<ApiAnswer<T>> => homeport.api<T>(method, path, { token, body });

  async function homeportUserState(): Promise<{ admin: boolean; deactivated: boolean; locked: boolean; userType: string | null }> {
    const user = await (await hostAdmin(homeport, hostId)).getUser(homeportUser);
    assert.ok(user, "Homeport's user exists");
    return { admin: user.admin, deactivated: user.deactivated, locked: user.locked, userType: user.userType };
  }
  const intact = { admin: true, deactivated: false, locked: false, userType: 'support' };

  async function addUser(username: string): Promise<ApiAnswer<{ password: string } & Problem>> {
    const added = await api<{ password: string } & Problem>('POST', '/api/v1/hosts/acme/users', { username });
    if (added.status === 201) passwords.set(username, added.body.password);
    return added;
  }

  async function withHostDatabase<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
    const opened = await openHomeportDatabase(homeport);
    const row = await opened.db.selectFrom('hosts').select('database_name').where('id', '=', hostId).executeTakeFirstOrThrow();
    await opened.close();
    const secrets = await hostSecrets(homeport, hostId);
    const client = new pg.Client({
      host: '127.0.0.1', port: Number(homeport.env.HOMEPORT_PG_PORT), database: row.database_name, user: row.database_name, password: secrets.databasePassword,
    });
    await client.connect();
    try {
      return await work(client);
    } finally {
      await client.end();
    }
  }

  before(async () => {
    homeport = await HomeportProcess.create('guard');
    await homeport.start();
    token = await homeport.createAccount('owner@example.org');
    const created = await api<{ host: { id: string; serverName: string } }>('POST', '/api/v1/hosts', { label: 'acme', size: 'starter', seats: 5 });
    assert.equal(created.status, 202, JSON.stringify(created.body));
    hostId = created.body.host.id;
    server = created.body.host.serverName;
    homeportUser = `@homeport-admin:${server}`;
    await homeport.waitForHostStatus(token, hostId, 'running');
    httpPort = await hostHttpPort(homeport, hostId);
  });
  after(async () => {
    await homeport?.cleanup();
  });

  test("Homeport's user is a support user: a server admin that takes no seat", async () => {
    assert.deepEqual(await homeportUserState(), intact);
    const shown = await api<HostAnswer>('GET', '/api/v1/hosts/acme');
    assert.equal(shown.status, 200);
    assert.equal(shown.body.seats, 5);
    assert.equal(shown.body.seatsUsed, 0, 'Homeport has used its admin token many times, yet no seat is taken');
    assert.equal(shown.body.seatsWarning, null);
  });

  test("the edge refuses a customer's server admin every call that names Homeport's user, in any encoding", async () => {
    assert.equal((await addUser('alice')).status, 201);
    assert.equal((await api('PUT', `/api/v1/hosts/acme/users/alice/admin`, { admin: true })).status, 200);
    aliceToken = (await loginThroughEdge(homeport, 'acme', 'alice', passwords.get('alice') ?? '')).getAccessToken() ?? '';
    const edgeFetch = await homeport.edgeFetch();
    const forms = [homeportUser, encodeURIComponent(homeportUser), homeportUser.replace('@', '%40'), encodeURIComponent(homeportUser).replace('%3A', '%3a')];
    const attacks: Array<[string, string, unknown]> = [
      ['POST', '/_synapse/admin/v1/deactivate/{}', { erase: true }],
      ['PUT', '/_synapse/admin/v2/users/{}', { admin: false, deactivated: true, locked: true }],
      ['PUT', '/_synapse/admin/v1/users/{}/admin', { admin: false }],
      ['POST', '/_synapse/admin/v1/reset_password/{}', { new_password: 'taken over 2026', logout_devices: true }],
      ['POST', '/_synapse/admin/v1/users/{}/login', {}],
      ['POST', '/_synapse/admin/v1/users/{}/shadow_ban', {}],
      ['PUT', '/_synapse/admin/v1/suspend/{}', { suspend: true }],
      ['POST', '/_synapse/admin/v2/users/{}/delete_devices', { devices: [] }],
      ['POST', '/_synapse/admin/v1/users/{}/override_ratelimit', { messages_per_second: 0 }],
      ['PUT', '/_matrix/client/v3/profile/{}/displayname', { displayname: 'not Homeport' }],
    ];
    for (const [method, path, body] of attacks) {
      for (const form of forms) {
        const response = await edgeFetch(homeport.edgeUrl('acme', path.replace('{}', form)), {
          method, headers: { authorization: `Bearer ${aliceToken}`, 'content-type': 'application/json' }, body: JSON.stringify(body),
        });
        assert.equal(response.status, 403, `${method} ${path} with ${form}`);
        assert.equal(((await response.json()) as { errcode: string }).errcode, 'M_FORBIDDEN');
      }
    }
    // The same server admin still manages everyone else through the edge.
    const other = await edgeFetch(homeport.edgeUrl('acme', `/_synapse/admin/v2/users/${encodeURIComponent(`@alice:${server}`)}`), { headers: { authorization: `Bearer ${aliceToken}` } });
    assert.equal(other.status, 200);
    assert.deepEqual(await homeportUserState(), intact);
    assert.equal((await api('GET', '/api/v1/hosts/acme/users')).status, 200);
  });

  test("Homeport's user deactivated straight at Synapse, past the edge, is restored at Homeport's next call", async () => {
    const direct = await fetch(`http://127.0.0.1:${httpPort}/_synapse/admin/v1/deactivate/${encodeURIComponent(homeportUser)}`, {
      method: 'POST', headers: { authorization: `Bearer ${aliceToken}`, 'content-type': 'application/json' }, body: JSON.stringify({ erase: false }),
    });
    assert.equal(direct.status, 200, await direct.text());
    const users = await api<{ users: Array<{ userId: string }> }>('GET', '/api/v1/hosts/acme/users');
    assert.equal(users.status, 200, JSON.stringify(users.body));
    assert.deepEqual(users.body.users.map((user) => user.userId), [`@alice:${server}`]);
    assert.deepEqual(await homeportUserState(), intact);
    const opened = await openHomeportDatabase(homeport);
    const restored = await opened.db.selectFrom('audit_log').select('actor').where('host_id', '=', hostId).where('action', '=', 'host.admin-access-restored').execute();
    await opened.close();
    assert.deepEqual(restored.map((row) => row.actor), ['homeport']);
  });

  test("a rebuild restores Homeport's user after a change in the host's database", async () => {
    assert.equal((await api('PATCH', '/api/v1/hosts/acme', { supportEmail: 'safety@acme.example' })).status, 200);
    await withHostDatabase((client) => client.query("UPDATE users SET admin = 0, deactivated = 1, locked = true, user_type = NULL, password_hash = NULL WHERE name = $1", [homeportUser]));
    await withHostDatabase((client) => client.query('DELETE FROM access_tokens WHERE user_id = $1', [homeportUser]));
    const rebuild = await api<{ job: { id: string } }>('POST', '/api/v1/hosts/acme/rebuild');
    assert.equal(rebuild.status, 202);
    const job = await homeport.waitForJob(token, rebuild.body.job.id);
    assert.equal(job.status, 'succeeded', JSON.stringify(job));
    assert.deepEqual(await homeportUserState(), intact);
    assert.equal((await api('GET', '/api/v1/hosts/acme/registration-tokens')).status, 200);
  });

  test('at the seat limit: warned, `user add` refused with 409, and token registration explains the refusal', async () => {
    for (const name of ['bob', 'carol', 'dave', 'erin']) assert.equal((await addUser(name)).status, 201);
    // A seat is taken at a user's first authenticated request, once Synapse writes it down.
    for (const name of ['alice', 'bob', 'carol', 'dave', 'erin']) await (await loginThroughEdge(homeport, 'acme', name, passwords.get(name) ?? '')).whoami();
    const full = await eventually(async () => {
      const shown = await api<HostAnswer>('GET', '/api/v1/hosts/acme');
      assert.equal(shown.body.seatsUsed, 5);
      return shown.body;
    }, 60_000);
    assert.match(full.seatsWarning ?? '', /All 5 seats are in use/);
    const shown = await homeport.cli(['host', 'show', 'acme'], token);
    assert.match(shown.stdout, /seats used: {3}5 of 5/);
    assert.match(shown.stdout, /warning: {6}All 5 seats are in use/);

    const refused = await addUser('frank');
    assert.equal(refused.status, 409, JSON.stringify(refused.body));
    assert.equal(refused.body.type.endsWith('seat-limit-reached'), true, refused.body.type);
    assert.match(refused.body.detail, /All 5 seats of host acme are in use/);
    const cli = await homeport.cli(['user', 'add', 'acme', 'frank'], token);
    assert.notEqual(cli.code, 0);
    assert.match(cli.stderr, /All 5 seats of host acme are in use/);
    assert.equal((await api<{ total: number }>('GET', '/api/v1/hosts/acme/users')).body.total, 5, 'nobody was created');

    const created = await api<{ token: string; seatWarning?: string }>('POST', '/api/v1/hosts/acme/registration-tokens', { usesAllowed: 1, expiresAt: null });
    assert.equal(created.status, 201);
    assert.match(created.body.seatWarning ?? '', /refuses new registrations/);
    const registration = await registerThroughEdge(homeport, 'acme', { username: 'grace', password: 'a good password 2026', registrationToken: created.body.token }).then(
      () => assert.fail('registered past the seat limit'),
      (error: unknown) => error,
    );
    assert.ok(registration instanceof MatrixError, String(registration));
    assert.equal(registration.errcode, 'M_RESOURCE_LIMIT_EXCEEDED');
    assert.equal(registration.data.admin_contact, 'mailto:safety@acme.example', "the customer's Trust & Safety contact");
    const listed = await api<{ tokens: Array<{ token: string; pending: number }>; seatWarning: string | null }>('GET', '/api/v1/hosts/acme/registration-tokens');
    assert.match(listed.body.seatWarning ?? '', /stays counted as pending/);
  });
});
