// Single sign-on of a host's users, for real: a certified OpenID provider (oidc-provider) on
// loopback, Synapse's SSO redirect flow in Chromium through the edge (the provider's login form,
// back to a Matrix login token exchanged by matrix-js-sdk), a second login landing on the same
// user, an existing user linked to a provider account, a wrong client secret refused at its field,
// and password login refused once switched off.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createClient } from 'matrix-js-sdk';
import type { Browser } from 'playwright-core';
import { HomeportProcess, type Problem } from '../support/homeport-process.ts';
import { startOpenIdProvider, type OpenIdProvider } from '../support/openid-provider.ts';
import { launchChromium } from '../support/panel-browser.ts';

const clientId = 'homeport-host';
const clientSecret = 'the-right-client-secret';

describe('single sign-on', () => {
  let homeport: HomeportProcess;
  let provider: OpenIdProvider;
  let browser: Browser;
  let token: string;
  let hostId: string;

  before(async () => {
    homeport = await HomeportProcess.create('ssot', { HOMEPORT_FETCH_ALLOW: '127.0.0.1' });
    provider = await startOpenIdProvider({ clientId, clientSecret, redirectUri: homeport.edgeUrl('staff', '/_synapse/client/oidc/callback') });
    await homeport.start();
    token = await homeport.createAccount('sso@example.org');
    const created = await homeport.api<{ host: { id: string } }>('POST', '/api/v1/hosts', { token, body: { label: 'staff', size: 'starter', seats: 5 } });
    hostId = created.body.host.id;
    await homeport.waitForHostStatus(token, hostId, 'running');
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await provider?.stop();
    await homeport?.cleanup();
  });

  const providerBody = (secret: string) => ({ name: 'Staff login', issuer: provider.issuer, clientId, clientSecret: secret, userIdSource: 'preferred_username' });

  async function saveProvider(secret: string) {
    return homeport.api<{ signOn: { providers: Record<string, unknown>[]; redirectUri: string }; job: { id: string } } & Problem>(
      'PUT', `/api/v1/hosts/${hostId}/sso/providers/staff`, { token, body: providerBody(secret) },
    );
  }

  /** Logs in through the provider's form in Chromium; answers the Matrix user and access token the login token buys. */
  async function logInWithSso(username: string): Promise<{ userId: string; accessToken: string }> {
    const context = await browser.newContext({ ignoreHTTPSErrors: true });
    const page = await context.newPage();
    page.setDefaultTimeout(60_000);
    try {
      const done = 'http://127.0.0.1:9/signed-in';
      await page.goto(homeport.edgeUrl('staff', `/_matrix/client/v3/login/sso/redirect/oidc-staff?redirectUrl=${encodeURIComponent(done)}`));
      await page.fill('input[name="login"]', username);
      await page.fill('input[name="password"]', 'anything');
      await page.click('button[type="submit"]');
      await page.click('button[type="submit"]'); // the provider's consent form
      // Synapse asks before handing a login token to a client it does not know.
      const loginTokenRequest = page.waitForRequest((request) => request.url().startsWith(done));
      await page.click('a:has-text("Continue")');
      const loginToken = new URL((await loginTokenRequest).url()).searchParams.get('loginToken');
      assert.ok(loginToken, 'Synapse sent the client a login token');
      const client = createClient({ baseUrl: homeport.edgeUrl('staff'), fetchFn: await homeport.edgeFetch() });
      const login = await client.loginRequest({ type: 'm.login.token', token: loginToken });
      return { userId: login.user_id, accessToken: login.access_token };
    } finally {
      await context.close();
    }
  }

  test('refuses a wrong client secret at its field, and keeps no provider', async () => {
    const refused = await saveProvider('a-wrong-client-secret');
    assert.equal(refused.status, 400);
    const errors = refused.body.errors as { field: string; message: string }[];
    assert.equal(errors[0]?.field, 'clientSecret');
    assert.match(errors[0]!.message, /invalid_client/);
    const shown = await homeport.api<{ providers: unknown[] }>('GET', `/api/v1/hosts/${hostId}/sso`, { token });
    assert.deepEqual(shown.body.providers, []);
  });

  test('a user logs in through the provider, twice as the same Matrix user', async () => {
    const saved = await saveProvider(clientSecret);
    assert.equal(saved.status, 200, JSON.stringify(saved.body));
    assert.equal(saved.body.signOn.redirectUri, homeport.edgeUrl('staff', '/_synapse/client/oidc/callback'));
    assert.equal(JSON.stringify(saved.body).includes(clientSecret), false, 'the secret is never answered');
    await homeport.waitForJob(token, saved.body.job.id);

    const first = await logInWithSso('carol');
    assert.match(first.userId, /^@carol:/);
    const second = await logInWithSso('carol');
    assert.equal(second.userId, first.userId);
    assert.notEqual(second.accessToken, first.accessToken);
  });

  test('an existing user linked to a provider account logs in as themselves', async () => {
    const added = await homeport.api<{ user: { userId: string } }>('POST', `/api/v1/hosts/${hostId}/users`, { token, body: { username: 'dave' } });
    assert.equal(added.status, 201, JSON.stringify(added.body));
    const linked = await homeport.api('PUT', `/api/v1/hosts/${hostId}/users/dave/sso-link`, { token, body: { providerId: 'staff', subject: 'david.smith' } });
    assert.equal(linked.status, 200, JSON.stringify(linked.body));
    // The provider knows him as david.smith (his sub); without the link Synapse would make a new user of that name.
    const login = await logInWithSso('david.smith');
    assert.equal(login.userId, added.body.user.userId);
  });

  test('password login is refused once switched off', async () => {
    const added = await homeport.api<{ user: { userId: string }; password: string }>('POST', `/api/v1/hosts/${hostId}/users`, { token, body: { username: 'erin' } });
    assert.equal(added.status, 201, JSON.stringify(added.body));
    const client = createClient({ baseUrl: homeport.edgeUrl('staff'), fetchFn: await homeport.edgeFetch() });
    const passwordLogin = () => client.loginRequest({ type: 'm.login.password', identifier: { type: 'm.id.user', user: 'erin' }, password: added.body.password });
    await passwordLogin();

    const off = await homeport.api<{ job: { id: string } }>('PUT', `/api/v1/hosts/${hostId}/sso/password-login`, { token, body: { passwordLogin: false } });
    assert.equal(off.status, 200, JSON.stringify(off.body));
    await homeport.waitForJob(token, off.body.job.id);
    await assert.rejects(passwordLogin, (error: { httpStatus?: number }) => error.httpStatus === 400 || error.httpStatus === 403);
    const flows = await client.loginFlows();
    assert.deepEqual(flows.flows.map((flow) => flow.type).filter((type) => type === 'm.login.password'), []);
    // Single sign-on still logs in.
    assert.match((await logInWithSso('carol')).userId, /^@carol:/);
  });
});
