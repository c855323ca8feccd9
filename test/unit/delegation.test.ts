// What a custom-DNS host's owner publishes, and how a delegation check judges what it saw.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { renderDelegation } from '../../src/domain/delegation.ts';
import { judgeCname, judgeWellKnown, type SeenDocument } from '../../src/domain/delegation-findings.ts';

const input = { homeserverDomain: 'example.com', clientDomain: 'chat.example.com', edgeHttpsPort: 443, edgeCnameTarget: 'edge.homeport.example' };

test('renders both well-knowns for the client domain on port 443 without the port in the base URL', () => {
  const delegation = renderDelegation(input);
  assert.equal(delegation.client.url, 'https://example.com/.well-known/matrix/client');
  assert.equal(delegation.client.body, '{"m.homeserver":{"base_url":"https://chat.example.com"}}');
  assert.equal(delegation.server.url, 'https://example.com/.well-known/matrix/server');
  assert.equal(delegation.server.body, '{"m.server":"chat.example.com:443"}');
  assert.deepEqual(delegation.cname, { name: 'chat.example.com', type: 'CNAME', target: 'edge.homeport.example', zoneLine: 'chat.example.com. 3600 IN CNAME edge.homeport.example.' });
});

test('puts a non-default edge port into the base URL and m.server', () => {
  const delegation = renderDelegation({ ...input, edgeHttpsPort: 8443 });
  assert.deepEqual(delegation.client.document, { 'm.homeserver': { base_url: 'https://chat.example.com:8443' } });
  assert.deepEqual(delegation.server.document, { 'm.server': 'chat.example.com:8443' });
});

test('renders nginx, Caddy and static-hosting snippets with CORS and JSON content type', () => {
  const { snippets } = renderDelegation(input);
  assert.equal(snippets.nginx, [
    '# In the server block that answers https://example.com',
    '    location = /.well-known/matrix/client {',
    '        default_type application/json;',
    "        add_header Access-Control-Allow-Origin '*' always;",
    `        return 200 '{"m.homeserver":{"base_url":"https://chat.example.com"}}';`,
    '    }',
    '    location = /.well-known/matrix/server {',
    '        default_type application/json;',
    "        add_header Access-Control-Allow-Origin '*' always;",
    `        return 200 '{"m.server":"chat.example.com:443"}';`,
    '    }',
    '',
  ].join('\n'));
  assert.match(snippets.caddy, /^example\.com \{\n\thandle \/\.well-known\/matrix\/client \{\n\t\theader Content-Type application\/json\n\t\theader Access-Control-Allow-Origin \*\n\t\trespond `\{"m\.homeserver":\{"base_url":"https:\/\/chat\.example\.com"\}\}` 200\n/);
  assert.deepEqual(snippets.staticHosting.files.map((file) => file.path), ['.well-known/matrix/client', '.well-known/matrix/server']);
  assert.deepEqual(snippets.staticHosting.headers, { 'Content-Type': 'application/json', 'Access-Control-Allow-Origin': '*' });
});

const delegation = renderDelegation(input);
const json = { 'content-type': 'application/json', 'access-control-allow-origin': '*' };
const seen = (body: string, headers: Record<string, string | undefined> = json, status = 200): SeenDocument => ({ ok: true, hops: [{ url: delegation.client.url, status, headers }], body });
const codes = (findings: { code: string; severity: string }[]) => findings.map((finding) => `${finding.severity}:${finding.code}`);

test('a well-known published exactly as shown has no findings', () => {
  assert.deepEqual(judgeWellKnown('client', delegation.client.url, delegation.client.document, seen(delegation.client.body), input), []);
  assert.deepEqual(judgeWellKnown('server', delegation.server.url, delegation.server.document, seen('{"m.server": "chat.example.com:443"}'), input), []);
});

test('judges each way a well-known can be wrong', () => {
  const judge = (which: 'client' | 'server', document: SeenDocument) => codes(judgeWellKnown(which, delegation[which].url, delegation[which].document, document, input));
  assert.deepEqual(judge('client', seen(delegation.client.body, { 'access-control-allow-origin': '*' })), ['warning:client-content-type']);
  assert.deepEqual(judge('client', seen(delegation.client.body, { 'content-type': 'application/json' })), ['error:client-cors-missing']);
  assert.deepEqual(judge('client', seen('{"m.homeserver": {"base_url": "https://elsewhere.example"}}')), ['error:client-base-url-wrong']);
  assert.deepEqual(judge('client', seen('{"m.homeserver": {}}')), ['error:client-base-url-missing']);
  assert.deepEqual(judge('server', seen('{"m.server": "elsewhere.example:443"}')), ['error:server-m-server-wrong']);
  assert.deepEqual(judge('server', seen('{"m.server": ')), ['error:server-invalid-json']);
  assert.deepEqual(judge('server', seen('[]')), ['error:server-invalid-json']);
  assert.deepEqual(judge('server', seen('<!doctype html><p>Welcome', { 'content-type': 'text/html' })), ['error:server-html']);
  assert.deepEqual(judge('server', seen('not found', json, 404)), ['error:server-status']);
  assert.deepEqual(judge('server', { ok: false, hops: [], failure: 'timeout', detail: 'slow' }), ['error:server-timeout']);
});

test('the client file needs CORS on every redirect hop', () => {
  const document: SeenDocument = {
    ok: true,
    body: delegation.client.body,
    hops: [
      { url: 'https://example.com/.well-known/matrix/client', status: 301, headers: {} },
      { url: 'https://www.example.com/.well-known/matrix/client', status: 200, headers: json },
    ],
  };
  const findings = judgeWellKnown('client', delegation.client.url, delegation.client.document, document, input);
  assert.deepEqual(codes(findings), ['error:client-cors-missing']);
  assert.match(findings[0]?.message ?? '', /^https:\/\/example\.com\/\.well-known\/matrix\/client answers without "Access-Control-Allow-Origin: \*"/);
  assert.match(findings[0]?.fix ?? '', /every redirect/);
});

test('judges the client domain CNAME', () => {
  assert.deepEqual(judgeCname(input, { ok: true, targets: ['Edge.Homeport.Example.'] }), []);
  assert.deepEqual(codes(judgeCname(input, { ok: true, targets: [] })), ['error:cname-missing']);
  assert.deepEqual(codes(judgeCname(input, { ok: true, targets: ['other.example'] })), ['error:cname-wrong']);
  assert.deepEqual(codes(judgeCname(input, { ok: false, detail: 'ETIMEOUT' })), ['error:cname-lookup-failed']);
  assert.match(judgeCname(input, { ok: true, targets: [] })[0]?.fix ?? '', /chat\.example\.com\. CNAME edge\.homeport\.example\./);
});
