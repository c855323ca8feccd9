// The panel's export: the host page shows the downtime estimate, refuses a short passphrase,
// starts an export whose job page follows it to the end, and lists the files as download links.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { HomeportProcess } from '../support/homeport-process.ts';
import type { PanelClient } from '../support/panel-client.ts';
import { ensurePanelBuilt, firstOperator, launchChromium, mailedLink, openPanelPage, screenshot } from '../support/panel-browser.ts';

describe('the control panel, exporting a host', () => {
  let homeport: HomeportProcess;
  let operator: PanelClient;
  let browser: Browser;
  let page: Page;
  const email = 'exporter@example.org';
  const password = 'exporting-is-my-right-1';
  const url = (path: string) => `${homeport.apiUrl}${path}`;

  before(async () => {
    await ensurePanelBuilt();
    homeport = await HomeportProcess.create('e2ex');
    await homeport.start();
    operator = (await firstOperator(homeport)).client;
    const token = await homeport.createAccount(email);
    const built = await homeport.cli(['host', 'create', 'exphost', '--size', 'starter', '--seats', '10', '--wait'], token);
    assert.equal(built.code, 0, built.stdout + built.stderr);
    // The account was made by the operator CLI without a password: the customer sets one by reset.
    assert.equal((await homeport.api('POST', '/api/v1/password-resets', { body: { email } })).status, 202);
    const link = new URL(await mailedLink(operator, email, /reset/i));
    const reset = await homeport.api('POST', '/api/v1/password-resets/complete', { body: { token: link.searchParams.get('token'), password } });
    assert.equal(reset.status, 204, JSON.stringify(reset.body));
    browser = await launchChromium();
    ({ page } = await openPanelPage(browser, homeport, undefined, 30_000));
  });
  after(async () => {
    await browser?.close();
    await homeport?.cleanup();
  });

  test('shows the estimate, refuses a short passphrase, and lists the finished export with download links', async () => {
    await page.goto(url('/login'));
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('heading', { name: 'Your hosts' }).waitFor();
    await page.goto(url('/hosts/exphost'));
    await page.getByTestId('export-estimate').getByText(/Estimated downtime: \d+ s/).waitFor();

    await page.getByLabel('Passphrase (optional)').fill('short');
    await page.getByRole('button', { name: 'Export host' }).click();
    await page.getByRole('alert').getByText(/at least 8 characters/).waitFor();
    await screenshot(page, 'x01-export-refused');

    await page.getByLabel('Passphrase (optional)').fill('');
    await page.getByRole('button', { name: 'Export host' }).click();
    await page.waitForURL(/\/hosts\/exphost\/jobs\//);
    await page.getByText('Done.').waitFor({ timeout: 300_000 });
    await screenshot(page, 'x02-export-job');
    await page.waitForURL(/\/hosts\/exphost\?built=export/);
    const configLink = page.getByRole('link', { name: 'exphost-config.md' });
    await configLink.waitFor();
    for (const name of ['exphost-synapse-database.zip', 'exphost-media.tar.gz', 'SHA256SUMS']) await page.getByRole('link', { name }).waitFor();
    await screenshot(page, 'x03-export-links');

    const href = await configLink.getAttribute('href');
    assert.ok(href);
    const download = await fetch(url(href));
    assert.equal(download.status, 200);
    assert.match(await download.text(), /exphost\.e2ex\.localhost/);
  });
});
