// Element Web per host and its look and feel: a fixture bundle served at the client URL with the
// config.json Homeport writes; the validator fetches customers' pages and images from a real web
// server and DNS server on loopback and judges them; saving with findings works and changes
// config.json at once, with no rebuild; Chromium loads the client and shows the new values.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import type http from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import type { Static } from 'typebox';
import type { LookAndFeelView, SavedLookAndFeel } from '../../src/contract/look-and-feel.ts';
import { startCustomerSite, type CustomerSite } from '../support/delegation-web.ts';
import { HomeportProcess, type Problem } from '../support/homeport-process.ts';
import { launchChromium, screenshot } from '../support/panel-browser.ts';

type LookAndFeel = Static<typeof LookAndFeelView>;
type Saved = Static<typeof SavedLookAndFeel>;

const bundleDir = resolve(import.meta.dirname, '..', 'fixtures', 'element-web');

const welcomePage = '<!doctype html><title>Welcome</title><a href="#/login">Sign in</a> <a href="#/register">Create account</a>';

function servePages(request: http.IncomingMessage, response: http.ServerResponse): void {
  const cors = { 'access-control-allow-origin': '*' };
  switch (request.url) {
    case '/welcome.html': return void response.writeHead(200, { 'content-type': 'text/html; charset=utf-8', ...cors }).end(welcomePage);
    case '/home.html': return void response.writeHead(200, { 'content-type': 'text/html', ...cors }).end('<!doctype html><title>Home</title><p>Hello</p>');
    case '/logo.svg': return void response.writeHead(200, { 'content-type': 'image/svg+xml', ...cors }).end('<svg xmlns="http://www.w3.org/2000/svg"/>');
    case '/background.png': return void response.writeHead(200, { 'content-type': 'image/png' }).end(Buffer.from('89504e470d0a1a0a', 'hex'));
    case '/plain-welcome': return void response.writeHead(200, { 'content-type': 'text/plain' }).end('Welcome! Sign in somewhere.');
    default: return void response.writeHead(404, cors).end();
  }
}

