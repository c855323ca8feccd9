// The cross-tenant matrix (issue 13): for every resource an account can name (host labels and
// domains, users, registration tokens, jobs, exports, invoices, API tokens, coupons, uploads), a
// second account tries to claim, read or change the first account's one; each try is refused
// (404 for what is not theirs, 409 for a name that is taken), and after each a third account's
// host still serves a Matrix login through the edge.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createOperatorToken } from '../support/billing-tests.ts';
import { HomeportProcess, type Problem } from '../support/homeport-process.ts';
import { hostAdmin } from '../support/host-admin.ts';
import { loginThroughEdge } from '../support/matrix-user.ts';

interface Try {
  what: string;
  method: string;
  path: string;
  body?: unknown;
  status: number;
  type?: string;
}

describe('one account against another', () => {
  let homeport: HomeportProcess;
  let operator: string;
  let owner: string;
  let intruder: string;
  let bystander: string;
  let hostId: string;
  let buildJobId: string;
  const tries: Try[] = [];

  before(async () => {
    homeport = await HomeportProcess.create('tenants');
    await homeport.start();
    operator = await createOperatorToken(homeport);
    owner = await homeport.createAccount('owner@own.test');
    intruder = await homeport.createAccount('intruder@elsewhere.test');
    bystander = await homeport.createAccount('bystander@third.test');
  });
  after(async () => {
    await homeport?.cleanup();
  });

  async function thirdHostServes(): Promise<void> {
    const client = await loginThroughEdge(homeport, 'third', 'carol', 'carol is not involved');
    assert.equal(client.getUserId(), `@carol:third.${homeport.baseDomain}`);
  }

  test("the owner's and the bystander's hosts are built, with a user, a registration token and an export", async () => {
    const [own, third] = await Promise.all([
      homeport.api<{ host: { id: string }; job: { id: string } }>('POST', '/api/v1/hosts', {
        token: owner, body: { label: 'owner', size: 'starter', seats: 5, customDns: { homeserverDomain: 'own.test', clientDomain: 'chat.own.test' } },
      }),
      homeport.api<{ host: { id: string } }>('POST', '/api/v1/hosts', { token: bystander, body: { label: 'third', size: 'starter', seats: 5 } }),
    ]);
    assert.equal(own.status, 202, JSON.stringify(own.body));
    assert.equal(third.status, 202, JSON.stringify(third.body));
    hostId = own.body.host.id;
    buildJobId = own.body.job.id;
    await Promise.all([homeport.waitForHostStatus(owner, hostId, 'running'), homeport.waitForHostStatus(bystander, third.body.host.id, 'running')]);
    await (await hostAdmin(homeport, third.body.host.id)).upsertUser(`@carol:third.${homeport.baseDomain}`, { password: 'carol is not involved' });
    await thirdHostServes();

    const user = await homeport.api('POST', `/api/v1/hosts/${hostId}/users`, { token: owner, body: { username: 'olga' } });
    assert.equal(user.status, 201, JSON.stringify(user.body));
    const token = await homeport.api('POST', `/api/v1/hosts/${hostId}/registration-tokens`, { token: owner, body: { token: 'own-invite', usesAllowed: 3, expiresAt: null } });
    assert.equal(token.status, 201, JSON.stringify(token.body));
    const exported = await homeport.api<{ export: { id: string }; job: { id: string } }>('POST', `/api/v1/hosts/${hostId}/exports`, { token: owner, body: {} });
    assert.equal(exported.status, 202, JSON.stringify(exported.body));
    assert.equal((await homeport.waitForJob(owner, exported.body.job.id)).status, 'succeeded');
    const ready = await homeport.api<{ files: { name: string; url: string }[] }>('GET', `/api/v1/hosts/${hostId}/exports/${exported.body.export.id}`, { token: owner });
    const file = ready.body.files[0];
    assert.ok(file, JSON.stringify(ready.body));
    await homeport.waitForHostStatus(owner, hostId, 'running');

    const invoices = await homeport.api<{ invoices: { id: string }[] }>('GET', '/api/v1/billing/invoices', { token: owner });
    const invoiceId = invoices.body.invoices[0]?.id;
    assert.ok(invoiceId);
    const apiTokens = await homeport.api<{ tokens: { id: string }[] }>('GET', '/api/v1/account/tokens', { token: owner });
    const apiTokenId = apiTokens.body.tokens[0]?.id;
    assert.ok(apiTokenId, JSON.stringify(apiTokens.body));
    const coupon = await homeport.api<{ id: string }>('POST', '/api/v1/operator/coupons', { token: operator, body: { code: 'OPERATORS-ONLY', percentOff: 10, duration: 'once' } });
    assert.equal(coupon.status, 201, JSON.stringify(coupon.body));
    const upload = await homeport.api<{ id: string }>('POST', '/api/v1/operator/import-uploads', { token: operator });
    assert.equal(upload.status, 201, JSON.stringify(upload.body));

    const host = `/api/v1/hosts/${hostId}`;
    const olga = encodeURIComponent('@olga:own.test');
    const notFound = (what: string, method: string, path: string, body?: unknown): Try => ({ what, method, path, body, status: 404 });
    const buy = (what: string, label: string, customDns?: object): Try => ({
      what, method: 'POST', path: '/api/v1/hosts', body: { label, size: 'starter', seats: 5, ...(customDns ? { customDns } : {}) }, status: 409,
    });
    // The file's signed link, with its signature kept, names the owner's export: its signature does not fit any other file.
    const forged = new URL(file.url, homeport.apiUrl);
    tries.push(
      buy("the owner's label", 'owner'),
      buy("the bystander's label", 'third'),
      buy("the owner's homeserver domain, other case and a trailing dot", 'mine', { homeserverDomain: 'OWN.test.', clientDomain: 'chat.mine.test' }),
      buy("the owner's client domain as homeserver domain", 'mine', { homeserverDomain: 'chat.own.test', clientDomain: 'chat.mine.test' }),
      buy("the owner's homeserver domain as client domain", 'mine', { homeserverDomain: 'mine.test', clientDomain: 'Own.Test' }),
      notFound('the host by id', 'GET', host),
      notFound('the host by label', 'GET', '/api/v1/hosts/owner'),
      notFound('more seats', 'PATCH', host, { seats: 6 }),
      notFound('a rebuild', 'POST', `${host}/rebuild`),
      notFound('a cancel', 'DELETE', host, { confirm: 'owner' }),
      notFound('a new client domain', 'PUT', `${host}/client-domain`, { clientDomain: 'chat.mine.test' }),
      notFound('the previous client domains', 'GET', `${host}/previous-client-domains`),
      notFound('the look and feel', 'PUT', `${host}/look-and-feel`, { brand: 'Taken over' }),
      notFound('the delegation', 'GET', `${host}/delegation`),
      notFound('a delegation check', 'POST', `${host}/delegation-checks`),
      notFound('the users', 'GET', `${host}/users`),
      notFound('a user', 'GET', `${host}/users/${olga}`),
      notFound('a new user', 'POST', `${host}/users`, { username: 'mole' }),
      notFound("a user's admin right", 'PUT', `${host}/users/${olga}/admin`, { admin: true }),
      notFound("a user's password", 'POST', `${host}/users/${olga}/password`, { password: 'now it is mine, all mine' }),
      notFound('a deactivation', 'POST', `${host}/users/${olga}/deactivate`, { erase: true, confirm: '@olga:own.test' }),
      notFound('the registration tokens', 'GET', `${host}/registration-tokens`),
      notFound('a registration token', 'GET', `${host}/registration-tokens/own-invite`),
      notFound('a registration token change', 'PATCH', `${host}/registration-tokens/own-invite`, { usesAllowed: 100 }),
      notFound('a registration token deletion', 'DELETE', `${host}/registration-tokens/own-invite`),
      notFound('a new registration token', 'POST', `${host}/registration-tokens`, { token: 'mole-invite', usesAllowed: 1, expiresAt: null }),
      notFound('the build job', 'GET', `/api/v1/jobs/${buildJobId}`),
      notFound('the exports', 'GET', `${host}/exports`),
      notFound('an export', 'GET', `${host}/exports/${exported.body.export.id}`),
      notFound('a new export', 'POST', `${host}/exports`, {}),
      notFound('an export file under another name', 'GET', `/api/v1/exports/${exported.body.export.id}/files/manifest.json${forged.search}`),
      notFound('the invoice', 'GET', `/api/v1/billing/invoices/${invoiceId}`),
      notFound('the invoice as HTML', 'GET', `/api/v1/billing/invoices/${invoiceId}/html`),
      notFound('the invoice as PDF', 'GET', `/api/v1/billing/invoices/${invoiceId}/pdf`),
      notFound("the owner's API token", 'DELETE', `/api/v1/account/tokens/${apiTokenId}`),
      notFound('the coupons', 'GET', '/api/v1/operator/coupons'),
      notFound('a coupon expiry', 'POST', `/api/v1/operator/coupons/${coupon.body.id}/expire`),
      notFound('an import upload', 'GET', `/api/v1/operator/import-uploads/${upload.body.id}`),
      notFound('every invoice', 'GET', '/api/v1/operator/invoices'),
    );
  });

  test('every try of the intruder is refused, and the third host serves a login after each', async () => {
    assert.ok(tries.length > 30);
    for (const attempt of tries) {
      const answer = await homeport.api<Problem>(attempt.method, attempt.path, { token: intruder, body: attempt.body });
      assert.equal(answer.status, attempt.status, `${attempt.what}: ${attempt.method} ${attempt.path} answered ${answer.status} ${JSON.stringify(answer.body)}`);
      await thirdHostServes();
    }
  });

  test("nothing of the owner's changed, and the intruder owns nothing", async () => {
    const host = await homeport.api<{ status: string; seats: number; customDns: unknown }>('GET', `/api/v1/hosts/${hostId}`, { token: owner });
    assert.equal(host.body.status, 'running');
    assert.equal(host.body.seats, 5);
    assert.deepEqual(host.body.customDns, { homeserverDomain: 'own.test', clientDomain: 'chat.own.test' });
    const user = await homeport.api<{ admin: boolean; deactivated: boolean }>('GET', `/api/v1/hosts/${hostId}/users/${encodeURIComponent('@olga:own.test')}`, { token: owner });
    assert.equal(user.status, 200, JSON.stringify(user.body));
    assert.equal(user.body.admin, false);
    assert.equal(user.body.deactivated, false);
    const token = await homeport.api<{ usesAllowed: number | null }>('GET', `/api/v1/hosts/${hostId}/registration-tokens/own-invite`, { token: owner });
    assert.equal(token.body.usesAllowed, 3);
    const hosts = await homeport.api<{ hosts: unknown[] }>('GET', '/api/v1/hosts', { token: intruder });
    assert.deepEqual(hosts.body.hosts, []);
    const invoices = await homeport.api<{ invoices: unknown[] }>('GET', '/api/v1/billing/invoices', { token: intruder });
    assert.deepEqual(invoices.body.invoices, []);
    await thirdHostServes();
  });
});
