// Federation on a development installation: hosts reach each other, and a Synapse Homeport does
// not run, through the development federation proxy and the edge, trusting the edge's CA, with
// Synapse's blocklists untouched; it survives a rebuild and a restart of Homeport; a host's
// private federation and "off" switch are enforced. Before the proxy, alpha's invite to beta
// failed: loopback blocked, port 8448 unanswered.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { makeCertificate, type TestCertificate } from '../support/delegation-web.ts';
import { eventually } from '../support/eventually.ts';
import { assertFederation, type FederationSide } from '../support/federation-checks.ts';
import { HomeportProcess } from '../support/homeport-process.ts';
import { hostAdmin } from '../support/host-admin.ts';
import { downloadMedia } from '../support/host-content.ts';
import { loginThroughEdge } from '../support/matrix-user.ts';
import { outsideSynapse, type OutsideSynapse } from '../support/outside-synapse.ts';

async function hostSide(homeport: HomeportProcess, hostId: string, label: string, localpart: string): Promise<FederationSide> {
  const serverName = `${label}.${homeport.baseDomain}`;
  const userId = `@${localpart}:${serverName}`;
  const password = `${localpart} federates ${randomBytes(4).toString('hex')}`;
  const displayName = `${localpart} of ${label}`;
  await (await hostAdmin(homeport, hostId)).upsertUser(userId, { password, displayname: displayName });
  const client = await loginThroughEdge(homeport, label, localpart, password);
  return { client, userId, serverName, displayName, download: (mxc) => downloadMedia(homeport, label, client, mxc) };
}

async function proxyAnswer(port: number, target: string): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(`CONNECT ${target} HTTP/1.1\r\nHost: ${target}\r\n\r\n`));
    let text = '';
    socket.on('data', (chunk) => { text += chunk.toString(); });
    socket.on('end', () => resolve(text));
    socket.on('error', reject);
  });
}

