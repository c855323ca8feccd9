// A host bought with custom DNS: bad domains are refused, the delegation shows what to publish,
// and "check again" judges well-knowns served by a real HTTPS server and a CNAME served by a real
// DNS server, both on loopback, good and bad. A host bought without custom DNS adds a client
// domain later, once its CNAME leads to the edge, and keeps its server name.
import assert from 'node:assert/strict';
import type http from 'node:http';
import { after, before, describe, test } from 'node:test';
import type { Static } from 'typebox';
import type { DelegationCheck } from '../../src/contract/delegation.ts';
import { startCustomerSite, type CustomerSite } from '../support/delegation-web.ts';
import { eventually } from '../support/eventually.ts';
import { HomeportProcess, type Problem } from '../support/homeport-process.ts';

type Check = Static<typeof DelegationCheck>;

type Mode = 'good' | 'no-content-type' | 'wrong-json' | 'cors-missing-on-hop' | 'redirects-30' | 'redirects-31' | 'wrong-m-server' | 'html' | 'big' | 'slow';

describe('custom DNS and delegation checks', () => {
  let homeport: HomeportProcess;
  let token: string;
  let hostId: string;
  let mode: Mode = 'good';
  let site: CustomerSite | undefined;
  const custom = { homeserverDomain: 'example.test', clientDomain: 'chat.example.test' };

  function serve(request: http.IncomingMessage, response: http.ServerResponse): void {
    const path = request.url ?? '/';
    const edgePort = homeport.edgePort;
    const json = { 'content-type': 'application/json', 'access-control-allow-origin': '*' };
    const documents: Record<string, unknown> = {
      '/.well-known/matrix/client': { 'm.homeserver': { base_url: `https://chat.example.test:${edgePort}` } },
      '/.well-known/matrix/server': { 'm.server': mode === 'wrong-m-server' ? 'elsewhere.example.test:443' : `chat.example.test:${edgePort}` },
    };
    const hop = /^\/hop\/(\d+)(\/.*)$/.exec(path);
    const redirects = mode === 'redirects-30' ? 30 : mode === 'redirects-31' ? 31 : mode === 'cors-missing-on-hop' ? 1 : 0;
    if (redirects > 0 && (hop || documents[path])) {
      const step = hop ? Number(hop[1]) : 0;
      const target = hop?.[2] ?? path;
      const location = step + 1 >= redirects ? `/final${target}` : `/hop/${step + 1}${target}`;
      response.writeHead(302, mode === 'cors-missing-on-hop' ? { location } : { location, 'access-control-allow-origin': '*' }).end();
      return;
    }
    const document = documents[path.replace(/^\/final/, '')];
    if (!document) return void response.writeHead(404).end();
    switch (mode) {
      case 'no-content-type': return void response.writeHead(200, { 'access-control-allow-origin': '*' }).end(JSON.stringify(document));
      case 'wrong-json': return void response.writeHead(200, json).end('{"m.server": "chat.example.test:');
      case 'html': return void response.writeHead(200, { 'content-type': 'text/html', 'access-control-allow-origin': '*' }).end('<!doctype html><title>Welcome</title><p>Our site</p>');
      case 'big': {
        response.writeHead(200, json);
        const chunk = Buffer.alloc(1024 * 1024, 0x20);
        let sent = 0;
        const more = () => { while (sent < 10 && response.write(chunk)) sent += 1; if (sent >= 10) response.end(); else { sent += 1; response.once('drain', more); } };
        response.on('error', () => undefined);
        return more();
      }
      case 'slow': {
        const timer = setTimeout(() => response.writeHead(200, json).end(JSON.stringify(document)), 12000);
        response.on('close', () => clearTimeout(timer));
        return;
      }
      default: return void response.writeHead(200, json).end(JSON.stringify(document));
    }
  }

  before(async () => {
    // Room for 30 redirect hops on a loaded machine (6 s); the slow case answers well after it.
    site = await startCustomerSite('example.test', { 'chat.example.test': { CNAME: 'edge.cdns.localhost' } }, serve, 6000);
    homeport = await HomeportProcess.create('cdns', site.homeportEnv);
    await homeport.start();
    token = await homeport.createAccount('custom@example.org');
  });
  after(async () => {
    await homeport?.cleanup();
    await site?.close();
  });

  test('refuses bad custom domains with a clear problem and creates nothing', async () => {
    const cases: [Record<string, string>, RegExp][] = [
      [{ homeserverDomain: 'example.test', clientDomain: 'example.test' }, /must differ/],
      [{ homeserverDomain: 'not a domain', clientDomain: 'chat.example.test' }, /homeserver domain "not a domain" is not a domain name/],
      [{ homeserverDomain: 'example.test', clientDomain: 'chat.cdns.localhost' }, /client domain "chat\.cdns\.localhost" is one of Homeport's own names/],
    ];
    for (const [customDns, detail] of cases) {
      const answer = await homeport.api<Problem>('POST', '/api/v1/hosts', { token, body: { label: 'refused', size: 'starter', seats: 10, customDns } });
      assert.equal(answer.status, 422, JSON.stringify(answer.body));
      assert.match(answer.body.detail, detail);
      assert.equal(answer.body.type, 'urn:homeport:problem:custom-dns-invalid');
    }
    const missing = await homeport.api<Problem>('POST', '/api/v1/hosts', { token, body: { label: 'refused', size: 'starter', seats: 10, customDns: { homeserverDomain: 'example.test' } } });
    assert.equal(missing.status, 400);
    const hosts = await homeport.api<{ hosts: unknown[] }>('GET', '/api/v1/hosts', { token });
    assert.equal(hosts.body.hosts.length, 0);
  });

  test('a host with custom DNS has the homeserver domain as its server name and shows what to publish', async () => {
    const created = await homeport.api<{ host: Record<string, unknown> }>('POST', '/api/v1/hosts', {
      token, body: { label: 'custom', size: 'starter', seats: 10, customDns: { homeserverDomain: 'EXAMPLE.test.', clientDomain: 'chat.example.test' } },
    });
    assert.equal(created.status, 202, JSON.stringify(created.body));
    hostId = String(created.body.host.id);
    assert.equal(created.body.host.serverName, 'example.test');
    assert.deepEqual(created.body.host.customDns, custom);
    assert.equal(created.body.host.homeserverUrl, `https://chat.example.test:${homeport.edgePort}/`);

    const taken = await homeport.api<Problem>('POST', '/api/v1/hosts', { token, body: { label: 'another', size: 'starter', seats: 10, customDns: { homeserverDomain: 'example.test', clientDomain: 'other.example.test' } } });
    assert.equal(taken.status, 409, JSON.stringify(taken.body));
    assert.match(taken.body.detail, /homeserver domain "example\.test"/);

    const delegation = await homeport.api<Record<string, Record<string, unknown>>>('GET', `/api/v1/hosts/${hostId}/delegation`, { token });
    assert.equal(delegation.status, 200, JSON.stringify(delegation.body));
    assert.equal(delegation.body.client?.url, 'https://example.test/.well-known/matrix/client');
    assert.equal(delegation.body.client?.body, `{"m.homeserver":{"base_url":"https://chat.example.test:${homeport.edgePort}"}}`);
    assert.equal(delegation.body.server?.body, `{"m.server":"chat.example.test:${homeport.edgePort}"}`);
    assert.equal(delegation.body.cname?.zoneLine, 'chat.example.test. 3600 IN CNAME edge.cdns.localhost.');
    assert.match(String((delegation.body.snippets as Record<string, unknown>).nginx), /add_header Access-Control-Allow-Origin '\*' always;/);

    const cli = await homeport.cli(['host', 'delegation', 'custom'], token);
    assert.equal(cli.code, 0, cli.stderr);
    assert.match(cli.stdout, /chat\.example\.test\. 3600 IN CNAME edge\.cdns\.localhost\./);
  });

  async function check(which: Mode): Promise<string[]> {
    mode = which;
    const answer = await homeport.api<Check>('POST', `/api/v1/hosts/${hostId}/delegation-checks`, { token });
    assert.equal(answer.status, 201, JSON.stringify(answer.body));
    // The delegation check includes the federation check, whose findings federation-check.test.ts judges.
    return answer.body.findings.map((finding) => `${finding.severity}:${finding.code}`).filter((code) => !code.includes(':federation-'));
  }

  test('well-knowns published right, with the CNAME in place, pass; the result is kept', async () => {
    // Federation through the delegation is part of the check: it passes once the host runs.
    await homeport.waitForHostStatus(token, hostId, 'running');
    assert.deepEqual(await check('good'), []);
    const last = await homeport.api<Check>('GET', `/api/v1/hosts/${hostId}/delegation-checks`, { token });
    assert.equal(last.body.passed, true);
    assert.ok(Date.now() - Date.parse(last.body.checkedAt) < 60_000);
    const cli = await homeport.cli(['host', 'check', 'custom'], token);
    assert.equal(cli.code, 0, cli.stdout + cli.stderr);
    assert.match(cli.stdout, /^passed/);
  });

  test('each bad well-known gives its finding', async () => {
    assert.deepEqual(await check('no-content-type'), ['warning:client-content-type', 'warning:server-content-type']);
    assert.deepEqual(await check('wrong-json'), ['error:client-invalid-json', 'error:server-invalid-json']);
    assert.deepEqual(await check('cors-missing-on-hop'), ['error:client-cors-missing']);
    assert.deepEqual(await check('redirects-30'), []);
    assert.deepEqual(await check('redirects-31'), ['error:client-too-many-redirects', 'error:server-too-many-redirects']);
    assert.deepEqual(await check('wrong-m-server'), ['error:server-m-server-wrong']);
    assert.deepEqual(await check('html'), ['error:client-html', 'error:server-html']);
    assert.deepEqual(await check('big'), ['error:client-too-large', 'error:server-too-large']);
    assert.deepEqual(await check('slow'), ['error:client-timeout', 'error:server-timeout']);
    const last = await homeport.api<Check>('GET', `/api/v1/hosts/${hostId}/delegation-checks`, { token });
    assert.equal(last.body.passed, false);
    assert.match(last.body.findings[0]?.fix ?? '', /answers quickly/);
  });

  test('a missing or wrong CNAME is an error with the record to create', async () => {
    site!.dns.records.set('chat.example.test', { CNAME: 'somewhere.else.test' });
    assert.deepEqual(await check('good'), ['error:cname-wrong']);
    site!.dns.records.set('chat.example.test', {});
    const cli = await homeport.cli(['host', 'check', 'custom'], token);
    assert.equal(cli.code, 1);
    assert.match(cli.stdout, /chat\.example\.test has no CNAME record/);
    assert.match(cli.stdout, /fix: Create the DNS record "chat\.example\.test\. CNAME edge\.cdns\.localhost\."/);
    site!.dns.records.set('chat.example.test', { CNAME: 'edge.cdns.localhost' });
  });

  test('hosts without custom DNS have nothing to publish', async () => {
    const plain = await homeport.api<{ host: Record<string, unknown> }>('POST', '/api/v1/hosts', { token, body: { label: 'plain', size: 'starter', seats: 10 } });
    assert.equal(plain.status, 202);
    assert.equal(plain.body.host.customDns, null);
    assert.equal(plain.body.host.serverName, 'plain.cdns.localhost');
    const delegation = await homeport.api<Problem>('GET', '/api/v1/hosts/plain/delegation', { token });
    assert.equal(delegation.status, 409);
    assert.match(delegation.body.detail, /no custom DNS/);
  });

  test('a new client domain that is no domain, is the homeserver domain or is not the customer\'s to move is refused, and nothing changes', async () => {
    for (const [clientDomain, detail] of [['not a domain', /client domain "not a domain" is not a domain name/], ['example.test', /must differ from the homeserver domain/], ['x.cdns.localhost', /one of Homeport's own names/]] as const) {
      const answer = await homeport.api<Problem>('PUT', `/api/v1/hosts/${hostId}/client-domain`, { token, body: { clientDomain } });
      assert.equal(answer.status, 422, JSON.stringify(answer.body));
      assert.match(answer.body.detail, detail);
    }
    const unchanged = await homeport.api<{ host: Record<string, unknown>; job: unknown }>('PUT', `/api/v1/hosts/${hostId}/client-domain`, { token, body: { clientDomain: 'CHAT.example.test' } });
    assert.equal(unchanged.status, 200);
    assert.equal(unchanged.body.job, null);
    const stranger = await homeport.createAccount('stranger@example.org');
    assert.equal((await homeport.api('PUT', `/api/v1/hosts/${hostId}/client-domain`, { token: stranger, body: { clientDomain: 'mine.example.test' } })).status, 404);
    assert.equal((await homeport.api('PUT', `/api/v1/hosts/${hostId}/previous-client-domains/chat.example.test`, { token, body: { moved: true } })).status, 404);
    const host = await homeport.api<{ customDns: unknown }>('GET', `/api/v1/hosts/${hostId}`, { token });
    assert.deepEqual(host.body.customDns, custom);
    const previous = await homeport.api<{ domains: unknown[] }>('GET', `/api/v1/hosts/${hostId}/previous-client-domains`, { token });
    assert.deepEqual(previous.body.domains, []);
  });

  test('a host bought without custom DNS gets a client domain of its own once its CNAME leads to the edge; its server name stays', async () => {
    // Without the record, nothing changes, and the refusal says which record to create, at the field.
    const early = await homeport.api<Problem & { errors: { field: string; message: string }[] }>('PUT', '/api/v1/hosts/plain/client-domain', { token, body: { clientDomain: 'chat.plain.test' } });
    assert.equal(early.status, 422, JSON.stringify(early.body));
    assert.equal(early.body.errors[0]?.field, 'clientDomain');
    assert.match(early.body.detail, /chat\.plain\.test has no CNAME record.*"chat\.plain\.test\. CNAME edge\.cdns\.localhost\."/);
    const before = await homeport.api<{ clientDomain: unknown; homeserverUrl: string }>('GET', '/api/v1/hosts/plain', { token });
    assert.equal(before.body.clientDomain, null);
    assert.equal(before.body.homeserverUrl, `https://plain.cdns.localhost:${homeport.edgePort}/`);

    site!.dns.records.set('chat.plain.test', { CNAME: 'edge.cdns.localhost' });
    const added = await homeport.api<{ host: Record<string, unknown>; job: { id: string } | null }>('PUT', '/api/v1/hosts/plain/client-domain', { token, body: { clientDomain: 'chat.plain.test' } });
    assert.equal(added.status, 200, JSON.stringify(added.body));
    assert.equal(added.body.host.clientDomain, 'chat.plain.test');
    assert.equal(added.body.host.serverName, 'plain.cdns.localhost', 'the server name never changes');
    assert.equal(added.body.host.customDns, null);
    assert.equal(added.body.host.homeserverUrl, `https://chat.plain.test:${homeport.edgePort}/`);
    assert.ok(added.body.job, 'a rebuild applies it');
    const job = await homeport.waitForJob(token, added.body.job.id);
    assert.equal(job.status, 'succeeded', JSON.stringify(job));

    // The edge serves the host on its new name, Element Web points there, and federation still goes to the name here.
    const edgeFetch = await homeport.edgeFetch();
    const versions = await eventually(async () => {
      const response = await edgeFetch(`https://chat.plain.test:${homeport.edgePort}/_matrix/client/versions`);
      if (!response.ok) throw new Error(`status ${response.status}`);
      return response.status;
    }, 120_000, 1000);
    assert.equal(versions, 200);
    const config = (await (await edgeFetch(`https://chat.plain.test:${homeport.edgePort}/config.json`)).json()) as { default_server_config: unknown };
    assert.deepEqual(config.default_server_config, { 'm.homeserver': { base_url: `https://chat.plain.test:${homeport.edgePort}`, server_name: 'plain.cdns.localhost' } });
    const serverWellKnown = await (await edgeFetch(homeport.edgeUrl('plain', '/.well-known/matrix/server'))).json();
    assert.deepEqual(serverWellKnown, { 'm.server': `plain.cdns.localhost:${homeport.edgePort}` });
    assert.equal((await edgeFetch(homeport.edgeUrl('plain', '/_matrix/client/versions'))).status, 200, 'the name here keeps working');
  });

  test('the custom-DNS host builds and runs with its homeserver domain as server name', async () => {
    const host = await homeport.waitForHostStatus(token, hostId, 'running');
    assert.equal(host.serverName, 'example.test');
  });
});
