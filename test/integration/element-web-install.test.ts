// `homeport element-web install`: a release fetched from a publisher (a loopback server with
// GitHub's layout: /releases/latest redirecting to the newest tag, archives and detached OpenPGP
// signatures under /releases/download/), verified, checked entry by entry and served at once for
// every host with the host's own config.json. Refused downloads (bad signature, unsigned without a
// pinned SHA-256, a wrong SHA-256, links or `..` in the archive, no such release) leave the
// served release untouched. Fails on the old code: there was no such command, and a host without
// a web client said only "Element Web is not configured".
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import * as openpgp from 'openpgp';
import { writeArchive } from '../support/crafted-archives.ts';
import { HomeportProcess } from '../support/homeport-process.ts';

interface Release { archive: Buffer; signature?: string }

describe('the web client installed by Homeport', () => {
  const releases = new Map<string, Release>();
  let latest = '1.11.90';
  let work: string;
  let server: http.Server;
  let publicKey: string;
  let privateKey: openpgp.PrivateKey;
  let homeport: HomeportProcess;
  let clientUrl: string;

  async function sign(bytes: Buffer): Promise<string> {
    const message = await openpgp.createMessage({ binary: new Uint8Array(bytes) });
    return openpgp.sign({ message, signingKeys: privateKey, detached: true, format: 'armored' });
  }

  /** A release archive of Element Web's layout (one folder `element-v<version>/`), optionally with extra hostile entries. */
  async function publish(version: string, options: { signed?: 'yes' | 'no' | 'wrong'; extra?: Parameters<typeof writeArchive>[2] } = {}): Promise<Buffer> {
    const folder = `element-v${version}`;
    const file = join(work, `${folder}.tar.gz`);
    await writeArchive('tar', file, [
      { name: `${folder}/`, type: 'dir' },
      { name: `${folder}/index.html`, type: 'file', data: `<!doctype html><title>Element</title><p>release ${version}</p>` },
      { name: `${folder}/bundles/`, type: 'dir' },
      { name: `${folder}/bundles/app.js`, type: 'file', data: `console.log(${JSON.stringify(version)});` },
      ...(options.extra ?? []),
    ]);
    const archive = await readFile(file);
    const signed = options.signed ?? 'yes';
    const signature = signed === 'yes' ? await sign(archive) : signed === 'wrong' ? await sign(Buffer.from('another file')) : undefined;
    releases.set(version, { archive, signature });
    return archive;
  }

  function serveReleases(request: http.IncomingMessage, response: http.ServerResponse): void {
    const path = new URL(request.url ?? '/', 'http://releases.test').pathname;
    if (path === '/key.asc') return void response.writeHead(200, { 'content-type': 'text/plain' }).end(publicKey);
    if (path === '/element-web/releases/latest') return void response.writeHead(302, { location: `/element-web/releases/tag/v${latest}` }).end();
    const download = /^\/element-web\/releases\/download\/v([^/]+)\/element-v\1\.tar\.gz(\.asc)?$/.exec(path);
    const release = download ? releases.get(download[1] ?? '') : undefined;
    if (release && !download?.[2]) return void response.writeHead(200, { 'content-type': 'application/gzip' }).end(release.archive);
    if (release?.signature && download?.[2]) return void response.writeHead(200, { 'content-type': 'text/plain' }).end(release.signature);
    response.writeHead(404).end();
  }

  async function served(path = ''): Promise<{ status: number; text: string }> {
    const fetchEdge = await homeport.edgeFetch();
    const response = await fetchEdge(new URL(path, clientUrl).href);
    return { status: response.status, text: await response.text() };
  }

  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'hp-element-web-'));
    const keys = await openpgp.generateKey({ userIDs: [{ name: 'Test releases', email: 'releases@example.test' }], format: 'object' });
    privateKey = keys.privateKey;
    publicKey = keys.publicKey.armor();
    server = http.createServer(serveReleases);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    homeport = await HomeportProcess.create('ew', {
      HOMEPORT_ELEMENT_WEB_RELEASES_URL: `${origin}/element-web/releases`,
      HOMEPORT_ELEMENT_WEB_SIGNING_KEY_URL: `${origin}/key.asc`,
    });
    await homeport.start();
    const token = await homeport.createAccount('client@example.org');
    const created = await homeport.api<{ host: { id: string; homeserverUrl: string } }>('POST', '/api/v1/hosts', { token, body: { label: 'webby', size: 'starter', seats: 5 } });
    assert.equal(created.status, 202, JSON.stringify(created.body));
    clientUrl = created.body.host.homeserverUrl;
    await homeport.waitForHostStatus(token, created.body.host.id, 'running');
  });
  after(async () => {
    await homeport?.cleanup();
    await new Promise((resolve) => server?.close(resolve));
    await rm(work, { recursive: true, force: true });
  });

  test('before any install, the host gives its homeserver address and names clients that work with it', async () => {
    const page = await served();
    assert.equal(page.status, 503);
    assert.match(page.text, new RegExp(`Homeserver: <strong><code>${clientUrl.replace(/\/$/, '').replace(/[.]/g, '\\.')}</code>`));
    assert.match(page.text, /Element X/);
    const status = await homeport.cli(['element-web', 'status']);
    assert.match(status.stdout, /none installed/);
  });

  test('installs the newest signed release and serves it at once, with the host\'s own config.json', async () => {
    await publish('1.11.90');
    const installed = await homeport.cli(['element-web', 'install']);
    assert.equal(installed.code, 0, installed.stderr);
    assert.match(installed.stdout, /Element Web 1\.11\.90 is installed/);
    assert.match(installed.stdout, /signature verified with key [0-9a-f]{40}/);
    const index = await served();
    assert.equal(index.status, 200);
    assert.match(index.text, /release 1\.11\.90/);
    assert.match((await served('bundles/app.js')).text, /1\.11\.90/);
    const config = JSON.parse((await served('config.json')).text) as { default_server_config: { 'm.homeserver': { base_url: string } } };
    assert.equal(config.default_server_config['m.homeserver'].base_url, clientUrl.replace(/\/$/, ''));
    assert.match((await homeport.cli(['element-web', 'status'])).stdout, /Element Web 1\.11\.90, installed .*\n.*signed by [0-9a-f]{40}/);
  });

  test('refuses a release that cannot be trusted or unpacked, and keeps serving the installed one', async () => {
    const unsigned = await publish('1.11.91', { signed: 'no' });
    await publish('1.11.92', { extra: [{ name: 'element-v1.11.92/config.json', type: 'symlink', linkname: '/etc/passwd' }] });
    await publish('1.11.93', { extra: [{ name: 'element-v1.11.93/../../../escape.txt', type: 'file', data: 'x' }] });
    await publish('1.11.94', { signed: 'wrong' });
    const wrongSha = createHash('sha256').update(Buffer.concat([unsigned, Buffer.from('x')])).digest('hex');
    for (const [args, reason] of [
      [['1.11.91'], /no published signature .* give the archive's SHA-256/],
      [['1.11.91', '--sha256', wrongSha], /SHA-256 is [0-9a-f]{64}, not the/],
      [['1.11.92'], /"element-v1\.11\.92\/config\.json" is a symbolic link/],
      [['1.11.93'], /climbs out of its folder/],
      [['1.11.94'], /signature does not verify/],
      [['9.9.9'], /there is no Element Web release 9\.9\.9/],
      [['latest-please'], /not an Element Web release version/],
    ] as const) {
      const refused = await homeport.cli(['element-web', 'install', ...args]);
      assert.notEqual(refused.code, 0, `${args.join(' ')} is refused`);
      assert.match(refused.stderr, reason);
      assert.match((await served()).text, /release 1\.11\.90/, `still serving 1.11.90 after ${args.join(' ')}`);
    }
    await assert.rejects(readFile(join(homeport.dataDir, 'escape.txt')));
    await assert.rejects(readFile(join(homeport.dataDir, '..', 'escape.txt')));
  });

  test('an unsigned release installs with the SHA-256 its publisher gave, replacing the served one without a restart', async () => {
    const archive = releases.get('1.11.91')?.archive ?? await publish('1.11.91', { signed: 'no' });
    const sha = createHash('sha256').update(archive).digest('hex');
    latest = '1.11.91';
    const installed = await homeport.cli(['element-web', 'install', 'v1.11.91', '--sha256', sha]);
    assert.equal(installed.code, 0, installed.stderr);
    assert.match(installed.stdout, /no published signature: the SHA-256 you gave vouched for it/);
    assert.match((await served()).text, /release 1\.11\.91/);
    assert.match((await homeport.cli(['element-web', 'status'])).stdout, new RegExp(`Element Web 1\\.11\\.91.*\\n.*sha256 ${sha}$`, 'm'));
  });

  test('is refused while HOMEPORT_ELEMENT_WEB_DIR names a folder of its own', async () => {
    const saved = homeport.env.HOMEPORT_ELEMENT_WEB_DIR;
    homeport.env.HOMEPORT_ELEMENT_WEB_DIR = work;
    try {
      await writeFile(join(work, 'index.html'), 'own');
      const refused = await homeport.cli(['element-web', 'install', '1.11.90']);
      assert.notEqual(refused.code, 0);
      assert.match(refused.stderr, /HOMEPORT_ELEMENT_WEB_DIR is set/);
    } finally {
      if (saved === undefined) delete homeport.env.HOMEPORT_ELEMENT_WEB_DIR;
      else homeport.env.HOMEPORT_ELEMENT_WEB_DIR = saved;
    }
  });
});
