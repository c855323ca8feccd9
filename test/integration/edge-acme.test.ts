// With a real domain the edge gets its certificates by ACME: here from Pebble, Let's Encrypt's
// test CA, and a real Matrix client verifies them against Pebble's root.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { eventually } from '../support/eventually.ts';
import { HomeportProcess } from '../support/homeport-process.ts';
import { hostAdmin } from '../support/host-admin.ts';
import { startPebble, type Pebble } from '../support/pebble.ts';
import { freePort } from '../support/throwaway-postgres.ts';
import { createClient } from 'matrix-js-sdk';

describe('the edge with ACME', () => {
  let homeport: HomeportProcess;
  let pebble: Pebble;

  before(async () => {
    const http = await freePort();
    const https = await freePort();
    pebble = await startPebble({ http, tls: https });
    homeport = await HomeportProcess.create('acme-edge', {
      HOMEPORT_BASE_DOMAIN: 'chat.example.org',
      HOMEPORT_TLS: 'acme',
      HOMEPORT_ACME_CA: pebble.directoryUrl,
      HOMEPORT_ACME_CA_ROOT: pebble.tlsCertificateFile,
      HOMEPORT_ACME_EMAIL: 'ops@example.org',
      HOMEPORT_EDGE_HTTP_PORT: String(http),
      HOMEPORT_EDGE_HTTPS_PORT: String(https),
    });
    await homeport.start();
  });
  after(async () => {
    await homeport?.cleanup();
    await pebble?.stop();
  });

  test('serves a host under a certificate issued by the ACME CA', async () => {
    const token = await homeport.createAccount('acme@example.org');
    const created = await homeport.api<{ host: { id: string } }>('POST', '/api/v1/hosts', { token, body: { label: 'team', size: 'starter', seats: 5 } });
    assert.equal(created.status, 202);
    await homeport.waitForHostStatus(token, created.body.host.id, 'running');

    const fetchEdge = await homeport.edgeFetch(await pebble.issuingRoot());
    const wellKnown = await eventually(async () => {
      const response = await fetchEdge(homeport.edgeUrl('team', '/.well-known/matrix/client'));
      return response.json();
    }, 60_000, 500);
    assert.deepEqual(wellKnown, { 'm.homeserver': { base_url: homeport.edgeUrl('team') } });

    const admin = await hostAdmin(homeport, created.body.host.id);
    await admin.upsertUser('@ana:team.chat.example.org', { password: 'a certificate from ACME' });
    const client = createClient({ baseUrl: homeport.edgeUrl('team'), fetchFn: fetchEdge });
    const login = await client.loginRequest({ type: 'm.login.password', identifier: { type: 'm.id.user', user: 'ana' }, password: 'a certificate from ACME' });
    assert.equal(login.user_id, '@ana:team.chat.example.org');
  });
});
