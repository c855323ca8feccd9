// The federation check sees a host as a remote server does: it resolves the server name through
// the well-known (served by the edge, or by a customer's real HTTPS site on loopback with its own
// DNS server), reaches the key endpoint over TLS and checks the host's own signed key and the
// federation version; each way a customer's site can break it gives its finding and fix.
import assert from 'node:assert/strict';
import { generateKeyPairSync, sign } from 'node:crypto';
import type http from 'node:http';
import { after, before, describe, test } from 'node:test';
import type { Static } from 'typebox';
import type { FederationCheck } from '../../src/contract/federation-checks.ts';
import { canonicalJson } from '../../src/synapse/signed-json.ts';
import { startCustomerSite, type CustomerSite } from '../support/delegation-web.ts';
import { HomeportProcess } from '../support/homeport-process.ts';

type Check = Static<typeof FederationCheck>;
type Mode = 'good' | 'missing' | 'wrong-port' | 'elsewhere' | 'bad-certificate';

/** A key answer for example.test signed by a key that is not the host's: another server claiming the name. */
function impostorKeyAnswer(): string {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const x = publicKey.export({ format: 'jwk' }).x!.replace(/-/g, '+').replace(/_/g, '/');
  const answer = { server_name: 'example.test', valid_until_ts: Date.now() + 3_600_000, old_verify_keys: {}, verify_keys: { 'ed25519:impostor': { key: x } } };
  const signature = sign(null, Buffer.from(canonicalJson(answer)), privateKey).toString('base64').replace(/=+$/, '');
  return JSON.stringify({ ...answer, signatures: { 'example.test': { 'ed25519:impostor': signature } } });
}

describe('federation check', () => {
  let homeport: HomeportProcess;
  let token: string;
  let site: CustomerSite | undefined;
  let mode: Mode = 'good';
  const impostor = impostorKeyAnswer();

  function serve(request: http.IncomingMessage, response: http.ServerResponse): void {
    const json = { 'content-type': 'application/json', 'access-control-allow-origin': '*' };
    const mServer: Partial<Record<Mode, string>> = {
      good: `chat.example.test:${homeport.edgePort}`,
      'wrong-port': 'chat.example.test:1',
      elsewhere: 'example.test:443',
      'bad-certificate': 'www.example.test:443',
    };
    if (request.url === '/.well-known/matrix/client') return void response.writeHead(200, json).end(JSON.stringify({ 'm.homeserver': { base_url: `https://chat.example.test:${homeport.edgePort}` } }));
    if (request.url === '/.well-known/matrix/server' && mServer[mode]) return void response.writeHead(200, json).end(JSON.stringify({ 'm.server': mServer[mode] }));
    if (request.url === '/_matrix/key/v2/server') return void response.writeHead(200, json).end(impostor);
    response.writeHead(404).end();
  }

  before(async () => {
    site = await startCustomerSite('example.test', { 'chat.example.test': { CNAME: 'edge.fedc.localhost' } }, serve);
    // www.example.test is the site's address too, but its certificate names only example.test.
    site.dns.records.set('www.example.test', { A: [site.address] });
    homeport = await HomeportProcess.create('fedc', site.homeportEnv);
    await homeport.start();
    token = await homeport.createAccount('federation@example.org');
    const created = await Promise.all([
      homeport.api<{ host: { id: string } }>('POST', '/api/v1/hosts', { token, body: { label: 'alpha', size: 'starter', seats: 5 } }),
      homeport.api<{ host: { id: string } }>('POST', '/api/v1/hosts', { token, body: { label: 'custom', size: 'starter', seats: 5, customDns: { homeserverDomain: 'example.test', clientDomain: 'chat.example.test' } } }),
    ]);
    await Promise.all(created.map((answer) => homeport.waitForHostStatus(token, answer.body.host.id, 'running')));
  });
  after(async () => {
    await homeport?.cleanup();
    await site?.close();
  });

  async function federationCheck(label: string, which: Mode = 'good'): Promise<Check> {
    mode = which;
    const answer = await homeport.api<Check>('POST', `/api/v1/hosts/${label}/federation-checks`, { token });
    assert.equal(answer.status, 201, JSON.stringify(answer.body));
    return answer.body;
  }

  const codes = (check: Check) => check.findings.map((finding) => `${finding.severity}:${finding.code}`);

  test('a host on the base domain passes: the edge serves its well-known and its signed key', async () => {
    const check = await federationCheck('alpha');
    assert.deepEqual(check.findings, []);
    assert.equal(check.passed, true);
    const last = await homeport.api<Check>('GET', '/api/v1/hosts/alpha/federation-checks', { token });
    assert.deepEqual(last.body, check);
    const cli = await homeport.cli(['host', 'check', 'alpha'], token);
    assert.equal(cli.code, 0, cli.stdout + cli.stderr);
    assert.match(cli.stdout, /^passed/);
  });

  test('a custom-DNS host passes under its own server name when its site serves the delegation page\'s well-known', async () => {
    assert.deepEqual((await federationCheck('custom')).findings, []);
    const delegation = await homeport.api<Check>('POST', '/api/v1/hosts/custom/delegation-checks', { token });
    assert.deepEqual(delegation.body.findings, []);
  });

  test('a missing well-known: remote servers try example.test:8448, where nothing answers', async () => {
    const check = await federationCheck('custom', 'missing');
    assert.deepEqual(codes(check), ['error:federation-well-known-missing', 'error:federation-unreachable']);
    assert.match(check.findings[0]!.message, /https:\/\/example\.test\/\.well-known\/matrix\/server answers with status 404, so remote servers look for example\.test at example\.test:8448/);
    assert.equal(check.findings[0]!.fix, `Publish exactly {"m.server":"chat.example.test:${homeport.edgePort}"} at https://example.test/.well-known/matrix/server, as the delegation page shows.`);
    // The delegation check of a custom-DNS host includes the federation check.
    const delegation = await homeport.api<Check>('POST', '/api/v1/hosts/custom/delegation-checks', { token });
    assert.ok(codes(delegation.body).includes('error:federation-unreachable'), JSON.stringify(delegation.body));
    const cli = await homeport.cli(['host', 'check', 'custom'], token);
    assert.equal(cli.code, 1);
    assert.match(cli.stdout, /fix: Publish exactly \{"m\.server":"chat\.example\.test:\d+"\}/);
  });

  test('a well-known with the wrong port', async () => {
    const check = await federationCheck('custom', 'wrong-port');
    assert.deepEqual(codes(check), ['error:federation-delegated-elsewhere', 'error:federation-unreachable']);
    assert.match(check.findings[0]!.message, /sends remote servers to chat\.example\.test:1, but this host answers federation at chat\.example\.test:\d+/);
  });

  test('a well-known delegating to a server with another key', async () => {
    const check = await federationCheck('custom', 'elsewhere');
    assert.deepEqual(codes(check), ['error:federation-delegated-elsewhere', 'error:federation-key-other-key']);
    assert.match(check.findings[1]!.message, /does not offer this host's key ed25519:a_[A-Za-z]{4}/);
  });

  test('a well-known delegating to a name the certificate does not cover', async () => {
    const check = await federationCheck('custom', 'bad-certificate');
    assert.deepEqual(codes(check), ['error:federation-delegated-elsewhere', 'error:federation-certificate']);
    assert.match(check.findings[1]!.message, /certificate of www\.example\.test:443 is not valid for www\.example\.test/);
  });
});
