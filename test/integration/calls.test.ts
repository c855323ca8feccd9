// Calls for real: LiveKit runs under Homeport, a host's well-known names the token service, users
// of two hosts (one over federation) join one MatrixRTC session with matrix-js-sdk, each gets a
// LiveKit token from the token service through the edge, all three are participants of one
// LiveKit room in Chromium (livekit-client, fake camera), and one receives what another publishes.
// A user of a host with calls off, and a forged OpenID token, get no token; a user of another
// server (its OpenID endpoint served on loopback) may join a call started here, never start one.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ClientEvent, SyncState, type MatrixClient } from 'matrix-js-sdk';
import { RoomServiceClient } from 'livekit-server-sdk';
import { chromium, type Browser, type Page } from 'playwright-core';
import { livekitIdentity, livekitRoomName } from '../../src/domain/calls.ts';
import { ensureCallsKeys } from '../../src/store/calls-keys.ts';
import { SecretBox } from '../../src/store/secret-box.ts';
import { startCustomerSite, type CustomerSite } from '../support/delegation-web.ts';
import { eventually } from '../support/eventually.ts';
import { HomeportProcess } from '../support/homeport-process.ts';
import { hostAdmin, openHomeportDatabase } from '../support/host-admin.ts';
import { ensurePanelBuilt, firstOperator, launchChromium, logInToPanel, openPanelPage, screenshot, setPasswordByReset } from '../support/panel-browser.ts';
import { loginThroughEdge } from '../support/matrix-user.ts';

const livekitClientBundle = resolve(import.meta.dirname, '..', '..', 'node_modules', 'livekit-client', 'dist', 'livekit-client.umd.js');

interface Caller {
  client: MatrixClient;
  userId: string;
  serverName: string;
}

interface TokenAnswer {
  status: number;
  headers: Headers;
  body: { url?: string; jwt?: string; type?: string; detail?: string };
}

