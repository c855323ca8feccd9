// The panel's boundaries in Chromium against a real Homeport: customers do not see operator pages
// or other customers' hosts, the operator console works for the operator, bad input on forms gets
// a clear message and changes nothing (a refusal the server sends sits at its field, which gets the
// focus), and two-factor authentication enrols with the QR code's secret.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Secret, TOTP } from 'otpauth';
import type { Browser, Page } from 'playwright-core';
import { HomeportProcess } from '../support/homeport-process.ts';
import { ensurePanelBuilt, launchChromium, mailedLink, operatorCredentials, operatorPassword, screenshot } from '../support/panel-browser.ts';
import { PanelClient } from '../support/panel-client.ts';

describe('the control panel, at its boundaries', () => {
  let homeport: HomeportProcess;
  let browser: Browser;
  let operatorEmail: string;
  const url = (path: string) => `${homeport.apiUrl}${path}`;
  const otherLabel = 'otherhost';

  before(async () => {
    await ensurePanelBuilt();
    homeport = await HomeportProcess.create('e2eb');
    await homeport.start();
    operatorEmail = operatorCredentials(homeport).email;
    // Another customer's host (its build runs in the background; this file needs only that it exists).
    const token = await homeport.createAccount('grace@example.org');
    const created = await homeport.api('POST', '/api/v1/hosts', { token, body: { label: otherLabel, size: 'starter', seats: 5 } });
    assert.equal(created.status, 202, JSON.stringify(created.body));
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await homeport?.cleanup();
  });

  async function newPage(): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1000, height: 800 } });
    const page = await context.newPage();
    page.setDefaultTimeout(20_000);
    return page;
  }

  async function register(page: Page, email: string, password: string): Promise<void> {
    await page.goto(url('/register'));
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Name').fill(email.split('@')[0]!);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Register' }).click();
  }

  /** A refusal the server sent sits under its field, names it, marks it invalid, and the focus is on it. */
  async function expectErrorAtField(page: Page, label: string, name: string, message: RegExp): Promise<void> {
    const error = page.locator(`#field-${name}-error`);
    await error.waitFor();
    assert.match((await error.textContent())!, message);
    const field = page.getByLabel(label, { exact: true });
    assert.equal(await field.getAttribute('aria-invalid'), 'true');
    assert.match((await field.getAttribute('aria-describedby'))!, new RegExp(`field-${name}-error`));
    await page.waitForFunction((id) => document.activeElement?.id === id, `field-${name}`);
    // The banner above the form links to the field instead of repeating a message nobody can place.
    await page.getByRole('alert').getByRole('link', { name: label.replace(/\s*\(.*\)$/, '') }).waitFor();
  }

  async function logIn(page: Page, email: string, password: string): Promise<void> {
    await page.goto(url('/login'));
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Log in' }).click();
  }

  test('bad input on forms shows a clear message and changes nothing', async () => {
    const page = await newPage();
    await register(page, 'short@example.org', 'too-short');
    await page.getByText('at least 12 characters', { exact: false }).first().waitFor();
    await page.getByRole('alert').waitFor();
    assert.match(page.url(), /\/register$/);
    await screenshot(page, 'd01-short-password');
    const accounts = await homeport.api<{ accounts: unknown[] }>('GET', '/api/v1/operator/accounts?search=short%40example.org');
    assert.equal(accounts.status, 404, 'anonymous requests do not see the operator API');

    await register(page, 'linus@example.org', 'a long enough password');
    await page.getByRole('heading', { name: 'Your hosts' }).waitFor();
    await page.goto(url('/account'));
    await page.getByLabel('Company name').fill('Penguins Inc');
    await page.getByLabel('VAT ID').fill('DE12');
    await page.getByRole('button', { name: 'Save' }).click();
    const vatError = page.locator('#field-vatId-error');
    await vatError.waitFor();
    assert.ok((await vatError.textContent())!.length > 5, await vatError.textContent() ?? '');
    assert.equal(await page.getByLabel('VAT ID').getAttribute('aria-invalid'), 'true');
    await screenshot(page, 'd02-malformed-vat-id');
    await page.reload();
    assert.equal(await page.getByLabel('Company name').inputValue(), '', 'nothing was saved');

    await page.goto(url('/hosts/new'));
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByLabel('Hostname').fill(otherLabel);
    await page.getByTestId('availability').getByText(/already in use/).waitFor();
    assert.equal(await page.getByRole('button', { name: 'Continue' }).isDisabled(), true);
    await page.getByLabel('Hostname').fill('-bad-');
    await page.getByTestId('availability').getByText(/hyphen/i).waitFor();
    await screenshot(page, 'd03-hostname-invalid');

    // A coupon the server does not know is refused at the coupon field, which gets the focus.
    await page.goto(url('/account/billing'));
    await page.getByLabel('Coupon code').fill('NO-SUCH-COUPON');
    await page.getByRole('button', { name: 'Apply coupon' }).click();
    await expectErrorAtField(page, 'Coupon code', 'code', /There is no coupon NO-SUCH-COUPON/);
    await screenshot(page, 'd05-coupon-refused-at-field');

  });

  test('a wrong password at login is refused with a message', async () => {
    const page = await newPage();
    await logIn(page, 'linus@example.org', 'not the password at all');
    await page.getByRole('alert').waitFor();
    assert.match(page.url(), /\/login$/);
  });

  test('a customer sees not-found for operator pages and for another customer\'s host', async () => {
    const page = await newPage();
    await logIn(page, 'linus@example.org', 'a long enough password');
    await page.getByRole('heading', { name: 'Your hosts' }).waitFor();
    assert.equal(await page.getByRole('link', { name: 'Operator' }).count(), 0);
    for (const path of ['/operator', '/operator/accounts', '/operator/mail', `/hosts/${otherLabel}`, `/hosts/${otherLabel}/users`, `/hosts/${otherLabel}/registration-tokens`]) {
      await page.goto(url(path));
      await page.getByRole('heading', { name: 'Not found' }).waitFor();
      assert.equal(await page.getByText(otherLabel + '.e2eb.localhost').count(), 0, path);
    }
    await screenshot(page, 'c01-other-customers-host');
    const visitor = await newPage();
    await visitor.goto(url('/operator/accounts'));
    await visitor.getByRole('heading', { name: 'Not found' }).waitFor();
  });

  test('Homeport serves the panel at any page path, but never in place of the API or the probes', async () => {
    const page = await fetch(url('/hosts/some/deep/page'));
    assert.equal(page.status, 200);
    const html = await page.text();
    assert.match(html, /<div id="root">/);
    assert.match(page.headers.get('content-security-policy') ?? '', /frame-ancestors 'none'/);
    assert.equal(page.headers.get('referrer-policy'), 'no-referrer', 'link tokens in page URLs never leave as a referrer');
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    assert.ok(script, html);
    const asset = await fetch(url(script));
    assert.equal(asset.status, 200);
    assert.match(asset.headers.get('cache-control') ?? '', /immutable/);
    const api = await fetch(url('/api/v1/no-such-thing'));
    assert.equal(api.status, 404);
    assert.equal(api.headers.get('content-type'), 'application/problem+json; charset=utf-8');
    assert.deepEqual(await (await fetch(url('/healthz'))).json(), { status: 'ok' });
    assert.match(await (await fetch(url('/metrics'))).text(), /# HELP/);
    assert.equal((await fetch(url('/api/v1/openapi.json'))).status, 200);
  });

  test('the operator logs in with the one-time password, must choose a new one, then opens the console', async () => {
    const page = await newPage();
    await logIn(page, operatorEmail, operatorCredentials(homeport).oneTime);
    await page.getByRole('heading', { name: 'Choose a new password' }).waitFor();
    await page.goto(url('/operator/accounts'));
    await page.getByRole('heading', { name: 'Choose a new password' }).waitFor();
    await screenshot(page, 'e00-operator-first-login');
    await page.getByLabel('Current password').fill(operatorCredentials(homeport).oneTime);
    await page.getByLabel('New password').fill(operatorPassword);
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.getByRole('heading', { name: 'Operator console' }).waitFor();
  });

  test('the operator console lists accounts, hosts, jobs with their logs, mail and the audit log, and suspends an account', async () => {
    const page = await newPage();
    await logIn(page, operatorEmail, operatorPassword);
    await page.getByRole('link', { name: 'Operator' }).click();
    await page.getByRole('link', { name: 'Accounts' }).first().click();
    await page.getByLabel('Search by email, name, company or host').fill('linus');
    await page.getByRole('button', { name: 'Search' }).click();
    const row = page.locator('tr[data-account="linus@example.org"]');
    await page.getByText('1 account matching “linus”').waitFor();
    assert.equal(await page.locator('tr[data-account]').count(), 1);
    // The actions sit in their column, inside the page: nothing to scroll to, also with a confirmation open.
    await expectActionsInView(page, row);
    await row.getByRole('button', { name: 'Suspend' }).click();
    await expectActionsInView(page, row);
    await row.getByRole('button', { name: 'Suspend account' }).click();
    await row.getByText('Suspended').waitFor();
    await screenshot(page, 'e01-operator-accounts');
    await row.getByRole('button', { name: 'Lift suspension' }).click();
    await row.getByText('Active').waitFor();

    await page.getByRole('navigation', { name: 'Operator console' }).getByRole('link', { name: 'Hosts' }).click();
    await page.getByText(`${otherLabel}.e2eb.localhost`).waitFor();
    await page.getByText('grace@example.org').waitFor();
    // A host's label finds its customer's account, which lists the host by its server name.
    await page.getByRole('navigation', { name: 'Operator console' }).getByRole('link', { name: 'Accounts' }).click();
    await page.getByLabel('Search by email, name, company or host').fill(otherLabel);
    const grace = page.locator('tr[data-account="grace@example.org"]');
    await grace.getByText(`${otherLabel}.e2eb.localhost`).waitFor();
    await page.waitForFunction(() => document.querySelectorAll('tr[data-account]').length === 1);

    // Jobs name their host and customer, not ids.
    await page.getByRole('navigation', { name: 'Operator console' }).getByRole('link', { name: 'Jobs' }).click();
    const buildRow = page.locator('tr', { has: page.getByRole('link', { name: 'build' }) }).first();
    await buildRow.getByText(`${otherLabel}.e2eb.localhost`).waitFor();
    await buildRow.getByText('grace@example.org').waitFor();
    await page.getByRole('link', { name: 'build' }).click();
    await page.getByRole('heading', { name: `Build of ${otherLabel}.e2eb.localhost` }).waitFor();
    await page.getByRole('progressbar').waitFor();
    await page.locator('pre.log').waitFor();
    await screenshot(page, 'e02-operator-job');

    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Operator' }).click();
    await page.getByRole('navigation', { name: 'Operator console' }).getByRole('link', { name: 'Terms' }).click();
    await page.getByText('No terms published yet').waitFor();
    await page.getByLabel('Version').fill('2026-02');
    await page.getByLabel('Text').fill('New terms.');
    await page.getByRole('button', { name: 'Publish' }).click();
    await page.getByText('Version 2026-02 is published.').waitFor();

    await page.getByRole('navigation', { name: 'Operator console' }).getByRole('link', { name: 'Mail' }).click();
    await page.getByText('Verify your email address').first().waitFor();
    // A link in a captured mail is a link: clicked, it opens the page it names.
    const mail = page.locator('li.mail', { hasText: 'To linus@example.org' }).filter({ hasText: /Verify/ }).first();
    const verifyLink = mail.getByRole('link', { name: /\/verify-email\?token=/ });
    const href = (await verifyLink.getAttribute('href'))!;
    assert.match(href, /^http:\/\/.+\/verify-email\?token=/);
    assert.ok((await mail.locator('pre').textContent())!.includes(href), 'the link is the address written in the mail');
    const [opened] = await Promise.all([page.context().waitForEvent('page'), verifyLink.click()]);
    await opened.waitForURL(href);
    await opened.getByText('Your email address is verified.').waitFor();
    await opened.close();
    await screenshot(page, 'e04-operator-mail');
    await page.getByRole('navigation', { name: 'Operator console' }).getByRole('link', { name: 'Audit log' }).click();
    // The audit log reads as sentences with emails and server names, not actions and JSON.
    const log = page.getByTestId('audit-log');
    await log.getByText(`${operatorEmail} published version 2026-02 of the terms.`).waitFor();
    await log.getByText(`${operatorEmail} suspended the account linus@example.org.`).waitFor();
    await log.getByText(`grace@example.org bought ${otherLabel}.e2eb.localhost (size starter, 5 seats`, { exact: false }).waitFor();
    const text = await log.innerText();
    assert.equal(/[{}]|terms\.published|"accountId"/.test(text), false, text);
    assert.equal(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-/.test(text), false, `an id in the audit log: ${text}`);
    await screenshot(page, 'e03-operator-audit-log');
  });

  /** The row's actions are in the table's visible width (no sideways scrolling) and inside the window. */
  async function expectActionsInView(page: Page, row: ReturnType<Page['locator']>): Promise<void> {
    const scroll = await page.locator('.table-scroll').evaluate((element) => element.scrollWidth - element.clientWidth);
    assert.ok(scroll <= 0, `the accounts table scrolls sideways by ${scroll}px`);
    const width = page.viewportSize()!.width;
    for (const button of await row.getByRole('button').all()) {
      const box = (await button.boundingBox())!;
      assert.ok(box.x >= 0 && box.x + box.width <= width, `${await button.textContent()} is outside the window (${box.x}+${box.width} of ${width})`);
    }
  }

  test('a forgotten password is reset with the mailed link, which works once', async () => {
    const operator = new PanelClient(homeport.apiUrl);
    assert.equal((await operator.logIn(operatorEmail, operatorPassword)).status, 200);
    const page = await newPage();
    await page.goto(url('/login'));
    await page.getByRole('link', { name: 'Forgot your password?' }).click();
    await page.getByLabel('Email').fill('linus@example.org');
    await page.getByRole('button', { name: 'Send reset link' }).click();
    await page.getByText('If an account with that email exists').waitFor();
    const link = await mailedLink(operator, 'linus@example.org', /Reset/);
    await page.goto(link);
    await page.getByLabel('New password').fill('short');
    await page.getByRole('button', { name: 'Set new password' }).click();
    await page.locator('#field-password-error').waitFor();
    await page.getByLabel('New password').fill('an even longer new password');
    await page.getByRole('button', { name: 'Set new password' }).click();
    await page.getByText('Your password is changed.').waitFor();
    await page.goto(link);
    await page.getByLabel('New password').fill('yet another new password');
    await page.getByRole('button', { name: 'Set new password' }).click();
    await page.getByRole('alert').waitFor();
    await screenshot(page, 'd04-reset-link-used');
    await logIn(page, 'linus@example.org', 'an even longer new password');
    await page.getByRole('heading', { name: 'Your hosts' }).waitFor();
  });

  test('two-factor enrolment shows a QR code, then login asks for a code and recovery codes are shown once', async () => {
    const page = await newPage();
    await logIn(page, 'linus@example.org', 'an even longer new password');
    await page.getByRole('heading', { name: 'Your hosts' }).waitFor();
    await page.goto(url('/account/security'));
    await page.getByRole('button', { name: 'Set up two-factor authentication' }).click();
    const qr = page.getByRole('img', { name: 'QR code of your two-factor secret' });
    await qr.waitFor();
    assert.ok(await qr.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 100), 'the QR code is drawn');
    const otpauth = (await qr.getAttribute('data-otpauth'))!;
    assert.match(otpauth, /^otpauth:\/\/totp\//);
    const secret = (await page.getByTestId('totp-secret').textContent())!;
    const totp = new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: 30, algorithm: 'SHA1' });
    await page.getByLabel('Code from the app').fill('000000' === totp.generate() ? '111111' : '000000');
    await page.getByRole('button', { name: 'Turn on' }).click();
    await expectErrorAtField(page, 'Code from the app', 'code', /does not match/);
    await page.getByLabel('Code from the app').fill(totp.generate());
    await page.getByRole('button', { name: 'Turn on' }).click();
    const codes = page.getByTestId('recovery-codes').locator('li');
    await codes.first().waitFor();
    assert.equal(await codes.count(), 10);
    const recoveryCode = (await codes.first().textContent())!.trim();
    await screenshot(page, 'f01-recovery-codes');
    await page.reload();
    await page.getByText('Two-factor authentication is on.').waitFor();
    assert.equal(await page.getByTestId('recovery-codes').count(), 0, 'recovery codes are not shown again');

    // The enrolment code was just used, so the login uses a code from the app's next window, or a recovery code.
    await page.getByRole('button', { name: 'Log out' }).click();
    await page.waitForURL(/\/login$/);
    await logIn(page, 'linus@example.org', 'an even longer new password');
    await page.getByLabel('Authentication code').fill(totp.generate({ timestamp: Date.now() + 120_000 }));
    await page.getByRole('button', { name: 'Log in' }).click();
    await expectErrorAtField(page, 'Authentication code', 'code', /wrong or has already been used/);
    await screenshot(page, 'f02-login-code-refused');
    await page.getByLabel('Authentication code').fill(recoveryCode);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('heading', { name: 'Your hosts' }).waitFor();

    await page.getByRole('button', { name: 'Log out' }).click();
    await page.waitForURL(/\/login$/);
    await logIn(page, 'linus@example.org', 'an even longer new password');
    await page.getByLabel('Authentication code').fill(recoveryCode);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('alert').waitFor();
    assert.match(page.url(), /\/login$/, 'a recovery code works once');
  });
  /** Presses Tab until the focused element is named like `pattern` (its label, aria-label or text); each stop must show where the focus is. */
  async function tabTo(page: Page, pattern: RegExp): Promise<void> {
    for (let presses = 0; presses < 60; presses += 1) {
      await page.keyboard.press('Tab');
      const focused = await page.evaluate(() => {
        const element = document.activeElement as HTMLElement | null;
        if (!element || element === document.body) return { name: '', visible: true };
        const label = element.id ? document.querySelector(`label[for="${CSS.escape(element.id)}"]`)?.textContent : undefined;
        const style = getComputedStyle(element);
        return { name: (label ?? element.getAttribute('aria-label') ?? element.textContent ?? '').trim(), visible: style.outlineStyle !== 'none' && style.outlineWidth !== '0px' };
      });
      assert.ok(focused.visible, `the focus on "${focused.name}" cannot be seen`);
      if (pattern.test(focused.name)) return;
    }
    throw new Error(`Tab never reached ${pattern}`);
  }

  test('the keyboard alone registers, moves between pages and gets a refusal at its field', async () => {
    const page = await newPage();
    await page.goto(url('/'));
    await tabTo(page, /^Register$/);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Create your account' }).waitFor();
    await tabTo(page, /^Email$/);
    await page.keyboard.type('keys@example.org');
    await tabTo(page, /^Name$/);
    await page.keyboard.type('Keys');
    await tabTo(page, /^Password$/);
    await page.keyboard.type('only the keyboard, no mouse');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Your hosts' }).waitFor();

    await tabTo(page, /^Account$/);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Account' }).waitFor();
    await tabTo(page, /^Billing$/);
    await page.keyboard.press('Enter');
    await tabTo(page, /^Coupon code$/);
    await page.keyboard.type('NOT-A-COUPON');
    await page.keyboard.press('Enter');
    await expectErrorAtField(page, 'Coupon code', 'code', /There is no coupon NOT-A-COUPON/);
  });
});