describe('federation', () => {
  let homeport: HomeportProcess;
  let token: string;
  let certificate: TestCertificate;
  let outsideDir: string;
  let outside: OutsideSynapse;
  const ids: Record<string, string> = {};

  before(async () => {
    certificate = await makeCertificate(['outside.localhost']);
    outsideDir = await mkdtemp(join(tmpdir(), 'homeport-outside-'));
    outside = await outsideSynapse(outsideDir, 'outside.localhost', certificate);
    homeport = await HomeportProcess.create('fed', {
      HOMEPORT_DEV_FEDERATION_PEERS: `outside.localhost=127.0.0.1:${outside.tlsPort}`,
      HOMEPORT_FEDERATION_CA_FILE: certificate.certFile,
    });
    await homeport.start();
    token = await homeport.createAccount('fed@example.org');
    const created = await Promise.all(['alpha', 'beta'].map((label) =>
      // Every check signs in new users: Synapse's seat limit (monthly active users) must not stop them.
      homeport.api<{ host: { id: string } }>('POST', '/api/v1/hosts', { token, body: { label, size: 'starter', seats: 50 } })));
    ids.alpha = created[0]?.body.host.id ?? '';
    ids.beta = created[1]?.body.host.id ?? '';
    await Promise.all(Object.values(ids).map((id) => homeport.waitForHostStatus(token, id, 'running')));
    // The outside server finds the hosts the way a server on the internet would through DNS and 443.
    await outside.start({ proxyUrl: `http://127.0.0.1:${homeport.env.HOMEPORT_DEV_FEDERATION_PROXY_PORT}`, trustedCaFiles: [homeport.caddyRootCertificatePath()] });
  });
  after(async () => {
    await outside?.stop();
    await homeport?.cleanup();
    await certificate?.remove();
    if (outsideDir) await rm(outsideDir, { recursive: true, force: true });
  });

  test('hosts of one installation federate both ways', async () => {
    const alice = await hostSide(homeport, ids.alpha ?? '', 'alpha', 'alice');
    const bob = await hostSide(homeport, ids.beta ?? '', 'beta', 'bob');
    await assertFederation(alice, bob);
    await assertFederation(bob, alice);
  });

  test('a host federates with a Synapse Homeport does not run, in both directions', async () => {
    const carol = await hostSide(homeport, ids.alpha ?? '', 'alpha', 'carol');
    const olga = await outside.side('olga');
    await assertFederation(carol, olga);
    await assertFederation(olga, await hostSide(homeport, ids.beta ?? '', 'beta', 'dave'));
  });

  test('the development federation proxy refuses names and ports that are not this installation\'s', async () => {
    const proxyPort = Number(homeport.env.HOMEPORT_DEV_FEDERATION_PROXY_PORT);
    assert.match(await proxyAnswer(proxyPort, 'matrix.org:8448'), /^HTTP\/1\.1 403/);
    assert.match(await proxyAnswer(proxyPort, `alpha.${homeport.baseDomain}:22`), /^HTTP\/1\.1 403/);
    assert.match(await proxyAnswer(proxyPort, `127.0.0.1:${homeport.env.HOMEPORT_API_PORT}`), /^HTTP\/1\.1 403/);
  });

  test('federation keeps working after a rebuild of a host and after a restart of Homeport', async () => {
    const rebuild = await homeport.api<{ job: { id: string } }>('POST', `/api/v1/hosts/${ids.alpha}/rebuild`, { token });
    assert.equal(rebuild.status, 202, JSON.stringify(rebuild.body));
    assert.equal((await homeport.waitForJob(token, rebuild.body.job.id)).status, 'succeeded');
    await assertFederation(await hostSide(homeport, ids.beta ?? '', 'beta', 'erin'), await hostSide(homeport, ids.alpha ?? '', 'alpha', 'frank'));

    await homeport.stop();
    await homeport.start();
    await Promise.all(Object.values(ids).map((id) => homeport.waitForHostStatus(token, id, 'running')));
    // The hosts' Synapses come back with Homeport; their admin API answers once they are up.
    const gina = await eventually(() => hostSide(homeport, ids.alpha ?? '', 'alpha', 'gina'), 180_000);
    const hank = await eventually(() => hostSide(homeport, ids.beta ?? '', 'beta', 'hank'), 180_000);
    await assertFederation(gina, hank);
    await assertFederation(await outside.side('oscar'), await hostSide(homeport, ids.alpha ?? '', 'alpha', 'ivy'));
  });

  test('a host on private federation talks only with the listed servers, and with federation off with nobody', async () => {
    const alpha = `alpha.${homeport.baseDomain}`;
    const invalid = await homeport.api<{ detail: string }>('PUT', `/api/v1/hosts/${ids.beta}/federation`, { token, body: { mode: 'allowlist', allowedServers: ['not a server'] } });
    assert.equal(invalid.status, 400);
    assert.match(invalid.body.detail, /"not a server"/);
    const empty = await homeport.api('PUT', `/api/v1/hosts/${ids.beta}/federation`, { token, body: { mode: 'allowlist', allowedServers: [] } });
    assert.equal(empty.status, 400);
    const tooMany = await homeport.api('PUT', `/api/v1/hosts/${ids.beta}/federation`, { token, body: { mode: 'allowlist', allowedServers: Array.from({ length: 101 }, (_, index) => `s${index}.example`) } });
    assert.equal(tooMany.status, 400);

    const allow = await homeport.cli(['host', 'federation', 'beta', '--allow', alpha, '--wait'], token);
    assert.equal(allow.code, 0, allow.stderr);
    assert.match(allow.stdout, new RegExp(`only with .*listed servers: ${alpha.replaceAll('.', '\\.')}`));
    assert.match(allow.stdout, /job finished/);
    const shown = await homeport.api<{ federation: unknown }>('GET', `/api/v1/hosts/${ids.beta}`, { token });
    assert.deepEqual(shown.body.federation, { mode: 'allowlist', allowedServers: [alpha] });

    const kim = await hostSide(homeport, ids.beta ?? '', 'beta', 'kim');
    const outsider = await outside.side('otto');
    const { room_id: outsideRoom } = await outsider.client.createRoom({ name: 'outside', preset: 'public_chat' as never });
    await assert.rejects(outsider.client.invite(outsideRoom, kim.userId), 'beta refuses the invite of a server not on its list');
    await assert.rejects(kim.client.joinRoom(outsideRoom, { viaServers: [outside.serverName] }), 'beta does not reach out to a server not on its list');
    await assertFederation(await hostSide(homeport, ids.alpha ?? '', 'alpha', 'lena'), kim);

    const off = await homeport.api<{ job: { id: string } }>('PUT', `/api/v1/hosts/${ids.beta}/federation`, { token, body: { mode: 'off' } });
    assert.equal(off.status, 200, JSON.stringify(off.body));
    assert.equal((await homeport.waitForJob(token, off.body.job.id)).status, 'succeeded');
    const mona = await hostSide(homeport, ids.alpha ?? '', 'alpha', 'mona');
    const { room_id: alphaRoom } = await mona.client.createRoom({ name: 'alpha only' });
    await assert.rejects(mona.client.invite(alphaRoom, kim.userId), 'beta accepts no federation at all');
    const keyAnswer = await (await homeport.edgeFetch())(homeport.edgeUrl('beta', '/_matrix/key/v2/server'));
    assert.equal(keyAnswer.status, 404, 'beta serves no signing key to other servers');
    const delegation = await (await homeport.edgeFetch())(homeport.edgeUrl('beta', '/.well-known/matrix/server'));
    assert.equal(delegation.status, 404, 'beta sends no other server to itself');
    const clientDiscovery = await (await homeport.edgeFetch())(homeport.edgeUrl('beta', '/.well-known/matrix/client'));
    assert.equal(clientDiscovery.status, 200, 'clients still find beta');
  });
});
