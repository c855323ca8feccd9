// Server admin against a real host: a customer adds users, resets passwords, grants admin rights,
// deactivates users and hands out registration tokens, through the API and the CLI, and real
// Matrix clients (matrix-js-sdk through the edge) see the effect. Homeport's admin token never shows.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { MatrixError, type MatrixClient } from 'matrix-js-sdk';
import type { Static } from 'typebox';
import type { HostUser as HostUserSchema, HostUserPage } from '../../src/contract/host-users.ts';
import type { RegistrationToken } from '../../src/contract/registration-tokens.ts';
import { eventually } from '../support/eventually.ts';
import { hostAdmin, hostSecrets, openHomeportDatabase } from '../support/host-admin.ts';
import { HomeportProcess, type ApiAnswer, type Problem } from '../support/homeport-process.ts';
import { registerThroughEdge, registerWithoutToken } from '../support/matrix-registration.ts';
import { loginThroughEdge } from '../support/matrix-user.ts';

type HostUser = Static<typeof HostUserSchema>;
type UserPage = Static<typeof HostUserPage>;
type TokenView = Static<typeof RegistrationToken>;

async function matrixErrorOf(promise: Promise<unknown>): Promise<MatrixError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof MatrixError, String(error));
    return error;
  }
  assert.fail('the Matrix request succeeded');
}

