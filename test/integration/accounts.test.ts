// Customer accounts end to end against a real Homeport and PostgreSQL: sign-up with email
// verification, cookie sessions with CSRF, API tokens, password reset, TOTP 2FA, terms, account
// details, the operator console's API, and login rate limits.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Secret, TOTP } from 'otpauth';
import { HomeportProcess, type Problem } from '../support/homeport-process.ts';
import { assertProblem, withHomeportDb, type HomeportDb } from '../support/billing-tests.ts';
import { PanelClient } from '../support/panel-client.ts';

type Body = Record<string, unknown>;

describe('customer accounts', () => {
  let homeport: HomeportProcess;
  let operator: PanelClient;
  const operatorPassword = 'operator-chosen-password-1';

  before(async () => {
    homeport = await HomeportProcess.create('acct', { HOMEPORT_LOGIN_FAILURES_PER_ACCOUNT: '3', HOMEPORT_LOGIN_FAILURES_PER_ADDRESS: '14' });
    await homeport.start();
  });
  after(async () => {
    await homeport?.cleanup();
  });

  const sql = <T>(action: (db: HomeportDb) => Promise<T>): Promise<T> => withHomeportDb(homeport, action);

  /** The link token of the newest captured mail to an address, read through the operator API. */
  async function mailedToken(to: string, subject: RegExp): Promise<string> {
    const answer = await operator.request<{ mail: { to: string; subject: string; text: string }[] }>('GET', `/api/v1/operator/mail?to=${encodeURIComponent(to)}`);
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    const mail = answer.body.mail.find((m) => subject.test(m.subject));
    assert.ok(mail, `a mail "${subject}" to ${to}`);
    const token = /\?token=([A-Za-z0-9_-]+)/.exec(mail.text)?.[1];
    assert.ok(token, mail.text);
    return token;
  }

  async function register(email: string, password = 'a long enough password'): Promise<PanelClient> {
    const client = new PanelClient(homeport.apiUrl);
    const answer = await client.request('POST', '/api/v1/accounts', { body: { email, name: email.split('@')[0], password } });
    assert.equal(answer.status, 201, JSON.stringify(answer.body));
    return client;
  }

  async function registerVerified(email: string, password = 'a long enough password'): Promise<PanelClient> {
    const client = await register(email, password);
    const verified = await client.request('POST', '/api/v1/email-verifications', { body: { token: await mailedToken(email, /Verify/) } });
    assert.equal(verified.status, 200);
    return client;
  }

  test('the first start creates an operator whose one-time password is printed once and must be changed', async () => {
    const match = /First operator account created: (\S+)\nOne-time password[^:]*: (\S+)/.exec(homeport.output);
    assert.ok(match, homeport.output.slice(0, 2000));
    const [, email, oneTimePassword] = match as unknown as [string, string, string];
    assert.equal(email, 'operator@acct.localhost');
    assert.equal(homeport.output.split(oneTimePassword).length, 2, 'the password appears exactly once in the output');
    operator = new PanelClient(homeport.apiUrl);
    const login = await operator.logIn(email, oneTimePassword);
    assert.equal(login.status, 200, JSON.stringify(login.body));
    assert.equal((login.body.account as Body).requiredAction, 'password-change');
    const blocked = await operator.request('GET', '/api/v1/operator/accounts');
    assert.equal((assertProblem(blocked, 403, /new password/) as Body).requiredAction, 'password-change');
    const changed = await operator.request('POST', '/api/v1/account/password', { body: { currentPassword: oneTimePassword, newPassword: operatorPassword } });
    assert.equal(changed.status, 204, JSON.stringify(changed.body));
    assert.equal((await operator.request('GET', '/api/v1/operator/accounts')).status, 200);
    assert.equal((await new PanelClient(homeport.apiUrl).logIn(email, oneTimePassword)).status, 401, 'the one-time password no longer works');
  });

  test('registration refuses a short password and creates nothing', async () => {
    const client = new PanelClient(homeport.apiUrl);
    const answer = await client.request('POST', '/api/v1/accounts', { body: { email: 'short@example.org', name: 'Short', password: 'too-short' } });
    assertProblem(answer, 422, /at least 12 characters/);
    assert.equal(client.cookie, undefined);
    const rows = await sql((db) => db.selectFrom('accounts').select('id').where('email', '=', 'short@example.org').execute());
    assert.equal(rows.length, 0);
  });

  test('a new account gets an HttpOnly SameSite session, can look around but cannot buy until verified', async () => {
    const client = await register('new@example.org');
    assert.match(client.setCookieHeader ?? '', /HttpOnly/i);
    assert.match(client.setCookieHeader ?? '', /SameSite=Lax/i);
    assert.doesNotMatch(client.setCookieHeader ?? '', /Secure/i, 'plain http in development');
    const session = await client.request<{ account: Body }>('GET', '/api/v1/session');
    assert.equal(session.body.account.emailVerified, false);
    const stored = await sql((db) => db.selectFrom('accounts').select('password_hash').where('email', '=', 'new@example.org').executeTakeFirstOrThrow());
    assert.match(stored.password_hash ?? '', /^\$argon2id\$/);
    assert.deepEqual((session.body.account.purchaseBlockers as Body[]).map((b) => b.code), ['email-not-verified', 'billing-address-required', 'payment-method-required']);
    assert.equal((await client.request('GET', '/api/v1/hosts')).status, 200);
    const bought = await client.request('POST', '/api/v1/hosts', { body: { label: 'unverified', size: 'starter', seats: 5 } });
    assert.equal((assertProblem(bought, 403, /Verify your email/) as Body).type, 'urn:homeport:problem:email-not-verified');
    assert.equal((await sql((db) => db.selectFrom('hosts').select('id').execute())).length, 0);
  });

  test('the verification link works once; a reused or expired link is refused', async () => {
    const token = await mailedToken('new@example.org', /Verify/);
    const kept = await sql((db) => db.selectFrom('email_tokens').select('token_hash').execute());
    assert.ok(kept.length > 0 && kept.every((row) => row.token_hash !== token && /^[0-9a-f]{64}$/.test(row.token_hash)), 'only hashes of links are stored');
    const verified = await new PanelClient(homeport.apiUrl).request('POST', '/api/v1/email-verifications', { body: { token } });
    assert.equal(verified.status, 200);
    assertProblem(await new PanelClient(homeport.apiUrl).request('POST', '/api/v1/email-verifications', { body: { token } }), 422, /already been used/);
    assertProblem(await new PanelClient(homeport.apiUrl).request('POST', '/api/v1/email-verifications', { body: { token: 'made-up' } }), 422, /not valid/);

    const late = await register('late@example.org');
    const lateToken = await mailedToken('late@example.org', /Verify/);
    await sql((db) => db.updateTable('email_tokens').set({ expires_at: new Date(Date.now() - 60_000) }).where('used_at', 'is', null).where('purpose', '=', 'verify-email').execute());
    assertProblem(await late.request('POST', '/api/v1/email-verifications', { body: { token: lateToken } }), 422, /expired/);
    const account = await late.request<{ account: Body }>('GET', '/api/v1/session');
    assert.equal(account.body.account.emailVerified, false);
    assert.deepEqual((await late.request('POST', '/api/v1/email-verifications/resend')).body, { sent: true });
    assert.equal((await late.request('POST', '/api/v1/email-verifications', { body: { token: await mailedToken('late@example.org', /Verify/) } })).status, 200);
  });

  test('cookie changes need the CSRF token; a bearer token works on the same endpoint without cookies', async () => {
    const client = await registerVerified('csrf@example.org');
    assertProblem(await client.request('PATCH', '/api/v1/account', { body: { name: 'Forged' }, withoutCsrf: true }), 403, /CSRF/);
    assert.equal((await client.request<Body>('GET', '/api/v1/account')).body.name, 'csrf');
    const changed = await client.request<Body>('PATCH', '/api/v1/account', { body: { name: 'Cee Surf' } });
    assert.equal(changed.status, 200, JSON.stringify(changed.body));
    assert.equal(changed.body.name, 'Cee Surf');

    const created = await client.request<{ id: string; token: string }>('POST', '/api/v1/account/tokens', { body: { name: 'automation' } });
    assert.equal(created.status, 201);
    const viaToken = await new PanelClient(homeport.apiUrl).request<Body>('PATCH', '/api/v1/account', { bearer: created.body.token, body: { name: 'By Token' } });
    assert.equal(viaToken.status, 200, JSON.stringify(viaToken.body));
    assert.equal(viaToken.body.name, 'By Token');
  });

  test('API tokens are listed without the token, revoked by their owner only', async () => {
    const owner = await registerVerified('tokens@example.org');
    const other = await registerVerified('intruder@example.org');
    const created = await owner.request<{ id: string; token: string }>('POST', '/api/v1/account/tokens', { body: { name: 'cli' } });
    const listed = await owner.request<{ tokens: Body[] }>('GET', '/api/v1/account/tokens');
    assert.deepEqual(listed.body.tokens.map((t) => t.name), ['cli']);
    assert.ok(!JSON.stringify(listed.body).includes(created.body.token), 'the token is never listed');
    assert.equal((await other.request<{ tokens: Body[] }>('GET', '/api/v1/account/tokens')).body.tokens.length, 0);
    assertProblem(await other.request('DELETE', `/api/v1/account/tokens/${created.body.id}`), 404, /does not exist/);
    assert.equal((await homeport.api('GET', '/api/v1/hosts', { token: created.body.token })).status, 200, 'still works');
    assert.equal((await owner.request('DELETE', `/api/v1/account/tokens/${created.body.id}`)).status, 204);
    assert.equal((await homeport.api('GET', '/api/v1/hosts', { token: created.body.token })).status, 401);
  });

  test('logs in and out; a logged-out session is dead on the server', async () => {
    const client = await registerVerified('inout@example.org');
    const oldCookie = client.cookie;
    assert.equal((await client.request('DELETE', '/api/v1/session')).status, 204);
    assert.equal(client.cookie, undefined);
    const replayed = new PanelClient(homeport.apiUrl);
    replayed.cookie = oldCookie;
    assert.equal((await replayed.request('GET', '/api/v1/session')).status, 401);
    assertProblem(await client.logIn('inout@example.org', 'the wrong password!'), 401, /wrong/);
    const login = await client.logIn('INOUT@example.org', 'a long enough password');
    assert.equal(login.status, 200);
    assert.equal((await client.request<{ authenticatedBy: string }>('GET', '/api/v1/session')).body.authenticatedBy, 'session');
  });

  test('password reset: the mailed link sets a new password once and ends every session', async () => {
    const client = await registerVerified('forgot@example.org');
    assert.equal((await new PanelClient(homeport.apiUrl).request('POST', '/api/v1/password-resets', { body: { email: 'nobody@example.org' } })).status, 202);
    assert.equal((await new PanelClient(homeport.apiUrl).request('POST', '/api/v1/password-resets', { body: { email: 'forgot@example.org' } })).status, 202);
    const token = await mailedToken('forgot@example.org', /Reset/);
    const anonymous = new PanelClient(homeport.apiUrl);
    assertProblem(await anonymous.request('POST', '/api/v1/password-resets/complete', { body: { token, password: 'short' } }), 422, /at least 12/);
    assert.equal((await anonymous.request('POST', '/api/v1/password-resets/complete', { body: { token, password: 'my brand new password' } })).status, 204);
    assertProblem(await anonymous.request('POST', '/api/v1/password-resets/complete', { body: { token, password: 'yet another password' } }), 422, /already been used/);
    assert.equal((await client.request('GET', '/api/v1/session')).status, 401, 'the old session was logged out');
    assert.equal((await anonymous.logIn('forgot@example.org', 'a long enough password')).status, 401);
    assert.equal((await anonymous.logIn('forgot@example.org', 'my brand new password')).status, 200);
  });

  test('TOTP: enrol, log in with a code, refuse wrong and replayed codes, recovery codes work once', async () => {
    const client = await registerVerified('totp@example.org');
    const enrol = await client.request<{ secret: string; otpauthUri: string }>('POST', '/api/v1/account/two-factor');
    assert.equal(enrol.status, 200);
    assert.match(enrol.body.otpauthUri, /^otpauth:\/\/totp\/Homeport:totp%40example\.org\?.*secret=/);
    const totp = new TOTP({ secret: Secret.fromBase32(enrol.body.secret), algorithm: 'SHA1', digits: 6, period: 30 });
    const codeAt = (offsetSeconds: number) => totp.generate({ timestamp: Date.now() + offsetSeconds * 1000 });
    const wrong = codeAt(0) === '000000' ? '111111' : '000000';
    assertProblem(await client.request('POST', '/api/v1/account/two-factor/confirm', { body: { code: wrong } }), 401, /does not match/);
    const confirmed = await client.request<{ recoveryCodes: string[] }>('POST', '/api/v1/account/two-factor/confirm', { body: { code: codeAt(0) } });
    assert.equal(confirmed.status, 200, JSON.stringify(confirmed.body));
    assert.equal(confirmed.body.recoveryCodes.length, 10);

    const browser = new PanelClient(homeport.apiUrl);
    const needsCode = assertProblem(await browser.logIn('totp@example.org', 'a long enough password'), 401, /authenticator/);
    assert.equal(needsCode.type, 'urn:homeport:problem:second-factor-required');
    assert.equal(browser.cookie, undefined);
    assertProblem(await browser.logIn('totp@example.org', 'a long enough password', wrong), 401, /wrong or has already been used/);
    assertProblem(await browser.logIn('totp@example.org', 'a long enough password', codeAt(0)), 401, /already been used/);
    const next = codeAt(30);
    assert.equal((await browser.logIn('totp@example.org', 'a long enough password', next)).status, 200, 'the next time step is accepted');
    assertProblem(await new PanelClient(homeport.apiUrl).logIn('totp@example.org', 'a long enough password', next), 401, /already been used/);

    const recovery = confirmed.body.recoveryCodes[0]!;
    assert.equal((await new PanelClient(homeport.apiUrl).logIn('totp@example.org', 'a long enough password', recovery.toUpperCase())).status, 200);
    assertProblem(await new PanelClient(homeport.apiUrl).logIn('totp@example.org', 'a long enough password', recovery), 401, /already been used/);
    const account = await browser.request<Body>('GET', '/api/v1/account');
    assert.equal(account.body.twoFactorEnabled, true);
    assert.equal(account.body.unusedRecoveryCodes, 9);
  });

  test('account details: the VAT ID format is checked and a business with one must name its company', async () => {
    const client = await registerVerified('vat@example.org');
    const noCompany = assertProblem(await client.request('PATCH', '/api/v1/account', { body: { vatId: 'DE123456789' } }), 422, /company name/);
    assert.deepEqual((noCompany.errors as Body[]).map((e) => e.field), ['companyName']);
    assertProblem(await client.request('PATCH', '/api/v1/account', { body: { vatId: 'DE1234', companyName: 'Acme GmbH' } }), 422, /prefix DE/);
    assertProblem(await client.request('PATCH', '/api/v1/account', { body: { billingAddress: { line1: 'Main St 1', postalCode: '10115', city: 'Berlin', country: 'XX' } } }), 422, /country code/);
    const unchanged = await client.request<Body>('GET', '/api/v1/account');
    assert.equal(unchanged.body.vatId, null);
    assert.equal(unchanged.body.billingAddress, null);
    const saved = await client.request<Body>('PATCH', '/api/v1/account', {
      body: { vatId: 'de 123 456 789', companyName: 'Acme GmbH', billingAddress: { line1: 'Main St 1', postalCode: '10115', city: 'Berlin', country: 'de' } },
    });
    assert.equal(saved.status, 200, JSON.stringify(saved.body));
    assert.equal(saved.body.vatId, 'DE123456789');
    assert.deepEqual(saved.body.billingAddress, { line1: 'Main St 1', line2: null, postalCode: '10115', city: 'Berlin', country: 'DE' });
    assertProblem(await client.request('PATCH', '/api/v1/account', { body: { companyName: null } }), 422, /company name/);
  });

  test('terms: a purchase needs the current version accepted, and again after a new version', async () => {
    const client = await registerVerified('terms@example.org');
    // The other things a purchase needs: a billing address and a way to pay (invoice payment, enabled by the operator).
    assert.equal((await client.request('PATCH', '/api/v1/account', { body: { billingAddress: { line1: 'Main St 1', postalCode: '10115', city: 'Berlin', country: 'DE' } } })).status, 200);
    const payable = await sql((db) => db.selectFrom('accounts').select('id').where('email', '=', 'terms@example.org').executeTakeFirstOrThrow());
    assert.equal((await operator.request('POST', `/api/v1/operator/accounts/${payable.id}/invoice-payment/enable`)).status, 200);
    const v1 = await operator.request('POST', '/api/v1/operator/terms', { body: { version: '2026-11', text: 'Be nice.' } });
    assert.equal(v1.status, 201, JSON.stringify(v1.body));
    assertProblem(await operator.request('POST', '/api/v1/operator/terms', { body: { version: '2026-11', text: 'Again' } }), 409, /already been published/);
    const refused = assertProblem(await client.request('POST', '/api/v1/hosts', { body: { label: 'termsco', size: 'starter', seats: 5 } }), 409, /version 2026-11/);
    assert.equal(refused.termsVersion, '2026-11');
    assert.equal((await client.request<Body>('GET', '/api/v1/terms/current')).body.text, 'Be nice.');
    assertProblem(await client.request('POST', '/api/v1/terms/acceptances', { body: { version: '2025-01' } }), 409, /current one is 2026-11/);
    assert.equal((await client.request('POST', '/api/v1/terms/acceptances', { body: { version: '2026-11' } })).status, 201);
    const bought = await client.request<{ host: Body; job: Body }>('POST', '/api/v1/hosts', { body: { label: 'termsco', size: 'starter', seats: 5 } });
    assert.equal(bought.status, 202, JSON.stringify(bought.body));

    assert.equal((await operator.request('POST', '/api/v1/operator/terms', { body: { version: '2026-12', text: 'Be nicer.' } })).status, 201);
    assertProblem(await client.request('POST', '/api/v1/hosts', { body: { label: 'termsco2', size: 'starter', seats: 5 } }), 409, /version 2026-12/);
    const account = await client.request<{ terms: Body }>('GET', '/api/v1/account');
    assert.deepEqual(account.body.terms, { currentVersion: '2026-12', accepted: false });

    const hosts = await operator.request<{ hosts: Body[] }>('GET', '/api/v1/operator/hosts');
    assert.deepEqual(hosts.body.hosts.map((h) => [h.label, h.accountEmail]), [['termsco', 'terms@example.org']]);
    const jobs = await operator.request<{ jobs: Body[] }>('GET', `/api/v1/operator/jobs?hostId=${String(bought.body.host.id)}`);
    assert.equal(jobs.body.jobs.length, 1);
    const job = await operator.request<{ steps: Body[] }>('GET', `/api/v1/operator/jobs/${String(bought.body.job.id)}`);
    assert.ok(job.body.steps.length > 3);
  });

  test('customers get 404 from every operator endpoint', async () => {
    const client = await registerVerified('curious@example.org');
    for (const [method, path] of [['GET', '/api/v1/operator/accounts'], ['GET', '/api/v1/operator/mail'], ['GET', '/api/v1/operator/audit-log'], ['GET', '/api/v1/operator/hosts'], ['GET', '/api/v1/operator/jobs'], ['POST', '/api/v1/operator/terms']] as const) {
      const body = method === 'POST' ? { version: 'x', text: 'y' } : undefined;
      assertProblem(await client.request(method, path, { body }), 404, /does not exist/);
      assertProblem(await new PanelClient(homeport.apiUrl).request(method, path, { body }), 404, /does not exist/);
    }
    assert.equal((await sql((db) => db.selectFrom('terms_versions').select('version').where('version', '=', 'x').execute())).length, 0);
  });

  test('a suspended account can neither log in nor use its sessions and tokens; every operator action is audited', async () => {
    const client = await registerVerified('suspect@example.org');
    const token = (await client.request<{ token: string }>('POST', '/api/v1/account/tokens', { body: { name: 'bot' } })).body.token;
    const found = await operator.request<{ accounts: Body[] }>('GET', '/api/v1/operator/accounts?search=SUSPECT');
    assert.deepEqual(found.body.accounts.map((a) => a.email), ['suspect@example.org']);
    const id = String(found.body.accounts[0]!.id);
    const suspended = await operator.request<Body>('POST', `/api/v1/operator/accounts/${id}/suspend`);
    assert.equal(suspended.status, 200);
    assert.ok(suspended.body.suspendedAt);
    assert.equal((await client.request('GET', '/api/v1/session')).status, 401);
    assert.equal((await homeport.api('GET', '/api/v1/hosts', { token })).status, 401);
    assertProblem(await new PanelClient(homeport.apiUrl).logIn('suspect@example.org', 'a long enough password'), 403, /suspended/);
    assert.equal((await operator.request('POST', `/api/v1/operator/accounts/${id}/unsuspend`)).status, 200);
    assert.equal((await new PanelClient(homeport.apiUrl).logIn('suspect@example.org', 'a long enough password')).status, 200);
    assert.equal((await homeport.api('GET', '/api/v1/hosts', { token })).status, 200);

    const audit = await operator.request<{ entries: Body[] }>('GET', '/api/v1/operator/audit-log?limit=500');
    const actions = new Set(audit.body.entries.map((e) => e.action));
    for (const action of ['operator.created', 'account.password-changed', 'terms.published', 'account.suspended', 'account.unsuspended', 'token.created', 'token.revoked', 'two-factor.enabled', 'account.password-reset']) {
      assert.ok(actions.has(action), `${action} is in the audit log`);
    }
    assert.ok(!JSON.stringify(audit.body).includes(token), 'no token in the audit log');
  });

  test('the OpenAPI document describes the account endpoints and both ways to authenticate', async () => {
    const { body } = await homeport.api<{ paths: Record<string, unknown>; components: { securitySchemes: Record<string, unknown> } }>('GET', '/api/v1/openapi.json');
    for (const path of ['/api/v1/accounts', '/api/v1/session', '/api/v1/account', '/api/v1/account/tokens', '/api/v1/account/two-factor', '/api/v1/terms/current', '/api/v1/operator/audit-log']) {
      assert.ok(body.paths[path], `${path} is documented`);
    }
    assert.deepEqual(Object.keys(body.components.securitySchemes).sort(), ['bearerAuth', 'sessionCookie']);
  });

  test('login attempts are limited per account, then per address, with a clear 429', async () => {
    await registerVerified('limited@example.org');
    const client = new PanelClient(homeport.apiUrl);
    for (let attempt = 0; attempt < 3; attempt += 1) assert.equal((await client.logIn('limited@example.org', 'not the password')).status, 401);
    const limited = await client.logIn('limited@example.org', 'a long enough password');
    const problem = assertProblem(limited, 429, /Too many failed logins for this account/);
    assert.equal(problem.limitedBy, 'account');
    assert.ok(Number(limited.headers.get('retry-after')) > 0);

    let byAddress: Problem | undefined;
    for (let attempt = 0; attempt < 14 && !byAddress; attempt += 1) {
      const answer = await client.logIn(`stranger${attempt}@example.org`, 'not the password');
      if (answer.status === 429) byAddress = answer.body as unknown as Problem;
      else assert.equal(answer.status, 401);
    }
    assert.equal(byAddress?.limitedBy, 'address');
    const stored = await sql((db) => db.selectFrom('login_attempts').select('id').where('succeeded', '=', false).execute());
    assert.ok(stored.length >= 14, 'attempts are kept in PostgreSQL, so a restart does not reset the limits');
  });
});
