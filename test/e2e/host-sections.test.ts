// The host in the panel, in sections with their own URLs (issue 19 point 5): each section opens
// from its tab and by its address, the browser's Back returns to the previous one, and a phone
// does not scroll sideways. An export (which stops the server) is confirmed first, a short
// passphrase is refused at its field, and a toast says when it finished with a link to the
// download links. A restore point restored from the restore form into a new server (a staging
// clone). Cancelling (point 4) says what it costs before the hostname is typed, voids the
// invoice of a host bought today, and says so afterwards, the invoice then reading "Void".
// Every page (visitor, customer, host sections, operator console) passes an axe-core audit with no
// serious or critical violation and does not scroll sideways, on a laptop (1280×800) and on a phone
// (390×844); the screenshots it takes (HOMEPORT_SCREENSHOT_DIR) are the ones to look at.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, BrowserContext, Page, Route } from 'playwright-core';
import { jobStepWords, stepStatusWords } from '../../src/contract/job-step-words.ts';
import { callsNotOffered } from '../../src/contract/status-words.ts';
import { seriousViolations } from '../support/accessibility.ts';
import { HomeportProcess } from '../support/homeport-process.ts';
import type { PanelClient } from '../support/panel-client.ts';
import { ensurePanelBuilt, firstOperator, launchChromium, logInToPanel, openPanelPage, operatorPassword, screenshot, setPasswordByReset } from '../support/panel-browser.ts';

const sections = [
  ['', 'Overview', 'Overview'],
  ['/users', 'Users', 'Users'],
  ['/registration-tokens', 'Registration tokens', 'Registration tokens'],
  ['/domain', 'Domain', 'Trust & Safety contact'],
  ['/look-and-feel', 'Look and feel', 'Client look and feel'],
  ['/sign-on', 'Sign-on', 'Sign-on'],
  ['/exports', 'Exports and backups', 'Export'],
  ['/billing', 'Billing', 'Seats'],
  ['/danger-zone', 'Danger zone', 'Cancel host'],
] as const;

