// A custom-domain host federates under its own server name, delegated by the customer's own
// site, and keeps federating when it moves: exported from one installation and imported into
// another (same signing key: the remote server, with the key it cached, accepts the imported
// host's new events), then moved to a new client domain. Two development installations on
// loopback stand for two machines; the customer's DNS and HTTPS site run in the test.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import type http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { MatrixClient } from 'matrix-js-sdk';
import type { Static } from 'typebox';
import type { FederationCheck } from '../../src/contract/federation-checks.ts';
import { startCustomerSite, type CustomerSite } from '../support/delegation-web.ts';
import { eventually } from '../support/eventually.ts';
import { assertFederation, type FederationSide } from '../support/federation-checks.ts';
import { HomeportProcess } from '../support/homeport-process.ts';
import { hostAdmin } from '../support/host-admin.ts';
import { downloadMedia } from '../support/host-content.ts';
import { loginThroughEdge, messagesOf } from '../support/matrix-user.ts';

type Check = Static<typeof FederationCheck>;

const federationTimeoutMs = 90_000;

function ports(homeport: HomeportProcess): string[] {
  const { env } = homeport;
  return [env.HOMEPORT_API_PORT, env.HOMEPORT_PG_PORT, env.HOMEPORT_EDGE_HTTP_PORT, env.HOMEPORT_EDGE_HTTPS_PORT, env.HOMEPORT_DEV_FEDERATION_PROXY_PORT, env.HOMEPORT_HOST_PORTS].map(String);
}

function sharedPorts(a: HomeportProcess, b: HomeportProcess): boolean {
  return ports(a).some((port) => ports(b).includes(port));
}

