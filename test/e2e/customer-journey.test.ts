// A customer's whole journey in Chromium against a real Homeport with real Synapse: sign-up,
// email verification from the captured mail, terms, account details, the set-up wizard and a
// live build, server admin (users and registration tokens), seats, Trust & Safety contact, cancel.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { adminRightsWarning, keyBackupWarning } from '../../src/contract/customer-warnings.ts';
import { jobStepWords } from '../../src/contract/job-step-words.ts';
import { HomeportProcess } from '../support/homeport-process.ts';
import { loginThroughEdge } from '../support/matrix-user.ts';
import type { PanelClient } from '../support/panel-client.ts';
import { ensurePanelBuilt, firstOperator, launchChromium, mailedLink, openPanelPage, screenshot } from '../support/panel-browser.ts';

describe('the control panel, for a new customer', () => {
  let homeport: HomeportProcess;
  let operator: PanelClient;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const email = 'ada@example.org';
  const label = 'adahost';
  let alicePassword = '';
  const url = (path: string) => `${homeport.apiUrl}${path}`;

  before(async () => {
    await ensurePanelBuilt();
    homeport = await HomeportProcess.create('e2ea');
    await homeport.start();
    operator = (await firstOperator(homeport)).client;
    const terms = await operator.request('POST', '/api/v1/operator/terms', { body: { version: '2026-01', text: 'Be kind. Pay your bills.' } });
    assert.equal(terms.status, 201, JSON.stringify(terms.body));
    browser = await launchChromium();
    ({ context, page } = await openPanelPage(browser, homeport));
  });
  after(async () => {
    await browser?.close();
    await homeport?.cleanup();
  });

  test('a visitor registers, verifies the email from the mailed link, accepts the terms, fills in account details and creates and revokes an API token', async () => {
    // Before registering, the first page says what the service is and what it costs.
    await page.goto(url('/'));
    await page.getByRole('heading', { name: 'Your own Matrix server, run for you' }).waitFor();
    await page.getByTestId('prices').getByText('per seat per month', { exact: false }).first().waitFor();
    assert.match(await page.getByTestId('prices').innerText(), /€\d+\.\d\d per seat per month/);
    await screenshot(page, 'a00-landing');
    await page.getByRole('link', { name: 'Log in' }).click();
    await page.waitForURL(/\/login$/);
    await screenshot(page, 'a01-login');
    await page.getByRole('link', { name: 'Register' }).click();
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Name').fill('Ada Lovelace');
    // The rule is stated before submitting.
    await page.getByText('Your password must be at least 12 characters long.').waitFor();
    await page.getByLabel('Password').fill('analytical-engine-1843');
    await screenshot(page, 'a02-register');
    await page.getByRole('button', { name: 'Register' }).click();
    await page.getByRole('heading', { name: 'Your hosts' }).waitFor();
    // Not verified and terms not accepted: the blockers are shown before any purchase.
    await page.getByText('Verify your email address with the link we sent you').waitFor();
    await page.getByText('Accept the terms and conditions, version 2026-01').waitFor();
    await screenshot(page, 'a03-hosts-blocked');

    const link = await mailedLink(operator, email, /Verify/);
    assert.ok(link.startsWith(`${homeport.apiUrl}/verify-email?token=`), link);
    await page.goto(link);
    await page.getByText('Your email address is verified.').waitFor();
    await page.getByRole('link', { name: 'read and accept the terms and conditions' }).click();
    await page.getByText('Be kind. Pay your bills.').waitFor();
    await screenshot(page, 'a04-terms');
    await page.getByRole('button', { name: 'I agree to the terms and conditions' }).click();
    await page.getByRole('heading', { name: 'Your hosts' }).waitFor();
    // Verified and terms accepted: what is left is a billing address and a way to pay.
    // The checklist names where the address goes (Account → Details) and links there.
    const addressBlocker = page.locator('[data-code="billing-address-required"]');
    assert.match(await addressBlocker.innerText(), /Account → Details/);
    assert.equal(await addressBlocker.getByRole('link', { name: 'Add your billing address' }).getAttribute('href'), '/account');
    await page.locator('[data-code="payment-method-required"]').waitFor();
    assert.equal(await page.locator('[data-code="email-not-verified"], [data-code="terms-not-accepted"]').count(), 0);

    // The link works once.
    await page.goto(link);
    await page.getByRole('alert').waitFor();

    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Account' }).click();
    await page.getByLabel('Company name').fill('Analytical Engines Ltd');
    await page.getByLabel('VAT ID').fill('DE123456789');
    await page.getByLabel('Address line 1').fill('1 Difference Street');
    await page.getByLabel('Postal code').fill('10115');
    await page.getByLabel('City').fill('Berlin');
    // The country is picked by its name, so typing "Germany" can never save Georgia's "GE".
    await page.getByLabel('Country').selectOption({ label: 'Germany (DE)' });
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Your details are saved.').waitFor();
    await screenshot(page, 'a05-account');
    await page.reload();
    assert.equal(await page.getByLabel('Company name').inputValue(), 'Analytical Engines Ltd');
    assert.equal(await page.getByLabel('Country').inputValue(), 'DE');
    assert.equal(await page.locator('#field-country option:checked').textContent(), 'Germany (DE)');
    // This installation has no Stripe: the operator enables invoice payment, as agreed with the customer.
    const found = await operator.request<{ accounts: { id: string; email: string }[] }>('GET', `/api/v1/operator/accounts?search=${encodeURIComponent(email)}`);
    const enabled = await operator.request('POST', `/api/v1/operator/accounts/${found.body.accounts[0]!.id}/invoice-payment/enable`);
    assert.equal(enabled.status, 200, JSON.stringify(enabled.body));

    await page.getByRole('link', { name: 'API tokens' }).click();
    await page.getByText('No API tokens yet').waitFor();
    await page.getByLabel('Token name').fill('deploy script');
    await page.getByRole('button', { name: 'Create token' }).click();
    const token = (await page.getByTestId('secret').textContent())!;
    await page.getByText('This token is shown only once.').waitFor();
    const whoami = await homeport.api<{ account: { email: string } }>('GET', '/api/v1/session', { token });
    assert.equal(whoami.body.account.email, email);
    await page.reload();
    assert.equal(await page.getByTestId('secret').count(), 0);
    await page.getByRole('button', { name: 'Revoke' }).click();
    await page.getByRole('button', { name: 'Revoke token' }).click();
    await page.getByText('No API tokens yet').waitFor();
    assert.equal((await homeport.api('GET', '/api/v1/session', { token })).status, 401);
  });

  test('the wizard buys a host and the build page follows the job to the host page', async () => {
    await page.getByRole('link', { name: 'Hosts' }).click();
    await page.getByText('You have no hosts yet').waitFor();
    await page.getByRole('link', { name: 'Set up a host now' }).click();
    await page.getByRole('heading', { name: 'Choose your host size' }).waitFor();
    await screenshot(page, 'a06-wizard-size');
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByLabel('Hostname').fill(label);
    await page.getByTestId('availability').getByText(`${label}.e2ea.localhost is available.`).waitFor();
    await screenshot(page, 'a07-wizard-hostname');
    // Back and forward move between the wizard's steps.
    await page.goBack();
    await page.getByRole('heading', { name: 'Choose your host size' }).waitFor();
    await page.goForward();
    await page.getByRole('heading', { name: 'Choose a hostname' }).waitFor();
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByRole('heading', { name: 'Configure your new host' }).waitFor();
    await page.getByLabel('Use my own domain').waitFor();
    await page.getByLabel('Monthly active user seats').fill('5');
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByRole('heading', { name: 'Review and purchase' }).waitFor();
    // 5 seats × 5.00, and German VAT for a business in the seller's own country.
    await page.getByTestId('quote').getByText('€29.75').waitFor();
    assert.equal(await page.getByLabel('Invoice: pay by bank transfer').isChecked(), true);
    await screenshot(page, 'a08-wizard-review');
    await page.getByRole('button', { name: 'Purchase' }).click();

    await page.waitForURL(new RegExp(`/hosts/${label}/jobs/`));
    await page.getByRole('progressbar').waitFor();
    // The steps in customer words, the same the CLI prints; never their developer names.
    const steps = page.locator('.job-steps');
    await steps.getByText(jobStepWords('build', 'edge routes'), { exact: true }).waitFor();
    await steps.getByText(jobStepWords('build', 'admin access'), { exact: true }).waitFor();
    assert.doesNotMatch(await steps.innerText(), /allocate|admin access|edge routes|Synapse/);
    await screenshot(page, 'a09-build-progress');
    await page.waitForURL(new RegExp(`/hosts/${label}\\?built=build$`), { timeout: 300_000 });
    await page.getByText('Your host is ready.').waitFor();
    assert.equal(await page.getByTestId('server-name').textContent(), `${label}.e2ea.localhost`);
    await page.getByText('Running', { exact: true }).waitFor();
    assert.match((await page.getByTestId('synapse-version').textContent())!, /^Synapse \d+\.\d+\.\d+(rc\d+)?$/);
    // At a glance: seats against seats bought, the last backup and the next invoice with its amount.
    await page.getByTestId('dashboard-invoice').getByText(/€25\.00 before VAT/).waitFor();
    assert.match((await page.getByTestId('dashboard-seats').textContent())!, /^(\d+ of 5 in use|5 bought)$/);
    assert.doesNotMatch((await page.getByTestId('dashboard-backup').textContent())!, /Failed/);
    await screenshot(page, 'a10-host');
  });

  test('server admin: a new user\'s password is shown once, a reset follows the key backup warning, admin rights and deactivation are confirmed, tokens are created and revoked', async () => {
    await page.getByRole('navigation', { name: 'Host sections' }).getByRole('link', { name: 'Users' }).click();
    await page.getByText('No users yet').waitFor();
    await page.getByLabel('Username').fill('alice');
    await page.getByRole('button', { name: 'Add user' }).click();
    const secret = page.getByTestId('secret');
    await secret.waitFor();
    const password = (await secret.textContent())!;
    await page.getByText('You will only be able to see it once.').waitFor();
    await page.getByRole('button', { name: 'Copy' }).click();
    await page.getByRole('button', { name: 'Copied' }).waitFor();
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), password);
    await screenshot(page, 'b01-user-added');
    const alice = await loginThroughEdge(homeport, label, 'alice', password);
    assert.equal(alice.getUserId(), `@alice:${label}.e2ea.localhost`);

    await page.reload();
    await page.locator('tr[data-user="@alice:adahost.e2ea.localhost"]').waitFor();
    assert.equal(await page.getByTestId('secret').count(), 0, 'the password is not shown again after a reload');
    assert.equal(await page.getByText(password).count(), 0);

    await page.getByRole('button', { name: 'Manage' }).click();
    await page.getByRole('button', { name: 'Reset password…' }).click();
    await page.getByText('make sure the user has key backup set up in all sessions').waitFor();
    // The same words as the CLI's, from one place (src/contract/customer-warnings.ts).
    assert.equal(await page.getByRole('note').filter({ hasText: 'key backup' }).textContent(), keyBackupWarning);
    const cliReset = await homeport.cli(['user', 'password', label, 'alice']);
    assert.equal(cliReset.code, 2, 'the CLI only warns without --yes');
    assert.ok(cliReset.stderr.startsWith(keyBackupWarning), cliReset.stderr);
    const reset = page.getByRole('button', { name: 'Reset password', exact: true });
    assert.equal(await reset.isDisabled(), true, 'no reset before the warning is acknowledged');
    await screenshot(page, 'b02-key-backup-warning');
    await page.getByLabel(/I understand/).check();
    await reset.click();
    const newPassword = (await page.getByTestId('secret').textContent())!;
    assert.notEqual(newPassword, password);
    await loginThroughEdge(homeport, label, 'alice', newPassword);
    alicePassword = newPassword;
    await assert.rejects(loginThroughEdge(homeport, label, 'alice', password));

    await page.getByRole('button', { name: 'Make server admin…' }).click();
    await page.getByText('Give these rights only to people you trust with the whole server.').waitFor();
    assert.equal(await page.locator('.warning-text', { hasText: 'Give these rights only' }).first().textContent(), adminRightsWarning);
    await page.getByRole('button', { name: 'Make server admin', exact: true }).click();
    await page.locator('tr[data-user="@alice:adahost.e2ea.localhost"]').getByText('Server admin').waitFor();

    await page.getByLabel('Username').fill('bob');
    await page.getByRole('button', { name: 'Add user' }).click();
    await page.locator('tr[data-user="@bob:adahost.e2ea.localhost"]').waitFor();
    // A name taken already is refused at the Username field, which gets the focus.
    await page.getByLabel('Username').fill('bob');
    await page.getByRole('button', { name: 'Add user' }).click();
    await page.locator('#field-username-error').getByText(/(@bob:adahost\.e2ea\.localhost already exists|That username is already taken) on host adahost/).waitFor();
    await page.waitForFunction(() => document.activeElement?.id === 'field-username');
    await screenshot(page, 'b02b-user-exists-at-field');
    await page.getByLabel('Search users').fill('bo');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByText('1 user', { exact: true }).waitFor();
    const bob = page.locator('tr[data-user="@bob:adahost.e2ea.localhost"]');
    await bob.getByRole('button', { name: 'Manage' }).click();
    const deactivate = page.getByRole('button', { name: 'Deactivate user' });
    await page.getByLabel('Type @bob:adahost.e2ea.localhost to confirm').fill('@bob');
    assert.equal(await deactivate.isDisabled(), true, 'the full user ID must be typed');
    await page.getByLabel('Type @bob:adahost.e2ea.localhost to confirm').fill('@bob:adahost.e2ea.localhost');
    await deactivate.click();
    await bob.getByText('Deactivated').waitFor();
    await page.getByLabel('Search users').fill('nobody-here');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByText('No users match “nobody-here”').waitFor();

    await page.getByRole('navigation', { name: 'Host sections' }).getByRole('link', { name: 'Registration tokens' }).click();
    await page.getByText('No registration tokens').waitFor();
    await page.getByLabel('Token (optional)').fill('welcome-friends');
    await page.getByLabel('Uses allowed').fill('3');
    await page.getByRole('button', { name: 'Create token' }).click();
    const row = page.locator('tr[data-token="welcome-friends"]');
    await row.waitFor();
    assert.match((await row.textContent())!, /welcome-friends3\s*00Never\s*Usable/);
    await screenshot(page, 'b03-registration-tokens');
    await row.getByRole('button', { name: 'Revoke' }).click();
    await row.getByRole('button', { name: 'Revoke token' }).click();
    await page.getByText('No registration tokens').waitFor();
  });

  test('seats only go up, the Trust & Safety contact is saved, a rebuild keeps the data, and cancelling needs the hostname typed', async () => {
    const sections = page.getByRole('navigation', { name: 'Host sections' });
    await sections.getByRole('link', { name: 'Billing' }).click();
    const seats = page.getByLabel('Total monthly active user seats');
    assert.equal(await seats.getAttribute('min'), '5');
    await seats.fill('4');
    assert.equal(await page.getByRole('button', { name: 'Save seats' }).isDisabled(), true, 'lowering is not offered');
    await seats.fill('8');
    await page.getByRole('button', { name: 'Save seats' }).click();
    await page.getByText('Seats saved: 8 monthly active users.').waitFor();
    assert.equal(await page.getByTestId('seats').textContent(), '8');

    await sections.getByRole('link', { name: 'Domain' }).click();
    await page.getByLabel('Trust and Safety contact').fill('abuse@example.org');
    await page.getByRole('button', { name: 'Save contact' }).click();
    await page.getByText('Trust & Safety contact saved.').waitFor();
    const support = await (await homeport.edgeFetch())(homeport.edgeUrl(label, '/.well-known/matrix/support'));
    assert.match(await support.text(), /abuse@example\.org/);
    await screenshot(page, 'a11-host-settings');

    // Raising seats applied them with a rebuild of its own; the page follows it until the host runs again.
    await sections.getByRole('link', { name: 'Overview' }).click();
    await page.getByText('Running', { exact: true }).waitFor({ timeout: 120_000 });
    await sections.getByRole('link', { name: 'Danger zone' }).click();
    await page.getByRole('button', { name: 'Rebuild host…' }).click();
    await page.getByText('Your users are disconnected for about a minute. Rebuild now?').waitFor();
    await page.getByRole('button', { name: 'Rebuild host', exact: true }).click();
    await page.waitForURL(new RegExp(`/hosts/${label}/jobs/`));
    await page.getByRole('heading', { name: `Rebuilding ${label}` }).waitFor();
    await page.waitForURL(new RegExp(`/hosts/${label}\\?built=rebuild$`), { timeout: 300_000 });
    await page.getByText('Running', { exact: true }).waitFor();
    assert.match((await page.getByTestId('dashboard-seats').textContent())!, /^(\d+ of 8 in use|8 bought)$/, 'a rebuild keeps the settings');
    await loginThroughEdge(homeport, label, 'alice', alicePassword);

    await sections.getByRole('link', { name: 'Danger zone' }).click();
    const cancel = page.getByRole('button', { name: 'Cancel host for good' });
    await page.getByText('all your data will be lost').waitFor();
    await page.getByLabel(`Type ${label} to confirm`).fill('adahos');
    assert.equal(await cancel.isDisabled(), true);
    await page.getByLabel(`Type ${label} to confirm`).fill(label);
    await cancel.click();
    await page.waitForURL(new RegExp(`/hosts/${label}/jobs/`));
    await page.waitForURL(url('/'), { timeout: 300_000 });
    await page.getByText('You have no hosts yet').waitFor();
    await screenshot(page, 'a12-cancelled');
  });

  test('the panel is usable at phone width', async () => {
    const phone = await browser.newContext({ viewport: { width: 375, height: 740 }, isMobile: true, hasTouch: true, storageState: await context.storageState() });
    try {
      const small = await phone.newPage();
      for (const [path, ready, name] of [
        ['/account', 'Company name', 'a13-phone-account'],
        ['/hosts/new', 'Choose your host size', 'a14-phone-wizard'],
        ['/account/tokens', 'Token name', 'a15-phone-tokens'],
      ] as const) {
        await small.goto(url(path));
        await small.getByText(ready, { exact: true }).first().waitFor();
        const overflow = await small.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        assert.ok(overflow <= 0, `${path}: no horizontal scrolling (${overflow}px too wide)`);
        await screenshot(small, name);
      }
    } finally {
      await phone.close();
    }
  });
});