describe('the control panel, a host in sections', () => {
  let homeport: HomeportProcess;
  let operator: PanelClient;
  let operatorEmail: string;
  let browser: Browser;
  let page: Page;
  let token: string;
  const email = 'exporter@example.org';
  const password = 'exporting-is-my-right-1';
  const url = (path: string) => `${homeport.apiUrl}${path}`;
  /** A page of its own, logged in to the operator console. */
  async function operatorConsole() {
    const opened = await openPanelPage(browser, homeport);
    await opened.page.goto(url('/login'));
    await opened.page.getByLabel('Email').fill(operatorEmail);
    await opened.page.getByLabel('Password').fill(operatorPassword);
    await opened.page.getByRole('button', { name: 'Log in' }).click();
    await opened.page.getByRole('navigation', { name: 'Main' }).waitFor();
    return opened;
  }

  before(async () => {
    await ensurePanelBuilt();
    homeport = await HomeportProcess.create('e2ex');
    await homeport.start();
    ({ client: operator, email: operatorEmail } = await firstOperator(homeport));
    token = await homeport.createAccount(email);
    const built = await homeport.cli(['host', 'create', 'exphost', '--size', 'starter', '--seats', '10', '--wait'], token);
    assert.equal(built.code, 0, built.stdout + built.stderr);
    // The account was made by the operator CLI without a password: the customer sets one by reset.
    await setPasswordByReset(homeport, operator, email, password);
    browser = await launchChromium();
    ({ page } = await openPanelPage(browser, homeport, undefined, 30_000));
    await logInToPanel(page, homeport, email, password);
  });
  after(async () => {
    await browser?.close();
    await homeport?.cleanup();
  });

  test('each section opens from its tab at its own address, Back returns to the previous one, and a phone does not scroll sideways', async () => {
    await page.goto(url('/hosts/exphost'));
    const tabs = page.getByRole('navigation', { name: 'Host sections' });
    for (const [path, tab, content] of sections) {
      await tabs.getByRole('link', { name: tab, exact: true }).click();
      await page.waitForURL(url(`/hosts/exphost${path}`));
      assert.equal(await tabs.getByRole('link', { name: tab, exact: true }).getAttribute('aria-current'), 'page');
      await page.getByRole('heading', { name: content, exact: true }).waitFor();
      await screenshot(page, `h-laptop${path.replace('/', '-') || '-overview'}`);
    }
        assert.equal(await page.getByRole('button', { name: 'Export host…' }).count(), 0, 'the export is not on the danger zone');
    await page.goBack();
    await page.waitForURL(url('/hosts/exphost/billing'));
    await page.getByText('Seats bought:').waitFor();

    const phone = await browser.newContext({ viewport: { width: 375, height: 740 }, isMobile: true, hasTouch: true, storageState: await page.context().storageState() });
    try {
      const small = await phone.newPage();
      for (const [path, , content] of sections) {
        await small.goto(url(`/hosts/exphost${path}`));
        await small.getByRole('heading', { name: content, exact: true }).waitFor();
        const overflow = await small.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        assert.ok(overflow <= 0, `${path || '/'}: no horizontal scrolling (${overflow}px too wide)`);
        await screenshot(small, `h-phone${path.replace('/', '-') || '-overview'}`);
      }
    } finally {
      await phone.close();
    }
  });

  test('an export is confirmed first (it stops the server), a short passphrase is refused at its field, and a toast links to the finished download links', async () => {
    await page.goto(url('/hosts/exphost/exports'));
    await page.getByTestId('export-estimate').getByText(/Estimated downtime: \d+ s/).waitFor();

    await page.getByLabel('Passphrase (optional)').fill('short');
    await page.getByRole('button', { name: 'Export host…' }).click();
    await page.getByText(/^Your server stops for about \d+ seconds while the database and media are copied/).waitFor();
    await screenshot(page, 'x00-export-confirm');
    await page.getByRole('button', { name: 'Not now' }).click();
    assert.equal(await page.getByRole('button', { name: 'Stop the server and export' }).count(), 0);
    await page.getByRole('button', { name: 'Export host…' }).click();
    await page.getByRole('button', { name: 'Stop the server and export' }).click();
    await page.locator('#field-passphrase-error').getByText(/at least 8 characters/).waitFor();
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'field-passphrase', 'the focus moves to the field in error');
    await screenshot(page, 'x01-export-refused');

    await page.getByLabel('Passphrase (optional)').fill('');
    await page.getByRole('button', { name: 'Export host…' }).click();
    await page.getByRole('button', { name: 'Stop the server and export' }).click();
    await page.waitForURL(/\/hosts\/exphost\/jobs\//);
    const jobPage = page.url();
    await page.getByText('Your server is stopped while its database and media are copied').waitFor();
    const toast = page.getByTestId('toast').filter({ hasText: 'The export of exphost is ready to download.' });
    await toast.waitFor({ timeout: 300_000 });
    await screenshot(page, 'x02-export-job');
    await page.waitForURL(url('/hosts/exphost/exports'));
    await toast.getByRole('link', { name: 'Go to the download links' }).click();
    const configLink = page.getByRole('list', { name: 'Your exports' }).getByRole('link', { name: 'exphost-config.md' });
    await configLink.waitFor();
    for (const name of ['exphost-synapse-database.zip', 'exphost-media.tar.gz', 'SHA256SUMS']) await page.getByRole('link', { name }).waitFor();
    // The export's state in customer words (never "being built").
    const exportsList = page.getByRole('list', { name: 'Your exports' });
    await exportsList.getByText(/^Export of .*: ready to download; deleted after /).waitFor();
    assert.doesNotMatch(await exportsList.innerText(), /being built|running|ready\b(?! to download)/);
    await screenshot(page, 'x03-export-links');

    const href = await configLink.getAttribute('href');
    assert.ok(href);
    const download = await fetch(url(href));
    assert.equal(download.status, 200);
    assert.match(await download.text(), /exphost\.e2ex\.localhost/);

    // Without a passphrase there is nothing to encrypt: that step is skipped, not done, in the API, the job page and the CLI.
    const jobId = jobPage.split('/jobs/')[1]!;
    const job = (await homeport.api<{ progress: number; steps: { name: string; status: string }[] }>('GET', `/api/v1/jobs/${jobId}`, { token })).body;
    assert.deepEqual(job.steps.filter((step) => step.status !== 'done').map((step) => `${step.name}: ${step.status}`), ['encryption: skipped']);
    assert.equal(job.progress, 100);
    await page.goto(jobPage);
    const encrypt = page.locator('.job-steps li[data-step="encryption"]');
    assert.equal(await encrypt.getAttribute('data-status'), 'skipped');
    assert.equal((await encrypt.innerText()).replace(/\s+/g, ' ').trim(), `${jobStepWords('export', 'encryption')} ${stepStatusWords.skipped}`);
    assert.equal(await page.locator('.job-steps li[data-status="done"]').count(), job.steps.length - 1);
    await screenshot(page, 'x04-export-job-skipped-step');
  });

  test('a restore point is restored into a new server from the restore form: a staging clone with the same server name, federation off; the original keeps serving', async () => {
    const backup = await homeport.cli(['host', 'backup', 'exphost', '--wait'], token);
    assert.equal(backup.code, 0, backup.stdout + backup.stderr);
    await page.goto(url('/hosts/exphost/exports'));
    const form = page.getByTestId('backups');
    await form.getByLabel('Restore point').selectOption({ index: 1 });
    await form.getByLabel(/^Into a new server named/).fill('expclone');
    await form.getByLabel('Type exphost to confirm').fill('exphost');
    await screenshot(page, 'b01-restore-into-new');
    await form.getByRole('button', { name: 'Restore into new host' }).click();
    await page.waitForURL(/\/hosts\/expclone\/jobs\//);
    await page.getByText('A new server is being made from a backup (a staging clone); the original keeps serving.').waitFor();
    await page.getByTestId('toast').filter({ hasText: 'expclone was made from the backup and is running (a staging clone, federation off).' }).waitFor({ timeout: 600_000 });
    await screenshot(page, 'b02-clone-done');
    const clone = (await homeport.api<{ serverName: string; status: string; federation: { mode: string } }>('GET', '/api/v1/hosts/expclone', { token })).body;
    assert.deepEqual({ serverName: clone.serverName, status: clone.status, federation: clone.federation.mode }, { serverName: 'exphost.e2ex.localhost', status: 'running', federation: 'off' });
    assert.equal((await homeport.api<{ status: string }>('GET', '/api/v1/hosts/exphost', { token })).body.status, 'running');
    // The clone says whose it is; the original's cancel form says the clone goes with it.
    await page.goto(url('/hosts/expclone'));
    await page.getByTestId('staging-clone-of').filter({ hasText: 'Staging clone of exphost: part of its subscription (not billed separately)' }).waitFor();
    await page.goto(url('/hosts/exphost/danger-zone'));
    await page.getByTestId('cancellation-clones').filter({ hasText: 'Its staging clone expclone is part of it and is cancelled with it.' }).waitFor();
    const cancelled = await homeport.cli(['host', 'cancel', 'expclone', '--confirm', 'expclone', '--wait'], token);
    assert.equal(cancelled.code, 0, cancelled.stdout + cancelled.stderr);
  });

  test('every page passes an axe-core audit with no serious or critical violation, on a laptop and on a phone', async () => {
    const visitorPages = ['/', '/login', '/register', '/forgot-password'];
    const customerPages = ['/', '/hosts/new', ...sections.map(([path]) => `/hosts/exphost${path}`), '/hosts/exphost/calls', '/account', '/account/security', '/account/tokens', '/account/billing', '/terms'];
    const operatorPages = ['/operator', '/operator/accounts', '/operator/hosts', '/operator/capacity', '/operator/alerts', '/operator/jobs', '/operator/mail', '/operator/audit-log', '/operator/invoices', '/operator/seller', '/operator/coupons', '/operator/terms', '/operator/upgrades'];
    const found: string[] = [];
    const audit = async (context: BrowserContext, paths: string[], viewport: string, who: string) => {
      const audited = await context.newPage();
      for (const path of paths) {
        await audited.goto(url(path));
        await audited.locator('main h1').first().waitFor();
        await audited.waitForFunction(() => document.querySelector('[aria-busy="true"]') === null);
        for (const violation of await seriousViolations(audited)) found.push(`${viewport} ${path}: ${violation}`);
        const overflow = await audited.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        if (overflow > 0) found.push(`${viewport} ${path}: the page scrolls sideways by ${overflow}px`);
        await screenshot(audited, `${viewport}-${who}${path === '/' ? '-home' : path.replaceAll('/', '-')}`);
      }
    };
    const operatorSession = async (viewport: { width: number; height: number }) => {
      const { context, page: login } = await openPanelPage(browser, homeport, viewport);
      await login.goto(url('/login'));
      await login.getByLabel('Email').fill(operatorEmail);
      await login.getByLabel('Password').fill(operatorPassword);
      await login.getByRole('button', { name: 'Log in' }).click();
      await login.getByRole('navigation', { name: 'Main' }).waitFor();
      return context;
    };
    const buildJob = (await operator.request<{ jobs: { id: string; kind: string }[] }>('GET', '/api/v1/operator/jobs')).body.jobs.find((job) => job.kind === 'build');
    if (buildJob) customerPages.push(`/hosts/exphost/jobs/${buildJob.id}`);
    for (const [viewport, size] of [['laptop', { width: 1280, height: 800 }], ['phone', { width: 390, height: 844 }]] as const) {
      const visitor = await browser.newContext({ viewport: size });
      const customer = await browser.newContext({ viewport: size, storageState: await page.context().storageState() });
      const operatorContext = await operatorSession(size);
      try {
        await audit(visitor, visitorPages, viewport, 'visitor');
        await audit(customer, customerPages, viewport, 'customer');
        await audit(operatorContext, operatorPages, viewport, 'operator');
      } finally {
        await Promise.all([visitor.close(), customer.close(), operatorContext.close()]);
      }
    }
    assert.deepEqual(found, [], found.join('\n'));
  });

  test("the overview's dashboard says whether other servers reach the host (checked from there) and that calls are not offered here", async () => {
    // While the host is loading the page shows a skeleton, never a bare "Loading…" (that is only read out).
    const slow = async (route: Route) => {
      await new Promise((resolve) => setTimeout(resolve, 1500));
      await route.continue();
    };
    await page.route('**/api/v1/hosts/exphost', slow, { times: 1 });
    await page.goto(url('/hosts/exphost'));
    await page.locator('main .skeleton[aria-busy="true"] .skeleton-line').first().waitFor();
    const shownLoading = await page.locator('main').evaluate((main) => [...main.querySelectorAll('*')]
      .filter((element) => element.children.length === 0 && /Loading/.test(element.textContent ?? '') && !element.classList.contains('sr-only')).length);
    assert.equal(shownLoading, 0, 'no visible "Loading…" text');

    // At a glance: storage used, and the backup made by the previous test.
    await page.getByTestId('dashboard-storage').getByText(/^\d+(\.\d)? (bytes|KB|MB|GB)$/).waitFor();
    assert.doesNotMatch((await page.getByTestId('dashboard-backup').textContent())!, /None yet|Failed/);
    const federation = page.getByTestId('dashboard-federation');
    // Before the first check: "Check federation"; after it: the result and "Check again".
    await federation.getByTestId('dashboard-federation-state').getByText('Not checked yet', { exact: true }).waitFor();
    assert.equal(await federation.getByRole('button', { name: 'Check again' }).count(), 0);
    await screenshot(page, 'o01-dashboard-before-federation-check');
    await federation.getByRole('button', { name: 'Check federation', exact: true }).click();
    await federation.getByRole('button', { name: 'Check again', exact: true }).waitFor({ timeout: 60_000 });
    const last = (await homeport.api<{ passed: boolean } | null>('GET', '/api/v1/hosts/exphost/federation-checks', { token })).body;
    assert.ok(last, 'the check from the dashboard was recorded');
    assert.equal(await federation.getByTestId('dashboard-federation-state').textContent(), last.passed ? 'Other servers reach it' : 'Other servers cannot reach it');
    assert.equal(await federation.getByRole('button', { name: 'Check federation', exact: true }).count(), 0);
    await page.reload();
    await page.getByTestId('dashboard-federation').getByRole('button', { name: 'Check again', exact: true }).waitFor();

    // This installation runs without calls: the host's calls are "not offered", never "not working", and cannot be switched on.
    assert.equal(await page.getByTestId('dashboard-calls-state').textContent(), 'Not offered on this service');
    // No Calls section among the host's tabs; its address still says why.
    assert.equal(await page.getByRole('navigation', { name: 'Host sections' }).getByRole('link', { name: 'Calls', exact: true }).count(), 0);
    await screenshot(page, 'o02-dashboard-after-federation-check');
    await page.goto(url('/hosts/exphost/calls'));
    await page.getByTestId('calls-state').getByText(callsNotOffered, { exact: true }).waitFor();
    assert.equal(await page.getByRole('button', { name: /Switch calls/ }).count(), 0);
    assert.doesNotMatch(await page.getByTestId('calls-section').innerText(), /do not work|not working/i);
    const cli = await homeport.cli(['host', 'calls', 'exphost'], token);
    assert.equal(cli.stdout.trim(), `calls: ${callsNotOffered}`, 'the CLI says it in the same words');
    // Switching them on is refused, and nothing is rebuilt.
    const refused = await homeport.api<{ detail: string }>('PUT', '/api/v1/hosts/exphost/calls', { token, body: { enabled: true } });
    assert.deepEqual({ status: refused.status, detail: refused.body.detail }, { status: 409, detail: callsNotOffered });
  });

  test('the overview sets the maintenance window for Synapse upgrades, which the API and the CLI then report', async () => {
    await page.goto(url('/hosts/exphost'));
    const section = page.getByTestId('maintenance-window-section');
    await section.getByRole('heading', { name: 'Maintenance window' }).waitFor();
    const choice = section.getByLabel('Upgrades may restart the server');
    assert.equal(await choice.inputValue(), 'any', 'no window until the customer chooses one');
    await choice.selectOption('3');
    await section.getByRole('button', { name: 'Save maintenance window' }).click();
    await section.getByText('Upgrades restart your server only between 03:00–05:00 UTC.').waitFor();
    const answer = await homeport.api<{ startHour: number | null; hours: number }>('GET', '/api/v1/hosts/exphost/maintenance-window', { token });
    assert.deepEqual(answer.body, { startHour: 3, hours: 2 });
    const listed = await homeport.cli(['maintenance-window', 'exphost'], token);
    assert.equal(listed.stdout.trim(), 'Upgrades restart your server only between 03:00–05:00 UTC.', 'the CLI says it in the same words');
    await page.reload();
    assert.equal(await page.getByTestId('maintenance-window-section').getByLabel('Upgrades may restart the server').inputValue(), '3', 'kept after a reload');
    await page.getByTestId('maintenance-window-section').getByLabel('Upgrades may restart the server').selectOption('any');
    await page.getByRole('button', { name: 'Save maintenance window' }).click();
    await page.getByText('Upgrades may restart your server at any time.').waitFor();
    assert.equal((await homeport.api<{ startHour: number | null }>('GET', '/api/v1/hosts/exphost/maintenance-window', { token })).body.startHour, null);
  });

  test("the operator console's rollout form says at its field why a release cannot be rolled out", async () => {
    const { context, page: console } = await operatorConsole();
    try {
      await console.goto(url('/operator/upgrades'));
      const form = console.getByTestId('start-rollout');
      const release = form.getByLabel('Release', { exact: true });
      await release.fill('1.150.0');
      await form.getByRole('button', { name: 'Start rollout' }).click();
      await form.locator('#field-release-error').getByText('Synapse 1.150.0 is not installed').waitFor();
      assert.equal(await console.evaluate(() => document.activeElement?.id), 'field-release', 'the focus is on the field in error');
      // Every host already runs the installed release: nothing to roll out, said at the same field.
      const installed = await operator.request<{ releases: { release: string; installed: boolean }[] }>('GET', '/api/v1/operator/synapse-releases');
      const current = installed.body.releases.find((entry) => entry.installed)?.release ?? '';
      await release.fill(current);
      await form.getByRole('button', { name: 'Start rollout' }).click();
      await form.locator('#field-release-error').getByText(`No host runs a Synapse older than ${current}.`).waitFor();
    } finally {
      await context.close();
    }
  });

  test('cancelling says what it costs before the hostname is typed; a host bought today costs nothing, and the invoice then reads Void', async () => {
    await page.goto(url('/hosts/exphost/danger-zone'));
    await page.getByTestId('cancellation-terms').getByText(/^You bought this host less than a day ago, so cancelling it costs nothing: its invoices are voided/).waitFor();
    await screenshot(page, 'c01-cancel-terms');
    await page.getByLabel('Type exphost to confirm').fill('exphost');
    await page.getByRole('button', { name: 'Cancel host for good' }).click();
    const year = new Date().getUTCFullYear();
    const toast = page.getByTestId('toast').filter({ hasText: `exphost is being cancelled. Nothing is charged for this host: invoice HP-${year}-000001 is void` });
    await toast.waitFor();
    await page.getByTestId('toast').filter({ hasText: 'exphost is cancelled and its data removed.' }).waitFor({ timeout: 300_000 });
    await page.waitForURL(url('/'));
    await screenshot(page, 'c02-cancelled');
    await toast.getByRole('link', { name: 'See your invoices' }).click();
    await page.waitForURL(url('/account/billing'));
    await page.locator(`tr[data-invoice="HP-${year}-000001"]`).getByText('Void: nothing is due').waitFor();
    await page.locator(`tr[data-invoice="HP-${year}-000001"]`).getByText('New host exphost').waitFor();

    // The operator console and the CLI say the same of it, in the same words: never "Open".
    const { context, page: console } = await operatorConsole();
    try {
      await console.goto(url('/operator/invoices'));
      const row = console.locator(`tr[data-invoice="HP-${year}-000001"]`);
      await row.locator('td[data-label="Status"]').getByText('Void: nothing is due', { exact: true }).waitFor();
      assert.equal(await row.locator('td[data-label="For"]').textContent(), 'New host exphost');
      assert.equal(await row.getByRole('button', { name: 'Mark paid' }).count(), 0, 'a void invoice cannot be marked paid');
      await screenshot(console, 'c03-operator-invoice-void');
    } finally {
      await context.close();
    }
    const cli = await homeport.cli(['invoices'], token);
    assert.equal(cli.code, 0, cli.stderr);
    const line = cli.stdout.split('\n').find((text) => text.startsWith(`HP-${year}-000001\t`));
    assert.ok(line, cli.stdout);
    assert.deepEqual(line.split('\t').slice(2, 5).filter((_, index) => index !== 1), ['New host exphost', 'Void: nothing is due']);
  });
});
