// Custom DNS in Chromium against a real Homeport: the wizard takes the customer's own domains
// (warning that the server name never changes), and the host's Domain section shows what to publish with
// copy buttons, "Check again" against a real web server and DNS server on loopback, the client
// domain with its "moved" switch, and the look-and-feel form saving with findings.
import assert from 'node:assert/strict';
import type http from 'node:http';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { startCustomerSite, type CustomerSite } from '../support/delegation-web.ts';
import { HomeportProcess } from '../support/homeport-process.ts';
import type { PanelClient } from '../support/panel-client.ts';
import { ensurePanelBuilt, firstOperator, launchChromium, mailedLink, openPanelPage, screenshot } from '../support/panel-browser.ts';

describe('custom DNS in the control panel', () => {
  let homeport: HomeportProcess;
  let operator: PanelClient;
  let site: CustomerSite | undefined;
  let browser: Browser;
  let page: Page;
  const email = 'dana@example.test';
  const url = (path: string) => `${homeport.apiUrl}${path}`;

  function serve(request: http.IncomingMessage, response: http.ServerResponse): void {
    const json = { 'content-type': 'application/json', 'access-control-allow-origin': '*' };
    const documents: Record<string, unknown> = {
      '/.well-known/matrix/client': { 'm.homeserver': { base_url: `https://chat.example.test:${homeport.edgePort}` } },
      '/.well-known/matrix/server': { 'm.server': `chat.example.test:${homeport.edgePort}` },
    };
    const document = documents[request.url ?? ''];
    if (document) return void response.writeHead(200, json).end(JSON.stringify(document));
    if (request.url === '/welcome') return void response.writeHead(200, { 'content-type': 'text/html' }).end('<p>Welcome</p>');
    response.writeHead(404).end();
  }

  before(async () => {
    await ensurePanelBuilt();
    site = await startCustomerSite('example.test', { 'chat.example.test': { CNAME: 'edge.e2ec.localhost' } }, serve);
    homeport = await HomeportProcess.create('e2ec', site.homeportEnv);
    await homeport.start();
    operator = (await firstOperator(homeport)).client;
    browser = await launchChromium();
    ({ page } = await openPanelPage(browser, homeport));
  });
  after(async () => {
    await browser?.close();
    await homeport?.cleanup();
    await site?.close();
  });

  test('the wizard buys a host with custom DNS after warning that the server name never changes', async () => {
    await page.goto(url('/register'));
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Name').fill('Dana');
    await page.getByLabel('Password').fill('my own domain please');
    await page.getByRole('button', { name: 'Register' }).click();
    await page.getByRole('heading', { name: 'Your hosts' }).waitFor();
    await page.goto(await mailedLink(operator, email, /Verify/));
    await page.getByText('Your email address is verified.').waitFor();
    // Buying needs a billing address and a payment method: invoice payment, enabled by the operator.
    await page.goto(url('/account'));
    await page.getByLabel('Address line 1').fill('1 Domain Street');
    await page.getByLabel('Postal code').fill('10115');
    await page.getByLabel('City').fill('Berlin');
    await page.getByLabel('Country').selectOption('DE');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Your details are saved.').waitFor();
    const found = await operator.request<{ accounts: { id: string; email: string }[] }>('GET', `/api/v1/operator/accounts?search=${encodeURIComponent(email)}`);
    const enabled = await operator.request('POST', `/api/v1/operator/accounts/${found.body.accounts[0]!.id}/invoice-payment/enable`);
    assert.equal(enabled.status, 200, JSON.stringify(enabled.body));

    await page.goto(url('/hosts/new'));
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByLabel('Hostname').fill('danahost');
    await page.getByTestId('availability').getByText('danahost.e2ec.localhost is available.').waitFor();
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByLabel('Monthly active user seats').fill('5');
    await page.getByLabel('Use my own domain').check();
    await page.getByTestId('server-name-warning').getByText('can never be changed after purchase').waitFor();
    // Both domains are needed before going on: the missing one is marked at its field, at this step.
    await page.getByLabel('Custom homeserver domain').fill('example.test');
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.locator('#field-clientDomain-error').waitFor();
    await page.getByLabel('Custom client domain').fill('example.test');
    await screenshot(page, 'c01-wizard-custom-dns');
    // The same domain twice is refused at this step, at the client domain, and nothing is bought.
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.locator('#field-clientDomain-error').getByText('The client domain must differ from the homeserver domain').waitFor();
    await page.getByLabel('Custom client domain').fill('chat.example.test');
    await page.getByRole('button', { name: 'Continue' }).click();
    assert.equal(await page.getByTestId('review-server-name').textContent(), 'example.test');
    await page.getByText('can never be changed after purchase').waitFor();
    await screenshot(page, 'c02-wizard-review');
    await page.getByRole('button', { name: 'Purchase' }).click();
    await page.waitForURL(/\/hosts\/danahost\/jobs\//);
    await page.waitForURL(/\/hosts\/danahost\?built=build$/, { timeout: 300_000 });
    assert.equal(await page.getByTestId('server-name').textContent(), 'example.test');
    assert.equal(await page.getByTestId('client-url-fact').textContent(), `https://chat.example.test:${homeport.edgePort}/`);
  });

  test('the Domain section of the host shows what to publish, copies it, and checks it again', async () => {
    await page.goto(url('/hosts/danahost/domain'));
    await page.getByRole('heading', { name: 'Your domain' }).waitFor();
    await page.getByText(`{"m.server":"chat.example.test:${homeport.edgePort}"}`, { exact: true }).first().waitFor();
    await page.getByText('chat.example.test. 3600 IN CNAME edge.e2ec.localhost.', { exact: true }).waitFor();
    await page.getByRole('button', { name: 'Copy CNAME record' }).click();
    await page.getByRole('button', { name: 'Copied' }).waitFor();
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), 'chat.example.test. 3600 IN CNAME edge.e2ec.localhost.');
    await page.locator('summary', { hasText: 'nginx' }).click();
    await page.getByText("add_header Access-Control-Allow-Origin '*' always;").first().waitFor();

    await page.getByRole('button', { name: 'Check again' }).click();
    await page.getByTestId('delegation-status').getByText('Everything is published correctly.').waitFor();
    await page.getByTestId('delegation-status').getByText(/Last checked/).waitFor();
    await screenshot(page, 'c03-host-delegation');
    // Federation has its own check, as a remote server sees the host.
    // "Check federation" before the first check, "Check federation again" after it (the delegation check may have run one).
    await page.getByRole('button', { name: /^Check federation( again)?$/ }).click();
    await page.getByRole('button', { name: 'Check federation again' }).waitFor();
    await page.getByTestId('federation-status').getByText(/Last checked/).waitFor();

    site!.dns.records.set('chat.example.test', {});
    await page.getByRole('button', { name: 'Check again' }).click();
    await page.getByText('chat.example.test has no CNAME record.').waitFor();
    await page.getByText('Fix: Create the DNS record "chat.example.test. CNAME edge.e2ec.localhost."', { exact: false }).waitFor();
    site!.dns.records.set('chat.example.test', { CNAME: 'edge.e2ec.localhost' });

    await page.getByRole('heading', { name: 'Client domain', exact: true }).waitFor();
    assert.equal(await page.getByTestId('client-domain').textContent(), 'chat.example.test');
  });

  test('moving to a new client domain and marking the old one moved signs its clients out', async () => {
    await page.goto(url('/hosts/danahost/domain'));
    await page.getByLabel('New client domain').fill('talk.example.test');
    await page.getByRole('button', { name: 'Change client domain' }).click();
    await page.waitForURL(/\/hosts\/danahost\/jobs\//);
    await page.waitForURL(/\/hosts\/danahost\?built=rebuild$/, { timeout: 300_000 });
    await page.getByRole('navigation', { name: 'Host sections' }).getByRole('link', { name: 'Domain' }).click();
    assert.equal(await page.getByTestId('client-domain').textContent(), 'talk.example.test');
    const fetchEdge = await homeport.edgeFetch();
    const oldDomain = `https://chat.example.test:${homeport.edgePort}/_matrix/client/versions`;
    assert.equal((await fetchEdge(oldDomain)).status, 200);

    // The switch shows its new state once the API has answered.
    await page.getByLabel('chat.example.test: server moved').click();
    await page.getByText('Every request gets "Server moved, please log in again."').waitFor();
    await screenshot(page, 'c04-moved');
    const moved = await fetchEdge(oldDomain);
    assert.equal(moved.status, 401);
    assert.deepEqual(await moved.json(), { errcode: 'M_UNKNOWN_TOKEN', error: 'Server moved, please log in again.' });
    assert.equal((await fetchEdge(`https://talk.example.test:${homeport.edgePort}/_matrix/client/versions`)).status, 200);
  });

  test('the look-and-feel form saves with findings and shows them with their fixes', async () => {
    await page.goto(url('/hosts/danahost/look-and-feel'));
    await page.getByLabel('Brand').fill('Dana Chat');
    await page.getByLabel('Welcome page URL').fill('https://example.test/welcome');
    await page.getByRole('button', { name: 'Save look and feel' }).click();
    const findings = page.getByTestId('look-findings');
    await findings.getByText('has no link to "#/login"', { exact: false }).waitFor();
    await findings.getByText('Fix: Add a link such as', { exact: false }).first().waitFor();
    await screenshot(page, 'c05-look-and-feel');
    const saved = await operator.request<{ hosts: { label: string }[] }>('GET', '/api/v1/operator/hosts');
    assert.ok(saved.body.hosts.some((host) => host.label === 'danahost'));
    await page.reload();
    assert.equal(await page.getByLabel('Brand').inputValue(), 'Dana Chat');
    assert.equal(await page.getByLabel('Welcome page URL').inputValue(), 'https://example.test/welcome');
  });
  test('a host bought without a custom domain adds one later; the page says the server name stays, and a missing record is refused at the field', async () => {
    await page.goto(url('/hosts/new'));
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByLabel('Hostname').fill('plainhost');
    await page.getByTestId('availability').getByText('plainhost.e2ec.localhost is available.').waitFor();
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByLabel('Monthly active user seats').fill('5');
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByRole('button', { name: 'Purchase' }).click();
    await page.waitForURL(/\/hosts\/plainhost\?built=build$/, { timeout: 300_000 });

    await page.getByRole('navigation', { name: 'Host sections' }).getByRole('link', { name: 'Domain' }).click();
    await page.getByRole('heading', { name: 'Your own client domain' }).waitFor();
    await page.getByText('Your server name, plainhost.e2ec.localhost, stays as it is', { exact: false }).waitFor();
    await page.getByLabel('Client domain', { exact: true }).fill('web.example.test');
    await page.getByText('web.example.test. 3600 IN CNAME edge.e2ec.localhost.', { exact: true }).waitFor();
    // Before the record exists: refused at the field, which gets the focus, and nothing changes.
    await page.getByRole('button', { name: 'Add client domain' }).click();
    await page.locator('#field-clientDomain-error').getByText('web.example.test has no CNAME record', { exact: false }).waitFor();
    await page.waitForFunction(() => document.activeElement?.id === 'field-clientDomain');
    await screenshot(page, 'c06-client-domain-record-missing');

    site!.dns.records.set('web.example.test', { CNAME: 'edge.e2ec.localhost' });
    await page.getByRole('button', { name: 'Add client domain' }).click();
    await page.waitForURL(/\/hosts\/plainhost\?built=rebuild$/, { timeout: 300_000 });
    assert.equal(await page.getByTestId('server-name').textContent(), 'plainhost.e2ec.localhost', 'the server name never changes');
    assert.equal(await page.getByTestId('client-url-fact').textContent(), `https://web.example.test:${homeport.edgePort}/`);
    await page.getByRole('navigation', { name: 'Host sections' }).getByRole('link', { name: 'Domain' }).click();
    assert.equal(await page.getByTestId('client-domain').textContent(), 'web.example.test');
    const fetchEdge = await homeport.edgeFetch();
    assert.equal((await fetchEdge(`https://web.example.test:${homeport.edgePort}/_matrix/client/versions`)).status, 200);
  });
});
