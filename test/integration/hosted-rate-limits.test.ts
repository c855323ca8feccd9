// Synapse's rate limits as a hosted community meets them: on a Homeport whose hosts keep their
// size's limits (no raised rc_* for tests), a real user (matrix-js-sdk through the edge) logs in
// ten times from one address, sends 100 messages in a row and then changes its display name,
// and never gets a 429. With Synapse's defaults the 6th login and the 11th message were refused.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createClient } from 'matrix-js-sdk';
import { HomeportProcess } from '../support/homeport-process.ts';

let homeport: HomeportProcess;
let token: string;
/** Every answer of 429 that the edge gave a Matrix client in this file. */
const tooManyRequests: string[] = [];

/** The edge's fetch, noting each 429 (matrix-js-sdk's scheduler would otherwise wait and retry silently). */
async function countingFetch(): Promise<typeof globalThis.fetch> {
  const edgeFetch = await homeport.edgeFetch();
  return async (input, init) => {
    const response = await edgeFetch(input, init);
    if (response.status === 429) tooManyRequests.push(`${init?.method ?? 'GET'} ${String(input)}`);
    return response;
  };
}

before(async () => {
  homeport = await HomeportProcess.create('rate', {}, { productionRateLimits: true });
  await homeport.start();
  token = await homeport.createAccount('owner@example.org');
  const created = await homeport.api<{ host: { id: string } }>('POST', '/api/v1/hosts', { token, body: { label: 'acme', size: 'starter', seats: 5 } });
  assert.equal(created.status, 202, JSON.stringify(created.body));
  await homeport.waitForHostStatus(token, created.body.host.id, 'running');
});
after(async () => {
  await homeport?.cleanup();
});

test('ten logins from one address, 100 messages in a row and a display-name change: no 429', async () => {
  const added = await homeport.api<{ password: string }>('POST', '/api/v1/hosts/acme/users', { token, body: { username: 'alice' } });
  assert.equal(added.status, 201, JSON.stringify(added.body));
  const fetchFn = await countingFetch();
  const baseUrl = homeport.edgeUrl('acme');
  const logins = [];
  for (let attempt = 1; attempt <= 10; attempt += 1) {
    logins.push(await createClient({ baseUrl, fetchFn }).loginRequest({ type: 'm.login.password', identifier: { type: 'm.id.user', user: 'alice' }, password: added.body.password }));
  }
  assert.equal(new Set(logins.map((login) => login.device_id)).size, 10, 'ten sessions');
  assert.deepEqual(tooManyRequests, [], 'no login was throttled');

  const last = logins.at(-1);
  assert.ok(last);
  const alice = createClient({ baseUrl, fetchFn, accessToken: last.access_token, userId: last.user_id, deviceId: last.device_id });
  const { room_id: roomId } = await alice.createRoom({ name: 'paste' });
  for (let line = 1; line <= 100; line += 1) await alice.sendTextMessage(roomId, `line ${line}`);
  await alice.setDisplayName('Alice after the burst');
  assert.deepEqual(tooManyRequests, [], 'no message and no profile change was throttled');
  assert.equal((await alice.getProfileInfo(last.user_id)).displayname, 'Alice after the burst');
});
