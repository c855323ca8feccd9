// Which host an edge access-log line is activity of: its name without port, and none for
// Homeport's own requests or for lines that are not an access log entry.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { requestedName } from '../../src/runtime/local/edge-activity.ts';

function line(host: string, userAgent?: string): string {
  return JSON.stringify({ logger: 'http.log.access', request: { host, method: 'GET', uri: '/_matrix/client/versions', headers: userAgent ? { 'User-Agent': [userAgent] } : {} } });
}

test('an access-log line names the requested host, without port, in lower case', () => {
  assert.equal(requestedName(line('Acme.Homeport.localhost:8443', 'matrix-js-sdk')), 'acme.homeport.localhost');
  assert.equal(requestedName(line('chat.example.com')), 'chat.example.com');
  assert.equal(requestedName(line('chat.example.com.:443')), 'chat.example.com');
});

test("Homeport's own requests through the edge and lines that are not access log entries count for no host", () => {
  assert.equal(requestedName(line('acme.homeport.localhost:8443', 'Homeport URL check')), undefined);
  assert.equal(requestedName('not json'), undefined);
  assert.equal(requestedName(JSON.stringify({ msg: 'handled request' })), undefined);
  assert.equal(requestedName(JSON.stringify({ request: { host: 42 } })), undefined);
});
