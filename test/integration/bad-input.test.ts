// Every bad request gets a clear 4xx problem document and creates nothing.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { HomeportProcess, type Problem } from '../support/homeport-process.ts';
import { openHomeportDatabase } from '../support/host-admin.ts';

describe('bad input', () => {
  let homeport: HomeportProcess;
  let token: string;
  let otherToken: string;

  before(async () => {
    homeport = await HomeportProcess.create('bad');
    await homeport.start();
    token = await homeport.createAccount('first@example.org');
    otherToken = await homeport.createAccount('second@example.org');
  });
  after(async () => {
    await homeport?.cleanup();
  });

  async function hostCount(): Promise<number> {
    const opened = await openHomeportDatabase(homeport);
    try {
      const row = await opened.db.selectFrom('hosts').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
      const jobs = await opened.db.selectFrom('jobs').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
      return Number(row.n) + Number(jobs.n);
    } finally {
      await opened.close();
    }
  }

  function assertProblem(answer: { status: number; body: Problem; headers: Headers }, status: number, detail: RegExp): void {
    assert.equal(answer.status, status, JSON.stringify(answer.body));
    assert.match(answer.headers.get('content-type') ?? '', /^application\/problem\+json/);
    assert.equal(answer.body.status, status);
    assert.ok(answer.body.title);
    assert.match(answer.body.detail, detail);
  }

  const badLabels: [string, RegExp][] = [
    ['ACME', /lowercase letters, digits and hyphens/],
    ['-acme', /start or end with a hyphen/],
    ['ac', /at least 3/],
    ['a'.repeat(41), /at most 40/],
    ['xn--abc', /xn--/],
    ['admin', /reserved/],
    ['www', /reserved/],
    ['acme.corp', /lowercase letters, digits and hyphens/],
  ];

  for (const [label, reason] of badLabels) {
    test(`refuses the hostname "${label.length > 20 ? `${label.slice(0, 8)}... (${label.length} characters)` : label}"`, async () => {
      const created = await homeport.api<Problem>('POST', '/api/v1/hosts', { token, body: { label, size: 'starter', seats: 10 } });
      assertProblem(created, 422, reason);
      const check = await homeport.api<{ available: boolean; detail: string }>('GET', `/api/v1/hostnames/${encodeURIComponent(label)}`);
      assert.equal(check.status, 200);
      assert.equal(check.body.available, false);
      assert.match(check.body.detail, reason);
    });
  }

  test('refuses an unknown size, naming the sizes on offer', async () => {
    assertProblem(await homeport.api<Problem>('POST', '/api/v1/hosts', { token, body: { label: 'acme', size: 'huge', seats: 10 } }), 422, /no size "huge".*starter/);
  });

  test('refuses seats below the size minimum', async () => {
    assertProblem(await homeport.api<Problem>('POST', '/api/v1/hosts', { token, body: { label: 'acme', size: 'business', seats: 2 } }), 422, /at least 10 seats/);
  });

  test('refuses malformed bodies field by field', async () => {
    assertProblem(await homeport.api<Problem>('POST', '/api/v1/hosts', { token, body: { label: 'acme', size: 'starter' } }), 400, /seats/);
    assertProblem(await homeport.api<Problem>('POST', '/api/v1/hosts', { token, body: { label: 'acme', size: 'starter', seats: 'ten' } }), 400, /seats/);
    assertProblem(await homeport.api<Problem>('POST', '/api/v1/hosts', { token, body: { label: 'acme', size: 'starter', seats: 10, owner: 'x' } }), 400, /owner/);
  });

  test('refuses a missing, malformed or revoked token with 401', async () => {
    assertProblem(await homeport.api<Problem>('POST', '/api/v1/hosts', { body: { label: 'acme', size: 'starter', seats: 10 } }), 401, /API token/);
    assertProblem(await homeport.api<Problem>('GET', '/api/v1/hosts', { token: 'hpt_not-a-real-token' }), 401, /API token/);
    const missing = await homeport.api('GET', '/api/v1/hosts');
    assert.equal(missing.headers.get('www-authenticate'), 'Bearer');

    const created = await homeport.cli(['token', 'create', '--email', 'second@example.org', '--name', 'laptop']);
    const revocable = created.stdout.trim();
    const tokenId = /token id (\S+):/.exec(created.stderr)?.[1];
    assert.ok(tokenId, created.stderr);
    assert.equal((await homeport.api('GET', '/api/v1/hosts', { token: revocable })).status, 200);
    assert.equal((await homeport.cli(['token', 'revoke', '--email', 'second@example.org', tokenId])).code, 0);
    assertProblem(await homeport.api<Problem>('GET', '/api/v1/hosts', { token: revocable }), 401, /API token/);
  });

  test("answers 404 for another account's host, whatever is asked", async () => {
    // A host in provisioning is enough: nothing here waits for its build.
    const created = await homeport.api<{ host: { id: string } }>('POST', '/api/v1/hosts', { token, body: { label: 'mine', size: 'starter', seats: 5 } });
    assert.equal(created.status, 202);
    const id = created.body.host.id;
    const before = await hostCount();
    assertProblem(await homeport.api<Problem>('GET', `/api/v1/hosts/${id}`, { token: otherToken }), 404, /does not exist/);
    assertProblem(await homeport.api<Problem>('GET', '/api/v1/hosts/mine', { token: otherToken }), 404, /does not exist/);
    assertProblem(await homeport.api<Problem>('PATCH', `/api/v1/hosts/${id}`, { token: otherToken, body: { seats: 50 } }), 404, /does not exist/);
    assertProblem(await homeport.api<Problem>('POST', `/api/v1/hosts/${id}/rebuild`, { token: otherToken }), 404, /does not exist/);
    assertProblem(await homeport.api<Problem>('DELETE', `/api/v1/hosts/${id}`, { token: otherToken, body: { confirm: 'mine' } }), 404, /does not exist/);
    const jobId = (created.body as unknown as { job: { id: string } }).job.id;
    assertProblem(await homeport.api<Problem>('GET', `/api/v1/jobs/${jobId}`, { token: otherToken }), 404, /does not exist/);
    assert.equal((await homeport.api<{ hosts: unknown[] }>('GET', '/api/v1/hosts', { token: otherToken })).body.hosts.length, 0);
    assert.equal(await hostCount(), before, 'nothing was created or queued');
    const taken = await homeport.api<Problem>('POST', '/api/v1/hosts', { token: otherToken, body: { label: 'mine', size: 'starter', seats: 5 } });
    assertProblem(taken, 409, /already in use/);
  });

  test('created nothing for any of the refused requests', async () => {
    const opened = await openHomeportDatabase(homeport);
    try {
      const labels = await opened.db.selectFrom('hosts').select('label').execute();
      assert.deepEqual(labels.map((row) => row.label), ['mine']);
    } finally {
      await opened.close();
    }
  });

  test('publishes an OpenAPI document describing the hosts API', async () => {
    const { status, body } = await homeport.api<{ openapi: string; paths: Record<string, Record<string, unknown>> }>('GET', '/api/v1/openapi.json');
    assert.equal(status, 200);
    assert.equal(body.openapi, '3.1.0');
    for (const path of ['/api/v1/hosts', '/api/v1/hosts/{id}', '/api/v1/hosts/{id}/rebuild', '/api/v1/sizes', '/api/v1/hostnames/{label}', '/api/v1/jobs/{id}']) {
      assert.ok(body.paths[path], `${path} is documented`);
    }
    assert.ok(body.paths['/api/v1/hosts']?.post, 'POST /hosts is documented');
  });
});