describe('Element Web and the look and feel of a host', () => {
  let homeport: HomeportProcess;
  let site: CustomerSite | undefined;
  let browser: Browser | undefined;
  let token: string;
  let hostId: string;
  let clientUrl: string;
  const page = (path: string) => `https://pages.test${path}`;

  before(async () => {
    site = await startCustomerSite('pages.test', { 'intranet.test': { A: ['10.0.0.1'] } }, servePages);
    homeport = await HomeportProcess.create('laf', { HOMEPORT_ELEMENT_WEB_DIR: bundleDir, ...site.homeportEnv });
    await homeport.start();
    token = await homeport.createAccount('brand@example.org');
    const created = await homeport.api<{ host: { id: string; homeserverUrl: string } }>('POST', '/api/v1/hosts', { token, body: { label: 'branded', size: 'starter', seats: 5 } });
    assert.equal(created.status, 202, JSON.stringify(created.body));
    hostId = created.body.host.id;
    clientUrl = created.body.host.homeserverUrl;
    await homeport.waitForHostStatus(token, hostId, 'running');
  });
  after(async () => {
    await browser?.close();
    await homeport?.cleanup();
    await site?.close();
  });

  interface ElementConfig {
    default_server_config: unknown;
    brand: string;
    embedded_pages?: { home_url?: string; welcome_url?: string };
    branding?: { auth_header_logo_url?: string; welcome_background_url?: string };
  }

  async function clientConfig(): Promise<{ config: ElementConfig; cacheControl: string | null }> {
    const fetchEdge = await homeport.edgeFetch();
    const response = await fetchEdge(new URL('config.json', clientUrl).href);
    assert.equal(response.status, 200);
    return { config: (await response.json()) as ElementConfig, cacheControl: response.headers.get('cache-control') };
  }

  test("the client URL serves the bundle with a config.json pointing at the host", async () => {
    const fetchEdge = await homeport.edgeFetch();
    const index = await fetchEdge(clientUrl);
    assert.equal(index.status, 200);
    assert.match(await index.text(), /Fixture web client/);
    assert.equal((await fetchEdge(new URL('bundles/app.js', clientUrl).href)).status, 200);
    const { config, cacheControl } = await clientConfig();
    assert.equal(cacheControl, 'no-cache');
    assert.deepEqual(config.default_server_config, { 'm.homeserver': { base_url: clientUrl.replace(/\/$/, ''), server_name: `branded.${homeport.baseDomain}` } });
    assert.equal(config.brand, 'Element');
    // The Matrix API still answers on the same name.
    assert.equal((await fetchEdge(new URL('_matrix/client/versions', clientUrl).href)).status, 200);
  });

  test('good pages and images pass the validator and land in config.json', async () => {
    const saved = await homeport.api<Saved>('PUT', `/api/v1/hosts/${hostId}/look-and-feel`, {
      token, body: { brand: 'Acme Chat', homeUrl: page('/home.html'), welcomeUrl: page('/welcome.html'), logoUrl: page('/logo.svg'), welcomeBackgroundUrl: page('/background.png') },
    });
    assert.equal(saved.status, 200, JSON.stringify(saved.body));
    // The background image lacks CORS: a warning, as images still show without it.
    assert.deepEqual(saved.body.findings.map((finding) => `${finding.severity}:${finding.code}`), ['warning:welcomeBackgroundUrl-cors-missing']);
    const { config } = await clientConfig();
    assert.equal(config.brand, 'Acme Chat');
    assert.deepEqual(config.embedded_pages, { home_url: page('/home.html'), welcome_url: page('/welcome.html') });
    assert.deepEqual(config.branding, { auth_header_logo_url: page('/logo.svg'), welcome_background_url: page('/background.png') });
  });

  test('bad pages give findings with fixes, are saved anyway, and change config.json at once without a rebuild', async () => {
    const saved = await homeport.api<Saved>('PUT', `/api/v1/hosts/${hostId}/look-and-feel`, {
      token, body: { welcomeUrl: page('/plain-welcome'), homeUrl: page('/missing.html'), logoUrl: 'https://intranet.test/logo.png' },
    });
    assert.equal(saved.status, 200, JSON.stringify(saved.body));
    assert.deepEqual(saved.body.findings.map((finding) => `${finding.severity}:${finding.code}`), [
      'error:homeUrl-status',
      'error:welcomeUrl-content-type', 'error:welcomeUrl-cors-missing', 'error:welcomeUrl-login-link-missing', 'error:welcomeUrl-register-link-missing',
      'error:logoUrl-refused-address',
      'warning:welcomeBackgroundUrl-cors-missing',
    ]);
    assert.ok(saved.body.findings.every((finding) => finding.message !== '' && finding.fix !== ''));
    assert.equal(saved.body.lookAndFeel.welcomeUrl, page('/plain-welcome'));
    assert.equal(saved.body.lookAndFeel.brand, 'Acme Chat', 'fields left out keep their value');
    const { config } = await clientConfig();
    assert.equal(config.embedded_pages?.welcome_url, page('/plain-welcome'));
    const host = await homeport.api<{ status: string }>('GET', `/api/v1/hosts/${hostId}`, { token });
    assert.equal(host.body.status, 'running');

    const cli = await homeport.cli(['host', 'look', 'branded', '--welcome-url', page('/welcome.html'), '--home-url', ''], token);
    assert.equal(cli.code, 0, cli.stderr);
    assert.match(cli.stdout, /home page: {11}\(none\)/);
    assert.match(cli.stdout, /error: The client logo at https:\/\/intranet\.test\/logo\.png was not checked: its address is not public/);
  });

  test('input that is no https URL is refused and nothing is saved', async () => {
    const before = await homeport.api<LookAndFeel>('GET', `/api/v1/hosts/${hostId}/look-and-feel`, { token });
    const refused = await homeport.api<Problem>('PUT', `/api/v1/hosts/${hostId}/look-and-feel`, { token, body: { welcomeUrl: 'http://pages.test/welcome.html', brand: 'New brand' } });
    assert.equal(refused.status, 422, JSON.stringify(refused.body));
    assert.match(refused.body.detail, /welcome page must be an https:\/\/ URL/);
    const unknownField = await homeport.api<Problem>('PUT', `/api/v1/hosts/${hostId}/look-and-feel`, { token, body: { colour: 'red' } });
    assert.equal(unknownField.status, 400);
    const after = await homeport.api<LookAndFeel>('GET', `/api/v1/hosts/${hostId}/look-and-feel`, { token });
    assert.deepEqual(after.body, before.body);
    const stranger = await homeport.createAccount('stranger@example.org');
    assert.equal((await homeport.api('GET', `/api/v1/hosts/${hostId}/look-and-feel`, { token: stranger })).status, 404);
    assert.equal((await homeport.api('PUT', `/api/v1/hosts/${hostId}/look-and-feel`, { token: stranger, body: { brand: 'Mine' } })).status, 404);
  });

  test('Chromium loads the client URL and shows the configured values; a change shows at the next load', async () => {
    browser = await launchChromium();
    const context = await browser.newContext({ ignoreHTTPSErrors: true });
    const tab = await context.newPage();
    tab.setDefaultTimeout(20_000);
    // Chromium resolves *.localhost to loopback by itself, where the edge listens.
    await tab.goto(clientUrl);
    await tab.locator('#brand', { hasText: 'Acme Chat' }).waitFor();
    assert.equal(await tab.locator('#welcome-url').textContent(), page('/welcome.html'));
    assert.equal(await tab.locator('#base-url').textContent(), clientUrl.replace(/\/$/, ''));
    await screenshot(tab, 'client-look-and-feel');

    const saved = await homeport.api<Saved>('PUT', `/api/v1/hosts/${hostId}/look-and-feel`, { token, body: { brand: 'Acme Talk', welcomeUrl: page('/home.html') } });
    assert.equal(saved.status, 200);
    await tab.reload();
    await tab.locator('#brand', { hasText: 'Acme Talk' }).waitFor();
    assert.equal(await tab.locator('#welcome-url').textContent(), page('/home.html'));
  });

  test('the OpenAPI document describes the look-and-feel, client-domain and edge endpoints', async () => {
    const { body } = await homeport.api<{ paths: Record<string, Record<string, unknown>> }>('GET', '/api/v1/openapi.json');
    for (const [path, method] of [
      ['/api/v1/hosts/{id}/look-and-feel', 'put'], ['/api/v1/hosts/{id}/client-domain', 'put'], ['/api/v1/hosts/{id}/previous-client-domains', 'get'],
      ['/api/v1/hosts/{id}/previous-client-domains/{domain}', 'put'], ['/api/v1/operator/hosts/{id}/previous-client-domains/{domain}', 'put'], ['/api/v1/edge/certificate-permission', 'get'],
    ] as const) {
      assert.ok(body.paths[path]?.[method], `${method.toUpperCase()} ${path} is documented`);
    }
  });

  test('start refuses an Element Web directory without index.html', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'no-element-'));
    const other = await HomeportProcess.create('laf2', { HOMEPORT_ELEMENT_WEB_DIR: empty });
    try {
      await assert.rejects(other.start(60_000), /HOMEPORT_ELEMENT_WEB_DIR \(.*\) has no index\.html/);
    } finally {
      await other.cleanup();
      await rm(empty, { recursive: true, force: true });
    }
  });
});
