// Two-factor authentication once it is on (issue 19 point 10), in Chromium against a real Homeport
// (no Synapse): new recovery codes and turning it off each need the password and a code; a wrong
// one is shown at its field with the focus there (and does not end the session); the old codes
// stop working once new ones are made; turned off, the set-up button is back.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Secret, TOTP } from 'otpauth';
import type { Browser, Page } from 'playwright-core';
import type { HomeportProcess } from '../support/homeport-process.ts';
import { customerInPanel, screenshot } from '../support/panel-browser.ts';

describe('two-factor authentication, changed once on', () => {
  let homeport: HomeportProcess;
  let browser: Browser;
  let page: Page;
  const email = 'careful@example.org';
  const password = 'two-factors-are-better-1';
  const url = (path: string) => `${homeport.apiUrl}${path}`;
  const focused = () => page.evaluate(() => document.activeElement?.id);

  before(async () => {
    ({ homeport, browser, page } = await customerInPanel('e2et', email, password));
  });
  after(async () => {
    await browser?.close();
    await homeport?.cleanup();
  });

  async function shownCodes(): Promise<string[]> {
    await page.getByTestId('recovery-codes').locator('code').nth(9).waitFor();
    const codes = await page.getByTestId('recovery-codes').locator('code').allTextContents();
    assert.equal(codes.length, 10);
    return codes;
  }

  test('new recovery codes replace the old ones, and two-factor can be turned off, each with the password and a code', async () => {
    await page.goto(url('/account/security'));
    await page.getByRole('button', { name: 'Set up two-factor authentication' }).click();
    const secret = (await page.getByTestId('totp-secret').textContent())!;
    await page.getByLabel('Code from the app').fill(new TOTP({ secret: Secret.fromBase32(secret) }).generate());
    await page.getByRole('button', { name: 'Turn on' }).click();
    const first = await shownCodes();
    await page.getByRole('button', { name: 'I have stored them' }).click();
    await page.getByTestId('unused-codes').getByText('10 unused recovery codes').waitFor();

    const form = page.getByRole('form', { name: 'Change two-factor authentication' });
    await form.getByLabel('Password').fill('not my password');
    await form.getByLabel('Code from the app, or a recovery code').fill(first[0]!);
    await form.getByRole('button', { name: 'Make new recovery codes' }).click();
    await page.locator('#field-password-error').getByText('The password is wrong.').waitFor();
    assert.equal(await focused(), 'field-password');
    await screenshot(page, 't01-two-factor-wrong-password');

    await form.getByLabel('Password').fill(password);
    await form.getByRole('button', { name: 'Make new recovery codes' }).click();
    const second = await shownCodes();
    assert.equal(second.filter((code) => first.includes(code)).length, 0, 'all new');
    await screenshot(page, 't02-two-factor-new-codes');
    await page.getByRole('button', { name: 'I have stored them' }).click();

    await form.getByLabel('Password').fill(password);
    await form.getByLabel('Code from the app, or a recovery code').fill(first[1]!);
    await form.getByRole('button', { name: 'Turn two-factor off' }).click();
    await page.locator('#field-code-error').getByText(/That code does not match/).waitFor();
    assert.equal(await focused(), 'field-code', 'an old recovery code no longer works');
    await form.getByLabel('Code from the app, or a recovery code').fill(second[0]!);
    await form.getByRole('button', { name: 'Turn two-factor off' }).click();
    await page.getByTestId('toast').getByText('Two-factor authentication is off.').waitFor();
    await page.getByRole('button', { name: 'Set up two-factor authentication' }).waitFor();
    await screenshot(page, 't03-two-factor-off');
    const account = await page.evaluate(async () => (await fetch('/api/v1/account')).json() as Promise<{ twoFactorEnabled: boolean }>);
    assert.equal(account.twoFactorEnabled, false);
  });
});