describe('server admin of a host', () => {
  let homeport: HomeportProcess;
  let token: string;
  let strangerToken: string;
  let hostId: string;
  let server: string;
  /** Every answer Homeport gave in this file, searched for secrets at the end. */
  const seen: string[] = [];
  /** Passwords Homeport generated: never in its log or audit log. */
  const shownPasswords: string[] = [];
  /** Registration tokens handed out: in the audit log only as a hint. */
  const shownTokens: string[] = ['team-2026'];
  let alice: MatrixClient;
  let alicePassword: string;
  let bobPassword: string;

  async function api<T>(method: string, path: string, body?: unknown, as = token): Promise<ApiAnswer<T>> {
    const answer = await homeport.api<T>(method, path, { token: as, body });
    seen.push(JSON.stringify(answer.body ?? null));
    return answer;
  }

  async function cli(args: string[]): Promise<{ stdout: string; stderr: string; code: number }> {
    const result = await homeport.cli(args, token);
    seen.push(result.stdout, result.stderr);
    return result;
  }

  const users = (query = '') => api<UserPage>('GET', `/api/v1/hosts/acme/users${query}`);
  const tokens = () => api<{ tokens: TokenView[] }>('GET', '/api/v1/hosts/acme/registration-tokens');
  const userPath = (user: string) => `/api/v1/hosts/acme/users/${encodeURIComponent(user)}`;

  function assertProblem(answer: ApiAnswer<unknown>, status: number, detail: RegExp): void {
    assert.equal(answer.status, status, JSON.stringify(answer.body));
    assert.match(answer.headers.get('content-type') ?? '', /^application\/problem\+json/);
    assert.match((answer.body as Problem).detail, detail);
  }

  before(async () => {
    homeport = await HomeportProcess.create('sadm');
    await homeport.start();
    token = await homeport.createAccount('owner@example.org');
    strangerToken = await homeport.createAccount('stranger@example.org');
    const created = await api<{ host: { id: string; serverName: string } }>('POST', '/api/v1/hosts', { label: 'acme', size: 'starter', seats: 10 });
    assert.equal(created.status, 202, JSON.stringify(created.body));
    hostId = created.body.host.id;
    server = created.body.host.serverName;
    await homeport.waitForHostStatus(token, hostId, 'running');
  });
  after(async () => {
    await homeport?.cleanup();
  });

  test('adds a user with `homeport user add`; the password shown once logs in through the edge', async () => {
    const added = await cli(['user', 'add', 'acme', 'alice', '--display-name', 'Alice']);
    assert.equal(added.code, 0, added.stderr);
    assert.match(added.stdout, new RegExp(`^added @alice:${server.replaceAll('.', '\\.')}$`, 'm'));
    assert.match(added.stderr, /shown only once/);
    alicePassword = /^password: (\S+)$/m.exec(added.stdout)?.[1] ?? '';
    assert.ok(alicePassword.length >= 24, 'a strong generated password');
    shownPasswords.push(alicePassword);

    alice = await loginThroughEdge(homeport, 'acme', 'alice', alicePassword);
    assert.equal((await alice.whoami()).user_id, `@alice:${server}`);
    const shown = await api<HostUser>('GET', userPath('alice'));
    assert.equal(shown.status, 200);
    assert.equal(shown.body.userId, `@alice:${server}`);
    assert.equal(shown.body.displayName, 'Alice');
    assert.equal(shown.body.admin, false);
    assert.ok(Math.abs(Date.parse(shown.body.createdAt ?? '') - Date.now()) < 120_000, `created just now: ${shown.body.createdAt}`);
  });

  test('adds a user through the API and lists users page by page, searchable, without Homeport\'s own user', async () => {
    const added = await api<{ user: HostUser; password: string; warning: string }>('POST', '/api/v1/hosts/acme/users', { username: 'bob', admin: false });
    assert.equal(added.status, 201, JSON.stringify(added.body));
    assert.equal(added.body.user.userId, `@bob:${server}`);
    assert.equal(added.body.user.displayName, 'bob');
    assert.match(added.body.warning, /shown only once/);
    bobPassword = added.body.password;
    shownPasswords.push(bobPassword);

    const all = await users();
    assert.equal(all.status, 200);
    assert.deepEqual(all.body.users.map((user) => user.userId), [`@alice:${server}`, `@bob:${server}`]);
    assert.equal(all.body.total, 2);
    const found = await users('?search=ali');
    assert.deepEqual(found.body.users.map((user) => user.userId), [`@alice:${server}`]);
    assert.equal(found.body.total, 1);
    assert.equal((await users('?search=homeport')).body.total, 0);

    const paged: string[] = [];
    let from: number | null = 0;
    while (from !== null) {
      const page: ApiAnswer<UserPage> = await users(`?limit=1&from=${from}`);
      assert.ok(page.body.users.length <= 1);
      paged.push(...page.body.users.map((user) => user.userId));
      from = page.body.next;
    }
    assert.deepEqual(paged, [`@alice:${server}`, `@bob:${server}`]);

    const listed = await cli(['user', 'list', 'acme']);
    assert.equal(listed.code, 0, listed.stderr);
    assert.match(listed.stdout, /@alice:\S+\s+Alice/);
    assert.match(listed.stdout, /2 shown, 2 in all/);
    assert.doesNotMatch(listed.stdout, /homeport-admin/);
  });

  test('makes a user server admin and takes the rights away; Synapse reports both', async () => {
    const synapse = await hostAdmin(homeport, hostId);
    const granted = await api<{ user: HostUser; warning: string }>('PUT', `${userPath(`@alice:${server}`)}/admin`, { admin: true });
    assert.equal(granted.status, 200, JSON.stringify(granted.body));
    assert.equal(granted.body.user.admin, true);
    assert.match(granted.body.warning, /Admin API.*every account/);
    assert.equal((await synapse.getUser(`@alice:${server}`))?.admin, true);

    const revoked = await cli(['user', 'admin', 'acme', 'alice', '--revoke']);
    assert.equal(revoked.code, 0, revoked.stderr);
    assert.match(revoked.stdout, /no longer a server admin/);
    assert.equal((await synapse.getUser(`@alice:${server}`))?.admin, false);
  });

  test('resets a password: the old access token stops working and the new password logs in', async () => {
    const unconfirmed = await cli(['user', 'password', 'acme', 'alice']);
    assert.equal(unconfirmed.code, 2);
    assert.match(unconfirmed.stderr, /key backup/);
    assert.equal((await alice.whoami()).user_id, `@alice:${server}`, 'nothing happens without --yes');

    const reset = await api<{ user: HostUser; password?: string; loggedOut: boolean; warning: string }>('POST', `${userPath('alice')}/password`, {});
    assert.equal(reset.status, 200, JSON.stringify(reset.body));
    assert.equal(reset.body.loggedOut, true);
    assert.match(reset.body.warning, /key backup/);
    const newPassword = reset.body.password ?? '';
    assert.ok(newPassword.length >= 24);
    shownPasswords.push(newPassword);

    const stale = await matrixErrorOf(alice.whoami());
    assert.equal(stale.errcode, 'M_UNKNOWN_TOKEN');
    assert.equal((await matrixErrorOf(loginThroughEdge(homeport, 'acme', 'alice', alicePassword))).errcode, 'M_FORBIDDEN');
    alice = await loginThroughEdge(homeport, 'acme', 'alice', newPassword);
    assert.equal((await alice.whoami()).user_id, `@alice:${server}`);

    const chosen = await api<{ password?: string }>('POST', `${userPath('alice')}/password`, { password: 'a chosen password 2026' });
    assert.equal(chosen.status, 200);
    assert.equal(chosen.body.password, undefined, 'a chosen password is not echoed');
    await loginThroughEdge(homeport, 'acme', 'alice', 'a chosen password 2026');
    assertProblem(await api('POST', `${userPath('alice')}/password`, { password: 'too short' }), 422, /at least 12 characters/);
  });

  test('deactivates a user only when the full user ID is typed; then login fails', async () => {
    await loginThroughEdge(homeport, 'acme', 'bob', bobPassword);
    assertProblem(await api('POST', `${userPath('bob')}/deactivate`, { erase: true, confirm: 'bob' }), 422, new RegExp(`Type the full user ID "@bob:${server}"`));
    assert.equal((await api<HostUser>('GET', userPath('bob'))).body.deactivated, false, 'nothing changed');

    const done = await cli(['user', 'deactivate', 'acme', 'bob', '--confirm', `@bob:${server}`, '--erase']);
    assert.equal(done.code, 0, done.stderr);
    assert.match(done.stdout, /deactivated and erased/);
    const failed = await matrixErrorOf(loginThroughEdge(homeport, 'acme', 'bob', bobPassword));
    assert.equal(failed.httpStatus, 403);
    const bob = (await users()).body.users.find((user) => user.userId === `@bob:${server}`);
    assert.equal(bob?.deactivated, true);
    assert.equal(bob?.erased, true);
    assert.deepEqual((await users('?deactivated=false')).body.users.map((user) => user.userId), [`@alice:${server}`]);
    assertProblem(await api('POST', `${userPath('bob')}/password`, {}), 409, /deactivated/);
  });

  test('shows when a user was last seen', async () => {
    // Synapse writes client IPs in batches every few seconds.
    const lastSeen = await eventually(async () => {
      const shown = (await users('?search=alice')).body.users[0];
      assert.ok(shown?.lastSeenAt, 'alice has been seen');
      return shown.lastSeenAt;
    }, 20_000, 1000);
    assert.ok(Math.abs(Date.parse(lastSeen) - Date.now()) < 120_000, `seen just now: ${lastSeen}`);
  });

  test('a registration token with one use lets exactly one real client register', async () => {
    const created = await api<TokenView>('POST', '/api/v1/hosts/acme/registration-tokens', { usesAllowed: 1, expiresAt: null });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.match(created.body.token, /^[A-Za-z0-9._~-]{16}$/);
    assert.deepEqual({ ...created.body, token: '' }, { token: '', usesAllowed: 1, pending: 0, completed: 0, expiresAt: null, usable: true });
    const invite = created.body.token;
    shownTokens.push(invite);

    const carol = await registerThroughEdge(homeport, 'acme', { username: 'carol', password: 'carol password 2026', registrationToken: invite });
    assert.equal(carol.user_id, `@carol:${server}`);
    await loginThroughEdge(homeport, 'acme', 'carol', 'carol password 2026');

    await assert.rejects(
      registerThroughEdge(homeport, 'acme', { username: 'dave', password: 'dave password 2026', registrationToken: invite }),
      /m\.login\.registration_token failed/,
    );
    const withoutToken = await registerWithoutToken(homeport, 'acme', 'erin', 'erin password 2026');
    assert.equal(withoutToken.httpStatus, 401, 'the token stage is still required');
    assert.ok(!(withoutToken.data.completed ?? []).includes('m.login.registration_token'));
    assert.deepEqual((await users()).body.users.map((user) => user.userId), [`@alice:${server}`, `@bob:${server}`, `@carol:${server}`]);

    const listed = (await tokens()).body.tokens.find((item) => item.token === invite);
    assert.deepEqual(listed && { completed: listed.completed, pending: listed.pending, usable: listed.usable }, { completed: 1, pending: 0, usable: false });
    const cliList = await cli(['registration-token', 'list', 'acme']);
    assert.match(cliList.stdout, new RegExp(`${invite}\\s+1/1 used, 0 pending.*no longer usable`));
  });

  test('creates a chosen token with an expiry, changes it and revokes it with the CLI', async () => {
    const expires = new Date(Date.now() + 7 * 24 * 3600_000);
    expires.setMilliseconds(0);
    const created = await cli(['registration-token', 'create', 'acme', 'team-2026', '--uses', 'unlimited', '--expires', expires.toISOString()]);
    assert.equal(created.code, 0, created.stderr);
    assert.match(created.stdout, new RegExp(`team-2026\\s+0/unlimited used, 0 pending\\s+expires ${expires.toISOString()}`));

    const changed = await api<TokenView>('PATCH', '/api/v1/hosts/acme/registration-tokens/team-2026', { usesAllowed: 5 });
    assert.equal(changed.status, 200, JSON.stringify(changed.body));
    assert.equal(changed.body.usesAllowed, 5);
    assert.equal(changed.body.expiresAt, expires.toISOString());
    assert.equal((await api<TokenView>('GET', '/api/v1/hosts/acme/registration-tokens/team-2026')).body.usable, true);

    const revoked = await cli(['registration-token', 'revoke', 'acme', 'team-2026']);
    assert.equal(revoked.code, 0, revoked.stderr);
    assert.equal((await tokens()).body.tokens.some((item) => item.token === 'team-2026'), false);
    const again = await cli(['registration-token', 'revoke', 'acme', 'team-2026']);
    assert.equal(again.code, 2);
    assert.match(again.stderr, /does not exist/);
  });

  test('refuses bad input with a clear 4xx and changes nothing', async () => {
    const usersBefore = JSON.stringify((await users()).body);
    const tokensBefore = JSON.stringify((await tokens()).body);
    const badUsernames: [string, RegExp][] = [
      ['Alice', /must be lowercase, e\.g\. "alice"/],
      ['a b', /may not contain spaces/],
      ['@x:y', /only the username, without "@"/],
      ['x'.repeat(300), /at most 255 characters/],
      ['homeport-admin', /reserved for Homeport/],
    ];
    for (const [username, reason] of badUsernames) {
      assertProblem(await api('POST', '/api/v1/hosts/acme/users', { username }), 422, reason);
    }
    assertProblem(await api('POST', '/api/v1/hosts/acme/users', { username: 'alice' }), 409, /already exists/);
    assertProblem(await api('POST', '/api/v1/hosts/acme/users', { username: 'bob' }), 409, /already exists.*deactivated users keep their name/);
    assertProblem(await api('POST', '/api/v1/hosts/acme/users', { username: 'frank', role: 'owner' }), 400, /role/);

    assertProblem(await api('POST', '/api/v1/hosts/acme/registration-tokens', { usesAllowed: -1, expiresAt: null }), 422, /usesAllowed must be a whole number of at least 1/);
    assertProblem(await api('POST', '/api/v1/hosts/acme/registration-tokens', { usesAllowed: 0, expiresAt: null }), 422, /usesAllowed/);
    assertProblem(await api('POST', '/api/v1/hosts/acme/registration-tokens', { usesAllowed: 1, expiresAt: '2020-01-01T00:00:00Z' }), 422, /expiresAt must be in the future/);
    assertProblem(await api('POST', '/api/v1/hosts/acme/registration-tokens', { token: 'no spaces', usesAllowed: 1, expiresAt: null }), 422, /token may contain only/);
    const taken = (JSON.parse(tokensBefore) as { tokens: TokenView[] }).tokens[0]?.token ?? '';
    assertProblem(await api('POST', '/api/v1/hosts/acme/registration-tokens', { token: taken, usesAllowed: 1, expiresAt: null }), 409, /already exists/);

    const otherServer = `@alice:other.${homeport.baseDomain}`;
    assertProblem(await api('GET', userPath(otherServer)), 404, /does not exist/);
    assertProblem(await api('PUT', `${userPath(otherServer)}/admin`, { admin: true }), 404, /does not exist/);
    assertProblem(await api('POST', `${userPath(otherServer)}/password`, {}), 404, /does not exist/);
    assertProblem(await api('POST', `${userPath(otherServer)}/deactivate`, { erase: false, confirm: otherServer }), 404, /does not exist/);
    assertProblem(await api('GET', userPath('nobody')), 404, /does not exist/);

    for (const [method, path, body] of [
      ['GET', '/api/v1/hosts/acme/users', undefined],
      ['POST', '/api/v1/hosts/acme/users', { username: 'mallory' }],
      ['PUT', `${userPath('alice')}/admin`, { admin: true }],
      ['POST', `${userPath('alice')}/deactivate`, { erase: true, confirm: `@alice:${server}` }],
      ['GET', `/api/v1/hosts/${hostId}/registration-tokens`, undefined],
      ['POST', `/api/v1/hosts/${hostId}/registration-tokens`, { usesAllowed: null, expiresAt: null }],
    ] as const) {
      assertProblem(await api(method, path, body, strangerToken), 404, /Host .* does not exist/);
    }
    assert.equal(JSON.stringify((await users()).body), usersBefore);
    assert.equal(JSON.stringify((await tokens()).body), tokensBefore);
  });

  test("hides Homeport's own admin user: not listed, not shown, not changed, not deactivated", async () => {
    const own = `@homeport-admin:${server}`;
    assertProblem(await api('GET', userPath(own)), 404, /does not exist/);
    assertProblem(await api('GET', userPath('homeport-admin')), 404, /does not exist/);
    assertProblem(await api('PUT', `${userPath(own)}/admin`, { admin: false }), 404, /does not exist/);
    assertProblem(await api('POST', `${userPath(own)}/password`, {}), 404, /does not exist/);
    assertProblem(await api('POST', `${userPath(own)}/deactivate`, { erase: true, confirm: own }), 404, /does not exist/);
    const synapse = await hostAdmin(homeport, hostId);
    const itself = await synapse.getUser(own);
    assert.equal(itself?.admin, true);
    assert.equal(itself?.deactivated, false);
    assert.equal((await users()).body.users.some((user) => user.userId === own), false);
  });

  test('records every admin action in the audit log, without a password or a registration token', async () => {
    const opened = await openHomeportDatabase(homeport);
    const rows = await opened.db.selectFrom('audit_log').select(['action', 'actor', 'actor_account_id', 'details']).where('host_id', '=', hostId).orderBy('id').execute();
    await opened.close();
    const actions = rows.map((row) => row.action);
    for (const action of [
      'host.user.add', 'host.user.admin-granted', 'host.user.admin-revoked', 'host.user.password-reset', 'host.user.deactivate',
      'host.registration-token.create', 'host.registration-token.update', 'host.registration-token.revoke',
    ]) {
      assert.ok(actions.includes(action), `${action} is audited`);
    }
    for (const row of rows.filter((item) => item.action.startsWith('host.user.') || item.action.startsWith('host.registration-token.'))) {
      assert.equal(row.actor, 'customer');
      assert.ok(row.actor_account_id);
    }
    assert.ok(rows.some((row) => row.action === 'host.user.deactivate' && row.details.userId === `@bob:${server}` && row.details.erase === true));
    const text = JSON.stringify(rows);
    for (const password of [...shownPasswords, 'a chosen password 2026']) assert.equal(text.includes(password), false, 'no password in the audit log');
    for (const invite of shownTokens) assert.equal(text.includes(invite), false, `registration token ${invite} is not in the audit log`);
    const tokenHints = rows.filter((row) => row.action.startsWith('host.registration-token.')).map((row) => row.details.token);
    assert.ok(tokenHints.includes('…(9 characters)'), 'the chosen token is named by its length');
  });

  test('refuses to manage users while the host rebuilds, and works again after', async () => {
    const rebuild = await api<{ job: { id: string } }>('POST', `/api/v1/hosts/${hostId}/rebuild`);
    assert.equal(rebuild.status, 202);
    assertProblem(await users(), 409, /acme is rebuilding/);
    assert.equal((await homeport.waitForJob(token, rebuild.body.job.id)).status, 'succeeded');
    assert.equal((await users()).body.total, 3);
  });

  test('documents the server admin API in OpenAPI, with the key backup warning before a reset', async () => {
    const { body } = await api<{ paths: Record<string, Record<string, { description?: string }>> }>('GET', '/api/v1/openapi.json');
    for (const [path, methods] of Object.entries({
      '/api/v1/hosts/{id}/users': ['get', 'post'],
      '/api/v1/hosts/{id}/users/{userId}': ['get'],
      '/api/v1/hosts/{id}/users/{userId}/admin': ['put'],
      '/api/v1/hosts/{id}/users/{userId}/password': ['post'],
      '/api/v1/hosts/{id}/users/{userId}/deactivate': ['post'],
      '/api/v1/hosts/{id}/registration-tokens': ['get', 'post'],
      '/api/v1/hosts/{id}/registration-tokens/{token}': ['get', 'patch', 'delete'],
    })) {
      for (const method of methods) assert.ok(body.paths[path]?.[method], `${method.toUpperCase()} ${path} is documented`);
    }
    assert.match(body.paths['/api/v1/hosts/{id}/users/{userId}/password']?.post?.description ?? '', /key backup/);
  });

  test("never shows the host's admin token or password in an answer, a job log, the CLI or Homeport's log", async () => {
    const secrets = await hostSecrets(homeport, hostId);
    assert.ok(secrets.adminAccessToken && secrets.adminPassword);
    const opened = await openHomeportDatabase(homeport);
    const jobs = await opened.db.selectFrom('jobs').select('id').where('host_id', '=', hostId).execute();
    await opened.close();
    for (const job of jobs) await api('GET', `/api/v1/jobs/${job.id}`);
    for (const text of [...seen, homeport.output]) {
      assert.equal(text.includes(secrets.adminAccessToken), false, 'admin access token leaked');
      assert.equal(text.includes(secrets.adminPassword), false, 'admin password leaked');
    }
    for (const password of shownPasswords) assert.equal(homeport.output.includes(password), false, "a user's password is in Homeport's log");
    assert.doesNotMatch(homeport.output, /unexpected error/, 'no request ended in a 500');
  });
});