describe('federation of a custom-domain host across moves', () => {
  let first: HomeportProcess;
  let second: HomeportProcess;
  let site: CustomerSite | undefined;
  let work: string;
  /** The m.server the customer's site publishes: what the delegation page of the host's current installation says. */
  let delegatedTo = '';
  let owner: string;
  let secondOwner: string;
  let customId: string;
  let bob: FederationSide;
  const alice = { localpart: 'alice', password: `alice federates ${randomBytes(4).toString('hex')}`, userId: '@alice:example.test' };
  let roomId = '';

  function serve(request: http.IncomingMessage, response: http.ServerResponse): void {
    if (request.url !== '/.well-known/matrix/server') return void response.writeHead(404).end();
    response.writeHead(200, { 'content-type': 'application/json', 'access-control-allow-origin': '*' }).end(JSON.stringify({ 'm.server': delegatedTo }));
  }

  async function customSide(homeport: HomeportProcess): Promise<FederationSide & { client: MatrixClient }> {
    const client = await loginThroughEdge(homeport, 'custom', alice.localpart, alice.password);
    return { client, userId: alice.userId, serverName: 'example.test', displayName: 'Alice of example.test', download: (mxc) => downloadMedia(homeport, 'custom', client, mxc) };
  }

  async function publishDelegation(homeport: HomeportProcess, token: string): Promise<void> {
    const delegation = await homeport.api<{ server: { document: { 'm.server': string } } }>('GET', '/api/v1/hosts/custom/delegation', { token });
    delegatedTo = delegation.body.server.document['m.server'];
  }

  /** The host's published signing keys, as its key endpoint answers through the edge. */
  async function verifyKeys(homeport: HomeportProcess): Promise<unknown> {
    const answer = await (await homeport.edgeFetch())(homeport.edgeUrl('custom', '/_matrix/key/v2/server'));
    return ((await answer.json()) as { verify_keys: unknown }).verify_keys;
  }

  async function sees(client: MatrixClient, body: string): Promise<void> {
    await eventually(async () => assert.ok((await messagesOf(client, roomId)).includes(body), `"${body}" has not arrived yet`), federationTimeoutMs);
  }

  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'homeport-federation-moves-'));
    site = await startCustomerSite('example.test', { 'chat.example.test': { CNAME: 'edge.fmva.localhost' } }, serve);
    first = await HomeportProcess.create('fmva', site.homeportEnv);
    // Both are created before either starts (each needs the other's edge port): free ports picked
    // for one must not have been picked for the other too.
    do second = await HomeportProcess.create('fmvb', site.homeportEnv);
    while (sharedPorts(first, second));
    // Each installation's development proxy plays the internet for its hosts: the customer's site
    // for example.test, the other installation's edge for the names that live there.
    first.env.HOMEPORT_FEDERATION_CA_FILE = site.certificate.certFile;
    first.env.HOMEPORT_DEV_FEDERATION_PEERS = [`example.test=${site.address}:443`, `chat.example.test=127.0.0.1:${second.edgePort}`, `matrix.example.test=127.0.0.1:${second.edgePort}`].join(',');
    second.env.HOMEPORT_DEV_FEDERATION_PEERS = [`beta.fmva.localhost=127.0.0.1:${first.edgePort}`].join(',');
    await first.start();
    // Synapse trusts one certificate per CA file: both edges issue from one development CA, as
    // two installations of one operator would share a public one.
    await cp(join(first.dataDir, 'caddy', 'data', 'caddy', 'pki'), join(second.dataDir, 'caddy', 'data', 'caddy', 'pki'), { recursive: true });
    await second.start();
    owner = await first.createAccount('owner@example.org');
    secondOwner = await second.createAccount('owner@example.org');
    const created = await Promise.all([
      first.api<{ host: { id: string } }>('POST', '/api/v1/hosts', { token: owner, body: { label: 'custom', size: 'starter', seats: 5, customDns: { homeserverDomain: 'example.test', clientDomain: 'chat.example.test' } } }),
      first.api<{ host: { id: string } }>('POST', '/api/v1/hosts', { token: owner, body: { label: 'beta', size: 'starter', seats: 5 } }),
    ]);
    customId = created[0]!.body.host.id;
    const betaId = created[1]!.body.host.id;
    await Promise.all([customId, betaId].map((id) => first.waitForHostStatus(owner, id, 'running')));
    await (await hostAdmin(first, customId)).upsertUser(alice.userId, { password: alice.password, displayname: 'Alice of example.test' });
    const bobPassword = `bob federates ${randomBytes(4).toString('hex')}`;
    await (await hostAdmin(first, betaId)).upsertUser('@bob:beta.fmva.localhost', { password: bobPassword, displayname: 'Bob of beta' });
    const bobClient = await loginThroughEdge(first, 'beta', 'bob', bobPassword);
    bob = { client: bobClient, userId: '@bob:beta.fmva.localhost', serverName: 'beta.fmva.localhost', displayName: 'Bob of beta', download: (mxc) => downloadMedia(first, 'beta', bobClient, mxc) };
  });
  after(async () => {
    await first?.cleanup();
    await second?.cleanup();
    await site?.close();
    if (work) await rm(work, { recursive: true, force: true });
  });

  test('federates under its own server name, delegated by the customer\'s site as the delegation page says', async () => {
    await publishDelegation(first, owner);
    const check = await first.api<Check>('POST', '/api/v1/hosts/custom/federation-checks', { token: owner });
    assert.deepEqual(check.body.findings, []);
    const custom = await customSide(first);
    await assertFederation(custom, bob);
    await assertFederation(bob, custom);
    roomId = (await custom.client.createRoom({ name: 'Stays federated', invite: [bob.userId] })).room_id;
    await eventually(() => bob.client.joinRoom(roomId, { viaServers: ['example.test'] }), federationTimeoutMs);
    await custom.client.sendTextMessage(roomId, 'before the move');
    await sees(bob.client, 'before the move');
  });

  test('after export and import into another installation, the remote server accepts the host\'s new events under the same key', async () => {
    const keyBefore = await verifyKeys(first);
    await writeFile(join(work, 'alice-password'), `${alice.password}\n`);
    const exported = await first.cli(['host', 'export', 'custom', '--download', join(work, 'export')], owner);
    assert.equal(exported.code, 0, exported.stdout + exported.stderr);
    const cancelled = await first.cli(['host', 'cancel', 'custom', '--confirm', 'custom', '--wait'], owner);
    assert.equal(cancelled.code, 0, cancelled.stdout + cancelled.stderr);
    const operatorCreated = await second.cli(['account', 'create', '--email', 'operator2@example.org', '--name', 'Operator', '--operator', '--with-token']);
    const operator = /^token (\S+)$/m.exec(operatorCreated.stdout)?.[1] ?? '';
    assert.ok(operator, operatorCreated.stdout + operatorCreated.stderr);
    // The customer points the client domain at the new installation's edge and publishes its delegation.
    site!.dns.records.set('chat.example.test', { CNAME: 'edge.fmvb.localhost' });
    const imported = await second.cli([
      'host', 'import', '--from', join(work, 'export'), '--label', 'custom', '--account', 'owner@example.org', '--size', 'starter', '--seats', '5',
      '--verify-user', 'alice', '--verify-password-file', join(work, 'alice-password'), '--client-domain', 'chat.example.test', '--no-billing', '--wait',
    ], operator);
    assert.equal(imported.code, 0, imported.stdout + imported.stderr + second.output.slice(-3000));
    await publishDelegation(second, secondOwner);
    const check = await second.api<Check>('POST', '/api/v1/hosts/custom/federation-checks', { token: secondOwner });
    assert.deepEqual(check.body.findings, [], 'the imported host answers with the key Homeport holds for it');
    assert.deepEqual(await verifyKeys(second), keyBefore);
    const custom = await customSide(second);
    await custom.client.sendTextMessage(roomId, 'after the import');
    await sees(bob.client, 'after the import');
    await bob.client.sendTextMessage(roomId, 'welcome on the new installation');
    await sees(custom.client, 'welcome on the new installation');
  });

  test('after a client-domain move, the host still federates and the check passes with the new delegation', async () => {
    site!.dns.records.set('matrix.example.test', { CNAME: 'edge.fmvb.localhost' });
    const moved = await second.api<{ job: { id: string } | null }>('PUT', '/api/v1/hosts/custom/client-domain', { token: secondOwner, body: { clientDomain: 'matrix.example.test' } });
    assert.equal(moved.status, 200, JSON.stringify(moved.body));
    assert.ok(moved.body.job);
    await second.waitForJob(secondOwner, moved.body.job.id);
    await publishDelegation(second, secondOwner);
    assert.match(delegatedTo, /^matrix\.example\.test:\d+$/);
    const check = await second.api<Check>('POST', '/api/v1/hosts/custom/federation-checks', { token: secondOwner });
    assert.deepEqual(check.body.findings, []);
    const custom = await customSide(second);
    await custom.client.sendTextMessage(roomId, 'after the client-domain move');
    await sees(bob.client, 'after the client-domain move');
    await bob.client.sendTextMessage(roomId, 'still here');
    await sees(custom.client, 'still here');
  });
});
