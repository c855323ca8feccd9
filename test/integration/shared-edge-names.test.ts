// One tenant cannot break the shared edge (issue 13, point 1): every name the edge serves belongs
// to one host, refused with 409 before anything is charged; a host the edge cannot serve (names
// another host owns, as left by data from before that rule) is left out while the others keep
// their edge updates; its failed build is not charged; and its cancel finishes.
import assert from 'node:assert/strict';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { HomeportProcess, type Problem } from '../support/homeport-process.ts';
import { hostAdmin, openHomeportDatabase } from '../support/host-admin.ts';
import { loginThroughEdge } from '../support/matrix-user.ts';

interface HostAnswer {
  host: { id: string; status: string; edgeProblem: string | null };
  job: { id: string };
}

describe('names on the shared edge', () => {
  let homeport: HomeportProcess;
  let alice: string;
  let bob: string;
  let alphaId: string;
  let bravoId: string;

  before(async () => {
    homeport = await HomeportProcess.create('names');
    await homeport.start();
    alice = await homeport.createAccount('alice@alpha.test');
    bob = await homeport.createAccount('bob@bravo.test');
  });
  after(async () => {
    await homeport?.cleanup();
  });

  const buy = (token: string, label: string, homeserverDomain: string, clientDomain: string) =>
    homeport.api<HostAnswer & Problem>('POST', '/api/v1/hosts', { token, body: { label, size: 'starter', seats: 5, customDns: { homeserverDomain, clientDomain } } });

  async function aliceCanLogIn(): Promise<void> {
    const client = await loginThroughEdge(homeport, 'alpha', 'ana', 'ana keeps her host');
    assert.equal(client.getUserId(), '@ana:alpha.test');
  }

  test("A's host is built and moved to a new client domain: alpha.test, talk.alpha.test and earlier chat.alpha.test are its names", async () => {
    const created = await buy(alice, 'alpha', 'alpha.test', 'chat.alpha.test');
    assert.equal(created.status, 202, JSON.stringify(created.body));
    alphaId = created.body.host.id;
    await homeport.waitForHostStatus(alice, alphaId, 'running');
    const moved = await homeport.api<HostAnswer>('PUT', `/api/v1/hosts/${alphaId}/client-domain`, { token: alice, body: { clientDomain: 'talk.alpha.test' } });
    assert.equal(moved.status, 200, JSON.stringify(moved.body));
    assert.equal((await homeport.waitForJob(alice, moved.body.job.id)).status, 'succeeded');
    await (await hostAdmin(homeport, alphaId)).upsertUser('@ana:alpha.test', { password: 'ana keeps her host' });
    await aliceCanLogIn();
  });

  test("B cannot buy a host with any of A's names, in any letter case or with a trailing dot: 409 before anything is charged", async () => {
    const tries = [
      ['TALK.alpha.test.', 'chat.bravo.test'], // A's client domain as homeserver domain
      ['bravo.test', 'Alpha.Test'], // A's homeserver domain as client domain
      ['bravo.test', 'chat.alpha.test.'], // A's previous client domain as client domain
      ['Chat.Alpha.Test', 'chat.bravo.test'], // A's previous client domain as homeserver domain
      ['alpha.test.', 'chat.bravo.test'], // A's homeserver domain
    ];
    for (const [homeserverDomain, clientDomain] of tries) {
      const refused = await buy(bob, 'bravo', homeserverDomain ?? '', clientDomain ?? '');
      assert.equal(refused.status, 409, `${homeserverDomain} / ${clientDomain}: ${JSON.stringify(refused.body)}`);
      assert.equal(refused.body.type, 'urn:homeport:problem:domain-taken');
    }
    const invoices = await homeport.api<{ invoices: unknown[] }>('GET', '/api/v1/billing/invoices', { token: bob });
    assert.deepEqual(invoices.body.invoices, []);
    const hosts = await homeport.api<{ hosts: unknown[] }>('GET', '/api/v1/hosts', { token: bob });
    assert.deepEqual(hosts.body.hosts, []);
    await aliceCanLogIn();
  });

  test("a host whose names another host serves is left out of the edge, says why, and fails alone; A's rebuild still works; the failed build's invoice is void", async () => {
    const created = await buy(bob, 'bravo', 'bravo.test', 'chat.bravo.test');
    assert.equal(created.status, 202, JSON.stringify(created.body));
    bravoId = created.body.host.id;
    // Data from before names were owned: B's client domain is A's homeserver domain. The build
    // needs Synapse healthy before its edge step, long after this.
    const opened = await openHomeportDatabase(homeport);
    try {
      await opened.db.updateTable('hosts').set({ custom_client_domain: 'alpha.test' }).where('id', '=', bravoId).execute();
    } finally {
      await opened.close();
    }
    // B also cannot move its client domain onto A's current or earlier one.
    for (const clientDomain of ['Talk.Alpha.Test.', 'chat.alpha.test']) {
      const refused = await homeport.api<Problem>('PUT', `/api/v1/hosts/${bravoId}/client-domain`, { token: bob, body: { clientDomain } });
      assert.equal(refused.status, 409, JSON.stringify(refused.body));
    }

    // B's failed host stays in a routed status: A's edge updates must not depend on it.
    const bravo = await homeport.waitForHostStatus(bob, bravoId, 'failed', 600_000);
    const rebuild = await homeport.api<HostAnswer>('POST', `/api/v1/hosts/${alphaId}/rebuild`, { token: alice });
    assert.equal(rebuild.status, 202, JSON.stringify(rebuild.body));
    const job = await homeport.waitForJob(alice, rebuild.body.job.id);
    assert.equal(job.status, 'succeeded', JSON.stringify(job));
    const alpha = await homeport.waitForHostStatus(alice, alphaId, 'running');
    assert.equal(alpha.edgeProblem, null);
    await aliceCanLogIn();
    const fetchFn = await homeport.edgeFetch();
    const versions = await fetchFn(`https://talk.alpha.test:${homeport.edgePort}/_matrix/client/versions`);
    assert.equal(versions.status, 200);
    assert.match(String(bravo.edgeProblem), /alpha\.test is served by another host/);
    const shown = await homeport.cli(['host', 'show', bravoId], bob);
    assert.match(shown.stdout, /not served: +the name alpha\.test is served by another host/);

    const invoices = await homeport.api<{ invoices: { id: string; status: string }[] }>('GET', '/api/v1/billing/invoices', { token: bob });
    assert.deepEqual(invoices.body.invoices.map((invoice) => invoice.status), ['void']);
    const document = await fetch(`${homeport.apiUrl}/api/v1/billing/invoices/${invoices.body.invoices[0]?.id}/html`, { headers: { authorization: `Bearer ${bob}` } });
    assert.match(await document.text(), /Void since \d{4}-\d\d-\d\d: The host could not be built; nothing is charged for it\. Nothing is due/);
  });

  test('the failed host is cancelled to the end: its database and files are gone and its names are free', async () => {
    const cancel = await homeport.api<HostAnswer>('DELETE', `/api/v1/hosts/${bravoId}`, { token: bob, body: { confirm: 'bravo' } });
    assert.equal(cancel.status, 202, JSON.stringify(cancel.body));
    assert.equal((await homeport.waitForJob(bob, cancel.body.job.id)).status, 'succeeded');
    await homeport.waitForHostStatus(bob, bravoId, 'cancelled');
    const postgres = await openHomeportDatabase(homeport, 'postgres');
    try {
      const databases = await postgres.pool.query("SELECT datname FROM pg_database WHERE datname LIKE 'host_bravo_%'");
      assert.equal(databases.rowCount, 0);
    } finally {
      await postgres.close();
    }
    await assert.rejects(stat(join(homeport.dataDir, 'hosts', bravoId)), { code: 'ENOENT' });
    const ask = (domain: string) => fetch(`${homeport.apiUrl}/api/v1/edge/certificate-permission?domain=${encodeURIComponent(domain)}`).then((response) => response.status);
    assert.equal(await ask('chat.bravo.test'), 404);
    assert.equal(await ask('bravo.test'), 404);
    assert.equal(await ask('CHAT.alpha.test.'), 200);
    await aliceCanLogIn();
  });
});