describe('calls', () => {
  let homeport: HomeportProcess;
  let account: string;
  let browser: Browser | undefined;
  /** A Matrix server outside the installation, as far as OpenID goes: its well-known and its userinfo endpoint. */
  let remote: CustomerSite | undefined;
  const ids: Record<string, string> = {};
  const callers: Caller[] = [];

  const serviceUrl = () => `https://rtc.${homeport.baseDomain}:${homeport.edgePort}/livekit/jwt`;

  async function caller(label: string, localpart: string): Promise<Caller> {
    const serverName = `${label}.${homeport.baseDomain}`;
    const userId = `@${localpart}:${serverName}`;
    const password = `${localpart} calls ${randomBytes(4).toString('hex')}`;
    await (await hostAdmin(homeport, ids[label] ?? '')).upsertUser(userId, { password, displayname: localpart });
    const client = await loginThroughEdge(homeport, label, localpart, password);
    callers.push({ client, userId, serverName });
    return { client, userId, serverName };
  }

  async function askToken(body: unknown): Promise<TokenAnswer> {
    const fetch = await homeport.edgeFetch();
    const response = await fetch(`${serviceUrl()}/sfu/get`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    return { status: response.status, headers: response.headers, body: await response.json() as TokenAnswer['body'] };
  }

  async function tokenFor(who: Caller, roomId: string): Promise<TokenAnswer> {
    const openid = await who.client.getOpenIdToken();
    return askToken({ room: roomId, openid_token: openid, device_id: who.client.getDeviceId() });
  }

  async function synced(client: MatrixClient): Promise<void> {
    const ready = new Promise<void>((done) => client.on(ClientEvent.Sync, (state) => { if (state === SyncState.Prepared || state === SyncState.Syncing) done(); }));
    await client.startClient({ initialSyncLimit: 5 });
    await ready;
  }

  before(async () => {
    remote = await startCustomerSite('remote.test', {}, (request, response) => {
      const json = { 'content-type': 'application/json' };
      const url = new URL(request.url ?? '/', 'https://remote.test');
      if (url.pathname === '/.well-known/matrix/server') return void response.writeHead(200, json).end(JSON.stringify({ 'm.server': 'remote.test:443' }));
      if (url.pathname === '/_matrix/federation/v1/openid/userinfo' && url.searchParams.get('access_token') === 'rita-openid-token') {
        return void response.writeHead(200, json).end(JSON.stringify({ sub: '@rita:remote.test' }));
      }
      response.writeHead(401, json).end(JSON.stringify({ errcode: 'M_UNKNOWN_TOKEN', error: 'Access token unknown or expired' }));
    });
    homeport = await HomeportProcess.create('calls', remote.homeportEnv, { calls: true });
    await Promise.all([ensurePanelBuilt(), homeport.start()]);
    account = await homeport.createAccount('calls@example.org');
    const created = await Promise.all(['alpha', 'beta', 'gamma'].map((label) =>
      homeport.api<{ host: { id: string } }>('POST', '/api/v1/hosts', { token: account, body: { label, size: 'starter', seats: 20 } })));
    for (const [index, label] of ['alpha', 'beta', 'gamma'].entries()) ids[label] = created[index]?.body.host.id ?? '';
    await Promise.all(Object.values(ids).map((id) => homeport.waitForHostStatus(account, id, 'running')));
  });

  after(async () => {
    await browser?.close();
    for (const { client } of callers) client.stopClient();
    await homeport?.cleanup();
    await remote?.close();
  });

  test("a host's well-known names the token service (with CORS), and a host can switch calls off", async () => {
    const fetch = await homeport.edgeFetch();
    const answer = await fetch(homeport.edgeUrl('alpha', '/.well-known/matrix/client'));
    assert.equal(answer.headers.get('access-control-allow-origin'), '*');
    const document = await answer.json() as Record<string, unknown>;
    assert.deepEqual(document['org.matrix.msc4143.rtc_foci'], [{ type: 'livekit', livekit_service_url: serviceUrl() }]);

    const before = await homeport.api<{ enabled: boolean; working: boolean; problem: string | null }>('GET', `/api/v1/hosts/${ids.gamma}/calls`, { token: account });
    assert.equal(before.status, 200);
    assert.deepEqual({ enabled: before.body.enabled, working: before.body.working, problem: before.body.problem }, { enabled: true, working: true, problem: null });

    const cli = await homeport.cli(['host', 'calls', 'gamma', '--off'], account);
    assert.equal(cli.code, 0, cli.stderr);
    assert.match(cli.stdout, /off/i);
    const changed = await homeport.api<{ enabled: boolean; working: boolean; problem: string | null }>('GET', `/api/v1/hosts/${ids.gamma}/calls`, { token: account });
    assert.equal(changed.body.enabled, false);
    assert.match(changed.body.problem ?? '', /switched off/);
    await homeport.waitForHostStatus(account, ids.gamma ?? '', 'running');
    await eventually(async () => {
      const gammaDocument = await (await fetch(homeport.edgeUrl('gamma', '/.well-known/matrix/client'))).json() as Record<string, unknown>;
      assert.equal(gammaDocument['org.matrix.msc4143.rtc_foci'], undefined);
    }, 120_000, 1_000);
    // Element Web's config.json (the file the edge serves at each host's client URL) offers Element Call only with calls on.
    const clientConfig = async (id: string) => JSON.parse(await readFile(join(homeport.dataDir, 'hosts', id, 'element-web', 'config.json'), 'utf8')) as Record<string, unknown>;
    assert.deepEqual((await clientConfig(ids.alpha ?? '')).element_call, { use_exclusively: true });
    await eventually(async () => assert.equal((await clientConfig(ids.gamma ?? '')).element_call, undefined), 60_000, 1_000);
  });

  test('two users of a host and one of another host over federation meet in one LiveKit room', async () => {
    const alice = await caller('alpha', 'alice');
    const carol = await caller('alpha', 'carol');
    const bob = await caller('beta', 'bob');
    // As Element Call does: every member may publish their own call membership.
    const { room_id: roomId } = await alice.client.createRoom({
      preset: 'public_chat' as never,
      name: 'Call room',
      power_level_content_override: { events: { 'org.matrix.msc3401.call.member': 0, 'm.rtc.member': 0 } },
    });
    await carol.client.joinRoom(roomId);
    await bob.client.joinRoom(roomId, { viaServers: [alice.serverName] });
    await Promise.all([alice, carol, bob].map(({ client }) => synced(client)));

    // Each joins the MatrixRTC session (m.call.member state, with a delayed leave event) naming the token service.
    const focus = { type: 'livekit', livekit_service_url: serviceUrl(), livekit_alias: roomId };
    const sessions = await Promise.all([alice, carol, bob].map(async ({ client }) => {
      const room = await eventually(async () => {
        const found = client.getRoom(roomId);
        assert.ok(found, 'the room has synced');
        return found;
      }, 60_000);
      const session = client.matrixRTC.getRoomSession(room);
      session.joinRoomSession([focus], { type: 'livekit', focus_selection: 'oldest_membership' } as never);
      return session;
    }));
    for (const session of sessions) {
      await eventually(async () => assert.equal(session.memberships.length, 3, 'every client sees all three in the session'), 120_000, 500);
    }
    const members = sessions[0]!.memberships.map((membership) => membership.sender).sort();
    assert.deepEqual(members, [alice.userId, bob.userId, carol.userId].sort());

    const tokens = [];
    for (const who of [alice, carol, bob]) {
      const answer = await tokenFor(who, roomId);
      assert.equal(answer.status, 200, JSON.stringify(answer.body));
      assert.equal(answer.body.url, `wss://rtc.${homeport.baseDomain}:${homeport.edgePort}/livekit/sfu`);
      tokens.push({ who, url: answer.body.url ?? '', jwt: answer.body.jwt ?? '' });
    }

    browser = await chromium.launch({
      executablePath: process.env.HOMEPORT_CHROMIUM ?? '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream', '--ignore-certificate-errors'],
    });
    const bundle = await readFile(livekitClientBundle, 'utf8');
    const pages: Page[] = [];
    for (const { url, jwt } of tokens) {
      const context = await browser.newContext({ ignoreHTTPSErrors: true, permissions: ['camera', 'microphone'] });
      const page = await context.newPage();
      page.setDefaultTimeout(120_000);
      // A secure origin (media devices need one): the calls name itself.
      await page.goto(`${serviceUrl()}/`);
      await page.addScriptTag({ content: bundle });
      await page.evaluate(async ([serverUrl, token]) => {
        const { Room, RoomEvent } = (window as unknown as { LivekitClient: typeof import('livekit-client') }).LivekitClient;
        const room = new Room();
        const state = window as unknown as { received: string[]; room: unknown };
        state.received = [];
        state.room = room;
        room.on(RoomEvent.TrackSubscribed, (track) => { state.received.push(track.kind); });
        await room.connect(serverUrl as string, token as string);
      }, [url, jwt]);
      pages.push(page);
    }

    // LiveKit's own server API sees all three in the one room of this Matrix room.
    const opened = await openHomeportDatabase(homeport);
    const masterKey = Buffer.from((await readFile(join(homeport.dataDir, 'master.key'), 'utf8')).trim(), 'base64');
    const keys = await ensureCallsKeys(opened.db, new SecretBox(masterKey)).finally(() => opened.close());
    const rooms = new RoomServiceClient(`http://127.0.0.1:${homeport.env.HOMEPORT_LIVEKIT_PORT}`, keys.apiKey, keys.apiSecret);
    const expected = [alice, carol, bob].map(({ client, userId }) => livekitIdentity(userId, client.getDeviceId() ?? '')).sort();
    await eventually(async () => {
      const participants = await rooms.listParticipants(livekitRoomName(roomId));
      assert.deepEqual(participants.map((participant) => participant.identity).sort(), expected);
    }, 60_000, 500);

    // Alice publishes her (fake) camera; Bob, on the other server, receives it.
    await pages[0]!.evaluate(async () => {
      const room = (window as unknown as { room: import('livekit-client').Room }).room;
      await room.localParticipant.setCameraEnabled(true);
    });
    await eventually(async () => {
      const received = await pages[2]!.evaluate(() => (window as unknown as { received: string[] }).received);
      assert.ok(received.includes('video'), `Bob received ${JSON.stringify(received)}`);
    }, 90_000, 500);
    for (const page of pages) await page.context().close();
    // Leaving sends each membership's end; no client keeps renewing it after the test.
    await Promise.all(sessions.map((session) => session.leaveRoomSession(10_000)));
  });

  test('a user of a host with calls off, and a forged OpenID token, get no LiveKit token', async () => {
    const gus = await caller('gamma', 'gus');
    const refused = await tokenFor(gus, '!somewhere:alpha.calls.localhost');
    assert.equal(refused.status, 403, JSON.stringify(refused.body));
    assert.match(refused.body.detail ?? '', /switched off/);

    const alice = callers.find((who) => who.userId.startsWith('@alice:')) ?? await caller('alpha', 'alice');
    const forged = await askToken({
      room: '!somewhere:alpha.calls.localhost',
      openid_token: { access_token: 'forged-token', token_type: 'Bearer', matrix_server_name: alice.serverName, expires_in: 3600 },
      device_id: 'FORGED',
    });
    assert.equal(forged.status, 401, JSON.stringify(forged.body));
    // Web clients call the token service from their own origin.
    assert.equal(forged.headers.get('access-control-allow-origin'), '*');
    const fetch = await homeport.edgeFetch();
    const preflight = await fetch(`${serviceUrl()}/sfu/get`, {
      method: 'OPTIONS', headers: { Origin: 'https://app.element.io', 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'content-type' },
    });
    assert.equal(preflight.status, 204);
    assert.match(preflight.headers.get('access-control-allow-methods') ?? '', /POST/);
    assert.match(preflight.headers.get('access-control-allow-headers') ?? '', /Content-Type/i);

    // A real token of gamma's user, claimed to be from alpha: alpha does not know it.
    const gusToken = await gus.client.getOpenIdToken();
    const claimed = await askToken({ room: '!somewhere:alpha.calls.localhost', openid_token: { ...gusToken, matrix_server_name: alice.serverName }, device_id: 'X' });
    assert.equal(claimed.status, 401, JSON.stringify(claimed.body));
  });

  test("the host's Calls tab says whether calls work and why not, and switches them", async () => {
    const operator = (await firstOperator(homeport)).client;
    const password = 'calls-customer-password-1';
    await setPasswordByReset(homeport, operator, 'calls@example.org', password);
    const panel = await launchChromium();
    try {
      const { page } = await openPanelPage(panel, homeport);
      await logInToPanel(page, homeport, 'calls@example.org', password);
      await page.goto(`${homeport.apiUrl}/hosts/gamma/calls`);
      await page.getByTestId('calls-state').waitFor();
      assert.equal(await page.getByRole('navigation', { name: 'Host sections' }).getByRole('link', { name: 'Calls', exact: true }).getAttribute('aria-current'), 'page', 'an installation with calls has a Calls section');
      assert.match(await page.getByTestId('calls-state').innerText(), /Calls do not work: Calls are switched off for this host/);
      await screenshot(page, 'calls-off');
      await page.getByRole('button', { name: 'Switch calls on' }).click();
      await page.waitForURL(/\/hosts\/gamma\/jobs\//);
      await homeport.waitForHostStatus(account, ids.gamma ?? '', 'running');
      await page.goto(`${homeport.apiUrl}/hosts/gamma/calls`);
      await page.getByText('Calls work: your users can start a call in any room.').waitFor();
      await page.getByRole('button', { name: 'Switch calls off' }).waitFor();
    } finally {
      await panel.close();
    }
  });

  test('LiveKit killed is started again by the supervisor, and calls work again', async () => {
    const pidFile = join(homeport.dataDir, 'livekit', 'livekit.pid');
    const pid = Number((await readFile(pidFile, 'utf8')).trim());
    process.kill(pid, 'SIGKILL');
    const restarted = await eventually(async () => {
      const now = Number((await readFile(pidFile, 'utf8')).trim());
      assert.notEqual(now, pid, 'a new LiveKit process');
      const calls = await homeport.api<{ working: boolean }>('GET', `/api/v1/hosts/${ids.alpha}/calls`, { token: account });
      assert.equal(calls.body.working, true);
      return now;
    }, 60_000, 500);
    assert.ok(restarted > 0);
    const alice = callers.find((who) => who.userId.startsWith('@alice:')) ?? await caller('alpha', 'alice');
    const { room_id: roomId } = await alice.client.createRoom({ name: 'After the restart' });
    const answer = await tokenFor(alice, roomId);
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
  });

  test('a user of another server joins a call a user here started, and cannot start one', async () => {
    const rita = { access_token: 'rita-openid-token', token_type: 'Bearer', matrix_server_name: 'remote.test', expires_in: 3600 };
    const alice = callers.find((who) => who.userId.startsWith('@alice:')) ?? await caller('alpha', 'alice');
    const { room_id: roomId } = await alice.client.createRoom({ name: 'Call with a partner' });
    const early = await askToken({ room: roomId, openid_token: rita, device_id: 'RITA' });
    assert.equal(early.status, 403, JSON.stringify(early.body));
    assert.match(early.body.detail ?? '', /No call is going on/);

    assert.equal((await tokenFor(alice, roomId)).status, 200);
    const joined = await askToken({ room: roomId, openid_token: rita, device_id: 'RITA' });
    assert.equal(joined.status, 200, JSON.stringify(joined.body));
    const claims = JSON.parse(Buffer.from((joined.body.jwt ?? '').split('.')[1] ?? '', 'base64url').toString()) as { sub: string; video: { room: string } };
    assert.equal(claims.sub, livekitIdentity('@rita:remote.test', 'RITA'));
    assert.equal(claims.video.room, livekitRoomName(roomId));

    const unknown = await askToken({ room: roomId, openid_token: { ...rita, access_token: 'not-ritas' }, device_id: 'RITA' });
    assert.equal(unknown.status, 401, JSON.stringify(unknown.body));
  });
});
