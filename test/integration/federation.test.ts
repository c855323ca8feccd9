// Federation on a development installation: hosts reach each other through the development
// federation proxy and the edge, trusting the edge's CA, with Synapse's blocklists untouched.
// Before the proxy, alpha's invite to beta failed: loopback blocked, port 8448 unanswered.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { assertFederation, type FederationSide } from '../support/federation-checks.ts';
import { HomeportProcess } from '../support/homeport-process.ts';
import { hostAdmin } from '../support/host-admin.ts';
import { downloadMedia } from '../support/host-content.ts';
import { loginThroughEdge } from '../support/matrix-user.ts';

async function hostSide(homeport: HomeportProcess, hostId: string, label: string, localpart: string): Promise<FederationSide> {
  const serverName = `${label}.${homeport.baseDomain}`;
  const userId = `@${localpart}:${serverName}`;
  const password = `${localpart} federates ${randomBytes(4).toString('hex')}`;
  const displayName = `${localpart} of ${label}`;
  await (await hostAdmin(homeport, hostId)).upsertUser(userId, { password, displayname: displayName });
  const client = await loginThroughEdge(homeport, label, localpart, password);
  return { client, userId, serverName, displayName, download: (mxc) => downloadMedia(homeport, label, client, mxc) };
}

describe('federation', () => {
  let homeport: HomeportProcess;
  let token: string;
  const ids: Record<string, string> = {};

  before(async () => {
    homeport = await HomeportProcess.create('fed');
    await homeport.start();
    token = await homeport.createAccount('fed@example.org');
    const created = await Promise.all(['alpha', 'beta'].map((label) =>
      homeport.api<{ host: { id: string } }>('POST', '/api/v1/hosts', { token, body: { label, size: 'starter', seats: 5 } })));
    ids.alpha = created[0]?.body.host.id ?? '';
    ids.beta = created[1]?.body.host.id ?? '';
    await Promise.all(Object.values(ids).map((id) => homeport.waitForHostStatus(token, id, 'running')));
  });
  after(async () => {
    await homeport?.cleanup();
  });

  test('hosts of one installation federate both ways', async () => {
    const alice = await hostSide(homeport, ids.alpha ?? '', 'alpha', 'alice');
    const bob = await hostSide(homeport, ids.beta ?? '', 'beta', 'bob');
    await assertFederation(alice, bob);
    await assertFederation(bob, alice);
  });

  test('the development federation proxy refuses names that are not this installation\'s', async () => {
    const proxyPort = Number(homeport.env.HOMEPORT_DEV_FEDERATION_PROXY_PORT);
    const { connect } = await import('node:net');
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = connect(proxyPort, '127.0.0.1', () => socket.write('CONNECT matrix.org:8448 HTTP/1.1\r\nHost: matrix.org:8448\r\n\r\n'));
      let text = '';
      socket.on('data', (chunk) => { text += chunk.toString(); });
      socket.on('end', () => resolve(text));
      socket.on('error', reject);
    });
    assert.match(answer, /^HTTP\/1\.1 403/);
  });
});
