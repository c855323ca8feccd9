// A host with custom DNS served by the edge on the customer's own domains, with certificates
// issued on demand by an ACME CA (Pebble) only for names Homeport vouches for; a real Matrix
// client discovers it from the customer's well-known (a real web server and DNS server on
// loopback) and logs in; the delegation check re-runs by itself until it passes; and after a
// move to a new client domain, the old one answers "server moved" to every request.
import assert from 'node:assert/strict';
import type http from 'node:http';
import { writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { AutoDiscovery, createClient } from 'matrix-js-sdk';
import type { Static } from 'typebox';
import { Agent, fetch as undiciFetch } from 'undici';
import type { DelegationCheck } from '../../src/contract/delegation.ts';
import { closeServer, makeCertificate, randomLoopbackAddress, startDnsServer, startHttpsServer, type TestCertificate, type TestDnsServer } from '../support/delegation-web.ts';
import { eventually } from '../support/eventually.ts';
import { HomeportProcess } from '../support/homeport-process.ts';
import { hostAdmin } from '../support/host-admin.ts';
import { firstOperator } from '../support/panel-browser.ts';
import { startPebble, type Pebble } from '../support/pebble.ts';
import { freePort } from '../support/throwaway-postgres.ts';

type Check = Static<typeof DelegationCheck>;

describe('the edge on custom domains', () => {
  let homeport: HomeportProcess;
  let pebble: Pebble;
  let dns: TestDnsServer;
  let certificate: TestCertificate;
  let web: http.Server | undefined;
  let agent: Agent | undefined;
  let fetchFn: typeof globalThis.fetch;
  let token: string;
  let hostId: string;
  let publishing = false;
  const webAddress = randomLoopbackAddress();
  const baseDomain = 'cde.example.org';

  /** The customer's own web server: publishes both well-knowns once `publishing` is on. */
  function serve(request: http.IncomingMessage, response: http.ServerResponse): void {
    const documents: Record<string, unknown> = {
      '/.well-known/matrix/client': { 'm.homeserver': { base_url: `https://chat.customer.test:${homeport.edgePort}` } },
      '/.well-known/matrix/server': { 'm.server': `chat.customer.test:${homeport.edgePort}` },
    };
    const document = publishing ? documents[request.url ?? ''] : undefined;
    if (!document) return void response.writeHead(404).end();
    response.writeHead(200, { 'content-type': 'application/json', 'access-control-allow-origin': '*' }).end(JSON.stringify(document));
  }

  before(async () => {
    const httpPort = await freePort();
    const httpsPort = await freePort();
    pebble = await startPebble({ http: httpPort, tls: httpsPort });
    dns = await startDnsServer({
      'customer.test': { A: [webAddress] },
      'chat.customer.test': { CNAME: `edge.${baseDomain}` },
      'talk.customer.test': { CNAME: `edge.${baseDomain}` },
      // The edge's own name: where the customer's CNAME records lead remote servers.
      [`edge.${baseDomain}`]: { A: ['127.0.0.1'] },
    });
    certificate = await makeCertificate(['customer.test']);
    web = await startHttpsServer(certificate, webAddress, 443, serve);
    // The public CAs of this little internet: the customer's site's, and the ACME CA's the edge uses.
    const fetchCaFile = join(dirname(certificate.certFile), 'fetch-ca.pem');
    await writeFile(fetchCaFile, `${certificate.cert}\n${await pebble.issuingRoot()}`);
    homeport = await HomeportProcess.create('cde', {
      HOMEPORT_BASE_DOMAIN: baseDomain,
      HOMEPORT_TLS: 'acme',
      HOMEPORT_ACME_CA: pebble.directoryUrl,
      HOMEPORT_ACME_CA_ROOT: pebble.tlsCertificateFile,
      HOMEPORT_ACME_EMAIL: 'ops@example.org',
      HOMEPORT_EDGE_HTTP_PORT: String(httpPort),
      HOMEPORT_EDGE_HTTPS_PORT: String(httpsPort),
      HOMEPORT_DNS_SERVERS: dns.address,
      // The customer's site, and the edge a federation check reaches through the delegation.
      HOMEPORT_FETCH_ALLOW: `${webAddress},127.0.0.1`,
      HOMEPORT_FETCH_CA_FILE: fetchCaFile,
      HOMEPORT_FETCH_TIMEOUT_MS: '5000',
      // A failed check is repeated after 3 seconds here, instead of hours.
      HOMEPORT_DELEGATION_RECHECK_MINUTES: '0.05',
    });
    await homeport.start();
    token = await homeport.createAccount('owner@customer.test');
    // A client on the internet: the customer's domain leads to their web server, every other name to the edge.
    agent = new Agent({
      connect: {
        ca: [await pebble.issuingRoot(), certificate.cert],
        lookup: (hostname, options, callback) => {
          const address = hostname === 'customer.test' ? webAddress : '127.0.0.1';
          if ((options as { all?: boolean }).all) callback(null, [{ address, family: 4 }] as never);
          else callback(null, address, 4);
        },
      },
    });
    const dispatcher = agent;
    fetchFn = ((input: string | URL | Request, init?: RequestInit) => undiciFetch(input as never, { ...(init as object), dispatcher } as never)) as unknown as typeof globalThis.fetch;
  });
  after(async () => {
    await agent?.close();
    await homeport?.cleanup();
    await pebble?.stop();
    await closeServer(web);
    await dns?.close();
    await certificate?.remove();
  });

  const edge = (domain: string, path: string) => `https://${domain}:${homeport.edgePort}${path}`;

  test('a custom-DNS host is built; its delegation check fails until the well-knowns are published, then passes by itself', async () => {
    const created = await homeport.api<{ host: { id: string } }>('POST', '/api/v1/hosts', {
      token, body: { label: 'customer', size: 'starter', seats: 5, customDns: { homeserverDomain: 'customer.test', clientDomain: 'chat.customer.test' } },
    });
    assert.equal(created.status, 202, JSON.stringify(created.body));
    hostId = created.body.host.id;
    const failed = await eventually(async () => {
      const last = await homeport.api<Check | null>('GET', `/api/v1/hosts/${hostId}/delegation-checks`, { token });
      if (!last.body) throw new Error('no check yet');
      return last.body;
    }, 60_000, 250);
    assert.equal(failed.passed, false);
    assert.ok(failed.findings.some((finding) => finding.code === 'client-status'), JSON.stringify(failed.findings));

    publishing = true;
    const passed = await eventually(async () => {
      const last = await homeport.api<Check>('GET', `/api/v1/hosts/${hostId}/delegation-checks`, { token });
      if (!last.body.passed) throw new Error(`not passed yet: ${JSON.stringify(last.body.findings)}`);
      return last.body;
    }, 120_000, 500);
    assert.ok(Date.parse(passed.checkedAt) > Date.parse(failed.checkedAt));
    await homeport.waitForHostStatus(token, hostId, 'running');
  });

  test("the edge asks Homeport before any certificate: yes for the host's names, no for strangers'", async () => {
    const ask = (domain: string) => fetch(`${homeport.apiUrl}/api/v1/edge/certificate-permission?domain=${encodeURIComponent(domain)}`).then((response) => response.status);
    assert.equal(await ask('chat.customer.test'), 200);
    assert.equal(await ask('customer.test'), 200);
    assert.equal(await ask(`customer.${baseDomain}`), 200);
    assert.equal(await ask('stranger.test'), 404);
    assert.equal(await ask(`nobody.${baseDomain}`), 404);

    // Pebble issues the client domain's certificate at the first connection.
    const versions = await eventually(async () => {
      const response = await fetchFn(edge('chat.customer.test', '/_matrix/client/versions'));
      if (!response.ok) throw new Error(`status ${response.status}`);
      return (await response.json()) as { versions: string[] };
    }, 90_000, 1000);
    assert.ok(versions.versions.length > 0);
    const wellKnown = await (await fetchFn(edge('chat.customer.test', '/.well-known/matrix/server'))).json();
    assert.deepEqual(wellKnown, { 'm.server': `chat.customer.test:${homeport.edgePort}` });

    // The web client's place: this installation has no web client, and gives the homeserver address instead.
    const client = await fetchFn(edge('chat.customer.test', '/'));
    assert.equal(client.status, 503);
    assert.match(await client.text(), new RegExp(`Homeserver: <strong><code>https://chat\\.customer\\.test:${homeport.edgePort}</code>`));
    const config = (await (await fetchFn(edge('chat.customer.test', '/config.json'))).json()) as { default_server_config: unknown };
    assert.deepEqual(config.default_server_config, { 'm.homeserver': { base_url: `https://chat.customer.test:${homeport.edgePort}`, server_name: 'customer.test' } });

    // A stranger's name pointed at the edge gets no certificate at all.
    await assert.rejects(fetchFn(edge('stranger.test', '/_matrix/client/versions')));
  });

  test("a Matrix client discovers the homeserver from the customer's own well-known and logs in through the edge", async () => {
    const admin = await hostAdmin(homeport, hostId);
    await admin.upsertUser('@ana:customer.test', { password: 'found it through the well-known' });
    AutoDiscovery.setFetchFn(fetchFn);
    const discovered = await AutoDiscovery.findClientConfig('customer.test');
    assert.equal(discovered['m.homeserver'].state, AutoDiscovery.SUCCESS, JSON.stringify(discovered));
    const baseUrl = discovered['m.homeserver'].base_url ?? '';
    assert.equal(baseUrl, `https://chat.customer.test:${homeport.edgePort}`);
    const client = createClient({ baseUrl, fetchFn });
    const login = await client.loginRequest({ type: 'm.login.password', identifier: { type: 'm.id.user', user: 'ana' }, password: 'found it through the well-known' });
    assert.equal(login.user_id, '@ana:customer.test');
  });

  test('after a move to a new client domain, the old one can be switched to answer "server moved" to every request', async () => {
    const moved = await homeport.api<{ host: { homeserverUrl: string }; job: { id: string } }>('PUT', `/api/v1/hosts/${hostId}/client-domain`, { token, body: { clientDomain: 'talk.customer.test' } });
    assert.equal(moved.status, 200, JSON.stringify(moved.body));
    assert.equal(moved.body.host.homeserverUrl, `https://talk.customer.test:${homeport.edgePort}/`);
    const job = await homeport.waitForJob(token, moved.body.job.id);
    assert.equal(job.status, 'succeeded', JSON.stringify(job));

    const previous = await homeport.api<{ domains: { domain: string; moved: boolean }[] }>('GET', `/api/v1/hosts/${hostId}/previous-client-domains`, { token });
    assert.deepEqual(previous.body.domains.map(({ domain, moved: isMoved }) => ({ domain, moved: isMoved })), [{ domain: 'chat.customer.test', moved: false }]);
    const newVersions = await eventually(async () => {
      const response = await fetchFn(edge('talk.customer.test', '/_matrix/client/versions'));
      if (!response.ok) throw new Error(`status ${response.status}`);
      return response.status;
    }, 90_000, 1000);
    assert.equal(newVersions, 200);
    const config = (await (await fetchFn(edge('talk.customer.test', '/config.json'))).json()) as { default_server_config: unknown };
    assert.deepEqual(config.default_server_config, { 'm.homeserver': { base_url: `https://talk.customer.test:${homeport.edgePort}`, server_name: 'customer.test' } });
    const serverWellKnown = await (await fetchFn(edge('talk.customer.test', '/.well-known/matrix/server'))).json();
    assert.deepEqual(serverWellKnown, { 'm.server': `talk.customer.test:${homeport.edgePort}` });
    // Until switched, the old domain still serves the host.
    assert.equal((await fetchFn(edge('chat.customer.test', '/_matrix/client/versions'))).status, 200);

    const cli = await homeport.cli(['host', 'moved', 'customer', 'chat.customer.test'], token);
    assert.equal(cli.code, 0, cli.stderr);
    assert.match(cli.stdout, /chat\.customer\.test {2}moved/);

    const movedBody = { errcode: 'M_UNKNOWN_TOKEN', error: 'Server moved, please log in again.' };
    const get = await eventually(async () => {
      const response = await fetchFn(edge('chat.customer.test', '/_matrix/client/v3/account/whoami'), { headers: { authorization: 'Bearer old-token', origin: 'https://app.example' } });
      if (response.status !== 401) throw new Error(`status ${response.status}`);
      return response;
    }, 30_000, 250);
    assert.deepEqual(await get.json(), movedBody);
    assert.equal(get.headers.get('access-control-allow-origin'), '*');
    const post = await fetchFn(edge('chat.customer.test', '/_matrix/client/v3/rooms/!r:customer.test/send/m.room.message/1'), { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } });
    assert.equal(post.status, 401);
    assert.deepEqual(await post.json(), movedBody);
    const options = await fetchFn(edge('chat.customer.test', '/_matrix/client/v3/sync'), { method: 'OPTIONS', headers: { origin: 'https://app.example', 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization' } });
    assert.equal(options.status, 204);
    assert.equal(options.headers.get('access-control-allow-origin'), '*');
    assert.match(options.headers.get('access-control-allow-headers') ?? '', /Authorization/);
    assert.match(options.headers.get('access-control-allow-methods') ?? '', /POST/);

    const asCustomer = await homeport.api('PUT', `/api/v1/operator/hosts/${hostId}/previous-client-domains/chat.customer.test`, { token, body: { moved: false } });
    assert.equal(asCustomer.status, 404, 'the operator route does not exist for customers');
    // The operator can switch it back; the customer's action and the operator's are in the audit log.
    const { client: operator } = await firstOperator(homeport);
    const back = await operator.request<{ moved: boolean }>('PUT', `/api/v1/operator/hosts/${hostId}/previous-client-domains/chat.customer.test`, { body: { moved: false } });
    assert.equal(back.status, 200, JSON.stringify(back.body));
    assert.equal(back.body.moved, false);
    assert.equal((await fetchFn(edge('chat.customer.test', '/_matrix/client/versions'))).status, 200);
    const audit = await operator.request<{ entries: { action: string; actor: string }[] }>('GET', '/api/v1/operator/audit-log');
    const actions = audit.body.entries.filter((entry) => entry.action.startsWith('host.previous-client-domain') || entry.action === 'host.client-domain');
    assert.deepEqual(actions.map((entry) => `${entry.actor}:${entry.action}`), ['operator:host.previous-client-domain', 'customer:host.previous-client-domain', 'customer:host.client-domain']);

    const unknown = await homeport.api('PUT', `/api/v1/hosts/${hostId}/previous-client-domains/never.customer.test`, { token, body: { moved: true } });
    assert.equal(unknown.status, 404);
  });
});
