// Sign-up and mail rate limits against a real Homeport: counted per client address (named by a
// trusted proxy's X-Forwarded-For) in PostgreSQL, with a per-account cap on mails whoever asks.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { HomeportProcess, type Problem } from '../support/homeport-process.ts';
import { openHomeportDatabase } from '../support/host-admin.ts';
import { PanelClient } from '../support/panel-client.ts';

describe('request limits', () => {
  let homeport: HomeportProcess;

  before(async () => {
    homeport = await HomeportProcess.create('limits', {
      HOMEPORT_TRUST_PROXY: '127.0.0.1',
      HOMEPORT_SIGNUPS_PER_ADDRESS_PER_HOUR: '2',
      HOMEPORT_MAIL_REQUESTS_PER_ADDRESS_PER_HOUR: '3',
      HOMEPORT_MAILS_PER_ACCOUNT_PER_HOUR: '2',
    });
    await homeport.start();
  });
  after(async () => {
    await homeport?.cleanup();
  });

  async function inDatabase<T>(action: (db: Awaited<ReturnType<typeof openHomeportDatabase>>['db']) => Promise<T>): Promise<T> {
    const opened = await openHomeportDatabase(homeport);
    try {
      return await action(opened.db);
    } finally {
      await opened.close();
    }
  }

  function signUp(email: string, from: string, client = new PanelClient(homeport.apiUrl)) {
    return client.request<Problem>('POST', '/api/v1/accounts', {
      body: { email, name: 'Limited', password: 'a long enough password' },
      headers: { 'x-forwarded-for': from },
    });
  }

  function askForReset(email: string, from: string) {
    return new PanelClient(homeport.apiUrl).request<Problem>('POST', '/api/v1/password-resets', { body: { email }, headers: { 'x-forwarded-for': from } });
  }

  test('an address gets its sign-ups per hour, then 429 with Retry-After and no account', async () => {
    assert.equal((await signUp('first@example.org', '203.0.113.7')).status, 201);
    assert.equal((await signUp('second@example.org', '203.0.113.7')).status, 201);
    const refused = await signUp('third@example.org', '203.0.113.7');
    assert.equal(refused.status, 429);
    assert.equal(refused.headers.get('content-type'), 'application/problem+json; charset=utf-8');
    assert.match(refused.body.detail, /Too many requests .* from your address/);
    const retryAfter = Number(refused.headers.get('retry-after'));
    assert.ok(retryAfter > 0 && retryAfter <= 3600, `Retry-After ${retryAfter}`);
    const stored = await inDatabase((db) => db.selectFrom('accounts').select('email').where('email', '=', 'third@example.org').execute());
    assert.deepEqual(stored, []);
    // Another client behind the same trusted proxy has its own budget.
    assert.equal((await signUp('third@example.org', '203.0.113.8')).status, 201);
  });

  test('password reset requests are limited per address, and one account gets few mails whoever asks', async () => {
    const forgetful = new PanelClient(homeport.apiUrl);
    assert.equal((await signUp('forgetful@example.org', '198.51.100.1', forgetful)).status, 201);
    // The verification mail was the first of the account's two mails this hour; the first reset is the second.
    for (const from of ['198.51.100.2', '198.51.100.3', '198.51.100.4']) {
      assert.equal((await askForReset('forgetful@example.org', from)).status, 202);
    }
    const mails = await inDatabase((db) => db.selectFrom('captured_mail').select('subject').where('recipient', '=', 'forgetful@example.org').orderBy('at').execute());
    assert.equal(mails.length, 2, JSON.stringify(mails));
    assert.match(mails[1]!.subject, /reset/i);
    const resend = await forgetful.request<Problem>('POST', '/api/v1/email-verifications/resend', { headers: { 'x-forwarded-for': '198.51.100.1' } });
    assert.equal(resend.status, 429);
    assert.equal(resend.body.limitedBy, 'account');

    for (let attempt = 0; attempt < 3; attempt += 1) assert.equal((await askForReset('nobody@example.org', '198.51.100.9')).status, 202);
    const refused = await askForReset('nobody@example.org', '198.51.100.9');
    assert.equal(refused.status, 429);
    assert.ok(Number(refused.headers.get('retry-after')) > 0);
  });

  test('without a trusted proxy, X-Forwarded-For is ignored', async () => {
    const plain = await HomeportProcess.create('limits-direct', { HOMEPORT_SIGNUPS_PER_ADDRESS_PER_HOUR: '1' });
    try {
      await plain.start();
      const signUpAt = (email: string, from: string) => new PanelClient(plain.apiUrl).request('POST', '/api/v1/accounts', {
        body: { email, name: 'Direct', password: 'a long enough password' }, headers: { 'x-forwarded-for': from },
      });
      assert.equal((await signUpAt('one@example.org', '203.0.113.1')).status, 201);
      assert.equal((await signUpAt('two@example.org', '203.0.113.2')).status, 429);
    } finally {
      await plain.cleanup();
    }
  });
});
