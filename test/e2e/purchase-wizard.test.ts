// The purchase wizard validates at each step (issue 19 point 6), in Chromium against a real
// Homeport (nothing is bought, so no Synapse): too few seats and identical homeserver and client
// domains are refused at the Configure step, each at its field with the focus moved there (the
// API's own custom-DNS rule, not a copy of it); the steps reached are links, each step has a Back
// button, and everything typed is still there when coming back.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import type { HomeportProcess } from '../support/homeport-process.ts';
import { customerInPanel, screenshot } from '../support/panel-browser.ts';

describe('the purchase wizard', () => {
  let homeport: HomeportProcess;
  let browser: Browser;
  let page: Page;
  const email = 'wizard@example.org';
  const password = 'one-step-at-a-time-1';
  const url = (path: string) => `${homeport.apiUrl}${path}`;
  const focused = () => page.evaluate(() => document.activeElement?.id);

  before(async () => {
    ({ homeport, browser, page } = await customerInPanel('e2ew', email, password));
  });
  after(async () => {
    await browser?.close();
    await homeport?.cleanup();
  });

  test('errors are shown at their field at the step they belong to, and going back keeps what was typed', async () => {
    await page.goto(url('/hosts/new'));
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByLabel('Hostname').fill('wizhost');
    await page.getByTestId('availability').getByText('is available').waitFor();
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.waitForURL(url('/hosts/new?step=configure'));

    await page.getByLabel('Monthly active user seats').fill('0');
    await page.getByLabel('Use my own domain').check();
    await page.getByLabel('Custom homeserver domain').fill('example.test');
    await page.getByLabel('Custom client domain').fill('Example.test.');
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.locator('#field-seats-error').getByText(/^Choose between \d+ and \d+ seats\.$/).waitFor();
    await page.locator('#field-clientDomain-error').getByText('The client domain must differ from the homeserver domain').waitFor();
    assert.equal(await focused(), 'field-seats', 'the focus is on the first field in error');
    assert.equal(page.url(), url('/hosts/new?step=configure'), 'still at the step');
    await page.getByLabel('Monthly active user seats').fill('5');
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.locator('#field-clientDomain-error').waitFor();
    await page.waitForFunction(() => document.activeElement?.id === 'field-clientDomain');
    assert.equal(await page.locator('#field-seats-error').count(), 0);
    await screenshot(page, 'w01-wizard-same-domains');

    await page.getByRole('button', { name: 'Back' }).click();
    await page.waitForURL(url('/hosts/new?step=hostname'));
    assert.equal(await page.getByLabel('Hostname').inputValue(), 'wizhost');
    await page.getByRole('navigation', { name: 'Steps' }).getByRole('link', { name: '1. Size' }).click();
    await page.getByRole('heading', { name: 'Choose your host size' }).waitFor();
    assert.equal(await page.getByRole('navigation', { name: 'Steps' }).getByRole('link', { name: '4. Review and purchase' }).count(), 0, 'review is not reached yet');
    await page.getByRole('navigation', { name: 'Steps' }).getByRole('link', { name: '3. Configure' }).click();
    assert.equal(await page.getByLabel('Monthly active user seats').inputValue(), '5');
    assert.equal(await page.getByLabel('Custom homeserver domain').inputValue(), 'example.test');
    assert.equal(await page.getByLabel('Custom client domain').inputValue(), 'Example.test.');

    await page.getByLabel('Custom client domain').fill('chat.example.test');
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.waitForURL(url('/hosts/new?step=review'));
    assert.equal(await page.getByTestId('review-server-name').textContent(), 'example.test');
    await page.getByTestId('quote').waitFor();
    await screenshot(page, 'w02-wizard-review');
    await page.getByRole('button', { name: 'Back' }).click();
    assert.equal(await page.getByLabel('Custom client domain').inputValue(), 'chat.example.test');
    await page.goBack();
    await page.getByRole('heading', { name: 'Review and purchase' }).waitFor();

    const phone = await browser.newContext({ viewport: { width: 375, height: 740 }, isMobile: true, hasTouch: true, storageState: await page.context().storageState() });
    try {
      const small = await phone.newPage();
      await small.goto(url('/hosts/new'));
      await small.getByRole('heading', { name: 'Choose your host size' }).waitFor();
      const overflow = await small.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 0, `no horizontal scrolling (${overflow}px too wide)`);
      await screenshot(small, 'w03-phone-wizard');
    } finally {
      await phone.close();
    }
  });
});
