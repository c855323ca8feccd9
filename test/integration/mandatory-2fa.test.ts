// HOMEPORT_REQUIRE_2FA=true: an account without two-factor authentication can only enrol,
// with its session or its API tokens alike; once enrolled it can do everything.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Secret, TOTP } from 'otpauth';
import { HomeportProcess } from '../support/homeport-process.ts';
import { PanelClient } from '../support/panel-client.ts';

describe('mandatory two-factor authentication', () => {
  let homeport: HomeportProcess;

  before(async () => {
    homeport = await HomeportProcess.create('mfa', { HOMEPORT_REQUIRE_2FA: 'true' });
    await homeport.start();
  });
  after(async () => {
    await homeport?.cleanup();
  });

  test('an account without 2FA can only enrol, then everything opens', async () => {
    const client = new PanelClient(homeport.apiUrl);
    const registered = await client.request<{ account: Record<string, unknown> }>('POST', '/api/v1/accounts', { body: { email: 'strict@example.org', name: 'Strict', password: 'a long enough password' } });
    assert.equal(registered.status, 201);
    assert.equal(registered.body.account.requiredAction, 'two-factor-enrolment');
    const cliToken = await homeport.createAccount('cli@example.org');

    for (const answer of [await client.request('GET', '/api/v1/hosts'), await client.request('PATCH', '/api/v1/account', { body: { name: 'x' } }), await homeport.api('GET', '/api/v1/hosts', { token: cliToken })]) {
      assert.equal(answer.status, 403, JSON.stringify(answer.body));
      assert.equal((answer.body as { requiredAction?: string }).requiredAction, 'two-factor-enrolment');
    }
    assert.equal((await client.request('GET', '/api/v1/session')).status, 200, 'the session itself can still be read');

    const enrol = await client.request<{ secret: string }>('POST', '/api/v1/account/two-factor');
    assert.equal(enrol.status, 200);
    const code = new TOTP({ secret: Secret.fromBase32(enrol.body.secret) }).generate();
    assert.equal((await client.request('POST', '/api/v1/account/two-factor/confirm', { body: { code } })).status, 200);
    assert.equal((await client.request('GET', '/api/v1/hosts')).status, 200);
    assert.equal((await client.request<{ account: Record<string, unknown> }>('GET', '/api/v1/session')).body.account.requiredAction, null);
  });
});
