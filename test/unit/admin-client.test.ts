// The admin client sends a read again when the connection failed, and a change only once.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SynapseAdminClient } from '../../src/synapse/admin-client.ts';

function refusedThenAnswering(failures: number, answer: unknown): { fetchFn: typeof fetch; calls: string[] } {
  const calls: string[] = [];
  const fetchFn = (async (input: URL | RequestInfo, init?: RequestInit) => {
    calls.push(`${init?.method ?? 'GET'} ${String(input)}`);
    if (calls.length <= failures) throw new TypeError('fetch failed', { cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }) });
    return new Response(JSON.stringify(answer), { status: 200, headers: { 'content-type': 'application/json' } });
  }) as typeof fetch;
  return { fetchFn, calls };
}

test('retries a read whose connection was refused', async () => {
  const { fetchFn, calls } = refusedThenAnswering(2, { registration_tokens: [{ token: 'abc', uses_allowed: 1, pending: 0, completed: 1, expiry_time: null }] });
  const client = new SynapseAdminClient({ baseUrl: 'http://127.0.0.1:1', accessToken: 'secret', fetchFn });
  assert.deepEqual(await client.listRegistrationTokens(), [{ token: 'abc', usesAllowed: 1, pending: 0, completed: 1, expiryTime: null }]);
  assert.equal(calls.length, 3);
});

test('sends a change once, even when its connection fails', async () => {
  const { fetchFn, calls } = refusedThenAnswering(1, {});
  const client = new SynapseAdminClient({ baseUrl: 'http://127.0.0.1:1', accessToken: 'secret', fetchFn });
  await assert.rejects(client.resetPassword('@alice:acme.example', 'a new password 2026'), /fetch failed/);
  assert.deepEqual(calls, ['POST http://127.0.0.1:1/_synapse/admin/v1/reset_password/%40alice%3Aacme.example']);
});

test('reads the user list: flags, last seen, creation time in milliseconds and the next page', async () => {
  const { fetchFn, calls } = refusedThenAnswering(0, {
    users: [{ name: '@alice:acme.example', displayname: 'Alice', admin: true, deactivated: false, erased: false, locked: false, creation_ts: 1_780_000_000_000, last_seen_ts: 1_780_000_100_000 }],
    next_token: '1',
    total: 3,
  });
  const client = new SynapseAdminClient({ baseUrl: 'http://127.0.0.1:1', accessToken: 'secret', fetchFn });
  const page = await client.listUsers({ from: 0, limit: 1, name: 'ali', includeDeactivated: true });
  assert.equal(page.nextToken, 1);
  assert.equal(page.total, 3);
  assert.deepEqual(
    { admin: page.users[0]?.admin, createdAt: page.users[0]?.createdAt, lastSeenAt: page.users[0]?.lastSeenAt },
    { admin: true, createdAt: 1_780_000_000_000, lastSeenAt: 1_780_000_100_000 },
  );
  const query = new URL(calls[0]?.split(' ')[1] ?? '').searchParams;
  assert.deepEqual(Object.fromEntries(query), { from: '0', limit: '1', guests: 'false', name: 'ali', deactivated: 'true', locked: 'true' });
});
