// Browser tests of the control panel: builds the panel when stale, drives Debian's Chromium with
// playwright-core, saves screenshots under test-output/screenshots (or HOMEPORT_SCREENSHOT_DIR, e.g. a
// folder outside the repo to look at them), and sets up the first operator.
import { execFile } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { HomeportProcess } from './homeport-process.ts';
import { PanelClient } from './panel-client.ts';

const run = promisify(execFile);
const repoRoot = resolve(import.meta.dirname, '..', '..');
export const screenshotDir = process.env.HOMEPORT_SCREENSHOT_DIR ?? join(repoRoot, 'test-output', 'screenshots');

/** The tests serve dist/web through Homeport, so it must be built from the current sources. */
export async function ensurePanelBuilt(): Promise<void> {
  await run('bash', [join(repoRoot, 'scripts', 'build-web-if-stale.sh')], { cwd: repoRoot, timeout: 300_000 });
}

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.HOMEPORT_CHROMIUM ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

/** A new browser context on the panel (clipboard allowed, for copy buttons) and a page in it. */
export async function openPanelPage(browser: Browser, homeport: HomeportProcess, viewport = { width: 1100, height: 900 }, timeoutMs = 20_000): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: homeport.apiUrl });
  const page = await context.newPage();
  page.setDefaultTimeout(timeoutMs);
  return { context, page };
}

export async function screenshot(page: Page, name: string): Promise<string> {
  await mkdir(screenshotDir, { recursive: true });
  const path = join(screenshotDir, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

export const operatorPassword = 'operator-chosen-password-1';

/** The first operator's email and one-time password, as Homeport printed them once at its first start. */
export function operatorCredentials(homeport: HomeportProcess): { email: string; oneTime: string } {
  const match = /First operator account created: (\S+)\nOne-time password[^:]*: (\S+)/.exec(homeport.output);
  if (!match) throw new Error(`no operator credentials in the output:\n${homeport.output.slice(0, 2000)}`);
  return { email: match[1]!, oneTime: match[2]! };
}

/** Logs the first operator in with the one-time password, and chooses a real one, through the API. */
export async function firstOperator(homeport: HomeportProcess): Promise<{ client: PanelClient; email: string }> {
  const { email, oneTime } = operatorCredentials(homeport);
  const client = new PanelClient(homeport.apiUrl);
  const login = await client.logIn(email, oneTime);
  if (login.status !== 200) throw new Error(`operator login: ${JSON.stringify(login.body)}`);
  const changed = await client.request('POST', '/api/v1/account/password', { body: { currentPassword: oneTime, newPassword: operatorPassword } });
  if (changed.status !== 204) throw new Error(`operator password: ${JSON.stringify(changed.body)}`);
  return { client, email };
}

/** The link in the newest captured mail to `to` whose subject matches. */
export async function mailedLink(operator: PanelClient, to: string, subject: RegExp): Promise<string> {
  const answer = await operator.request<{ mail: { subject: string; text: string }[] }>('GET', `/api/v1/operator/mail?to=${encodeURIComponent(to)}`);
  const mail = answer.body.mail.find((m) => subject.test(m.subject));
  const link = mail && /(https?:\/\/\S+\?token=\S+)/.exec(mail.text)?.[1];
  if (!link) throw new Error(`no "${subject}" mail with a link to ${to}: ${JSON.stringify(answer.body)}`);
  return link;
}

/** Gives an account made without a password (by the operator CLI) one, the way its customer would: a reset mail's link. */
export async function setPasswordByReset(homeport: HomeportProcess, operator: PanelClient, email: string, password: string): Promise<void> {
  const asked = await homeport.api('POST', '/api/v1/password-resets', { body: { email } });
  if (asked.status !== 202) throw new Error(`password reset for ${email} answered ${asked.status}`);
  const link = new URL(await mailedLink(operator, email, /reset/i));
  const reset = await homeport.api('POST', '/api/v1/password-resets/complete', { body: { token: link.searchParams.get('token'), password } });
  if (reset.status !== 204) throw new Error(`completing the password reset for ${email} answered ${reset.status}: ${JSON.stringify(reset.body)}`);
}

/** Logs in through the panel's login page and waits for the customer's list of hosts. */
export async function logInToPanel(page: Page, homeport: HomeportProcess, email: string, password: string): Promise<void> {
  await page.goto(`${homeport.apiUrl}/login`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByRole('heading', { name: 'Your hosts' }).waitFor();
}

/** A fresh Homeport with one customer who set a password by reset, logged in to the panel in Chromium. */
export async function customerInPanel(name: string, email: string, password: string): Promise<{ homeport: HomeportProcess; browser: Browser; page: Page }> {
  await ensurePanelBuilt();
  const homeport = await HomeportProcess.create(name);
  await homeport.start();
  const operator = (await firstOperator(homeport)).client;
  await homeport.createAccount(email);
  await setPasswordByReset(homeport, operator, email, password);
  const browser = await launchChromium();
  const { page } = await openPanelPage(browser, homeport);
  await logInToPanel(page, homeport, email, password);
  return { homeport, browser, page };
}
