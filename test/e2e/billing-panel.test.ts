// Billing in the control panel, in Chromium against a real Homeport (with Stripe's stripe-mock)
// started without a seller: the operator enters the seller (a mistyped IBAN refused at its field),
// enables invoice payment and creates a coupon, the customer applies it, tries to add
// a card up to where Stripe.js takes over (it cannot load on these machines), buys a host through
// the wizard paying by invoice, and finds the invoice (for the named host, with its due date,
// payment reference and the bank account to pay to; as a document and a PDF); the operator
// downloads its PDF too and marks it paid.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { HomeportProcess } from '../support/homeport-process.ts';
import { PanelClient } from '../support/panel-client.ts';
import { pdfToText } from '../support/pdf-text.ts';
import { ensurePanelBuilt, firstOperator, launchChromium, mailedLink, openPanelPage, operatorPassword, screenshot } from '../support/panel-browser.ts';
import { startStripeMock, type StripeMock } from '../support/stripe-mock.ts';

describe('billing in the control panel', () => {
  let stripe: StripeMock;
  let homeport: HomeportProcess;
  let browser: Browser;
  let customerContext: BrowserContext;
  let customer: Page;
  let operator: Page;
  let operatorEmail: string;
  const email = 'grace@example.org';
  const password = 'compiler-pioneer-1952';
  const label = 'gracehost';
  const url = (path: string) => `${homeport.apiUrl}${path}`;

  before(async () => {
    await ensurePanelBuilt();
    stripe = await startStripeMock();
    homeport = await HomeportProcess.create('e2ebill', {
      HOMEPORT_STRIPE_SECRET_KEY: 'sk_test_panel', HOMEPORT_STRIPE_PUBLISHABLE_KEY: 'pk_test_panel', HOMEPORT_STRIPE_WEBHOOK_SECRET: 'whsec_panel', HOMEPORT_STRIPE_API_URL: stripe.url,
    }, { withoutSeller: true });
    await homeport.start();
    const first = await firstOperator(homeport);
    operatorEmail = first.email;
    const client = new PanelClient(homeport.apiUrl);
    assert.equal((await client.request('POST', '/api/v1/accounts', { body: { email, name: 'Grace Hopper', password } })).status, 201);
    const link = await mailedLink(first.client, email, /Verify/);
    assert.equal((await client.request('POST', '/api/v1/email-verifications', { body: { token: new URL(link).searchParams.get('token') } })).status, 200);
    const address = await client.request('PATCH', '/api/v1/account', { body: { billingAddress: { line1: 'Navy Yard 1', postalCode: '10115', city: 'Berlin', country: 'DE' } } });
    assert.equal(address.status, 200, JSON.stringify(address.body));
    browser = await launchChromium();
    ({ context: customerContext, page: customer } = await openPanelPage(browser, homeport));
    ({ page: operator } = await openPanelPage(browser, homeport, { width: 1300, height: 900 }));
  });
  after(async () => {
    await browser?.close();
    await homeport?.cleanup();
    await stripe?.stop();
  });

  async function logIn(page: Page, who: string, secret: string): Promise<void> {
    await page.goto(url('/login'));
    await page.getByLabel('Email').fill(who);
    await page.getByLabel('Password').fill(secret);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('navigation', { name: 'Main' }).waitFor();
  }

  test('the operator enters the seller: a mistyped IBAN is marked at its field, then it is saved', async () => {
    await logIn(operator, operatorEmail, operatorPassword);
    await operator.goto(url('/operator'));
    await operator.getByRole('navigation', { name: 'Operator console' }).getByRole('link', { name: 'Seller' }).click();
    await operator.getByText('No invoice can be issued until the seller is saved').waitFor();
    for (const [field, value] of [['Legal name', 'Homeport Panel GmbH'], ['Street and number', 'Hafenstraße 3'], ['Postal code', '20457'], ['City', 'Hamburg'], ['VAT ID', 'DE123456789'],
      ['Account holder', 'Homeport Panel GmbH'], ['IBAN', 'DE89 3704 0044 0532 0130 01'], ['BIC', 'COBADEFFXXX'], ['Bank', 'Commerzbank'], ['Payment term (days)', '21']] as const) {
      await operator.getByLabel(field, { exact: true }).fill(value);
    }
    await operator.getByLabel('Country').selectOption('DE');
    await operator.getByRole('button', { name: 'Save seller' }).click();
    await operator.locator('#field-iban-error').getByText(/not a valid IBAN/).waitFor();
    await operator.getByLabel('IBAN', { exact: true }).fill('DE89 3704 0044 0532 0130 00');
    await operator.getByRole('button', { name: 'Save seller' }).click();
    await operator.getByText('Seller saved.').waitFor();
    await screenshot(operator, 'b00-operator-seller');
  });

  test('the operator enables invoice payment for the customer and creates a coupon', async () => {
    await operator.goto(url('/operator/accounts'));
    const row = operator.locator(`tr[data-account="${email}"]`);
    await row.getByRole('button', { name: 'Enable invoice payment' }).click();
    await row.getByRole('button', { name: 'Stop invoice payment' }).waitFor();
    await screenshot(operator, 'b01-operator-accounts');

    await operator.getByRole('navigation', { name: 'Operator console' }).getByRole('link', { name: 'Coupons' }).click();
    await operator.getByText('No coupons yet').waitFor();
    await operator.getByLabel('Code').fill('launch10');
    await operator.getByLabel('Percent').fill('10');
    await operator.getByLabel('Duration').selectOption('months');
    await operator.getByLabel('Months').fill('3');
    await operator.getByRole('button', { name: 'Create coupon' }).click();
    await operator.getByText('Coupon created: LAUNCH10: 10% off, 3 months').waitFor();
    const redeemed = operator.locator('tr[data-coupon="LAUNCH10"] td[data-label="Redeemed"]');
    await redeemed.waitFor();
    assert.equal(await redeemed.textContent(), '0');
    await screenshot(operator, 'b02-operator-coupons');
  });

  test('the customer applies the coupon and sees invoice payment; the card form goes as far as Stripe.js', async () => {
    await logIn(customer, email, password);
    await customer.goto(url('/account/billing'));
    await customer.getByTestId('invoice-payment').waitFor();
    await customer.getByText('No card saved yet.').waitFor();
    await customer.getByLabel('Coupon code').fill('nope');
    await customer.getByRole('button', { name: 'Apply coupon' }).click();
    await customer.getByRole('alert').getByText('There is no coupon NOPE.').waitFor();
    await customer.getByLabel('Coupon code').fill('launch10');
    await customer.getByRole('button', { name: 'Apply coupon' }).click();
    await customer.getByTestId('coupon').getByText('LAUNCH10: 10% off, 3 months').waitFor();

    await customer.getByRole('button', { name: 'Add a card' }).click();
    const form = customer.getByRole('form', { name: 'Card details' });
    await form.waitFor();
    // Homeport's part is done: a SetupIntent exists for Stripe.js to confirm the card with.
    await customer.getByTestId('card-status').getByText("Stripe's card form could not be loaded").waitFor();
    assert.ok(stripe.requests.some((r) => r.method === 'POST' && r.path === '/v1/setup_intents'), 'a SetupIntent was created');
    assert.equal(await form.getByRole('button', { name: 'Save card' }).isDisabled(), true);
    await screenshot(customer, 'b03-billing-card-form');
    await form.getByRole('button', { name: 'Cancel' }).click();
    await customer.getByRole('button', { name: 'Add a card' }).waitFor();
  });

  test('the wizard shows the price, the discount, VAT and total, and buys paying by invoice', async () => {
    await customer.goto(url('/hosts/new'));
    await customer.getByRole('heading', { name: 'Choose your host size' }).waitFor();
    await customer.getByRole('button', { name: 'Continue' }).click();
    await customer.getByLabel('Hostname').fill(label);
    await customer.getByTestId('availability').getByText('is available').waitFor();
    await customer.getByRole('button', { name: 'Continue' }).click();
    await customer.getByLabel('Monthly active user seats').fill('10');
    await customer.getByRole('button', { name: 'Continue' }).click();
    const quote = customer.getByTestId('quote');
    // 10 seats × 5.00 = 50.00, 10% off = 45.00, German VAT 19% = 8.55, total 53.55.
    await quote.getByText('−€5.00 (coupon LAUNCH10)').waitFor();
    await quote.getByText('19%: €8.55').waitFor();
    await quote.getByText('€53.55').waitFor();
    assert.equal(await customer.getByLabel('Invoice: pay by bank transfer').isChecked(), true);
    await screenshot(customer, 'b04-wizard-review');
    await customer.getByRole('button', { name: 'Purchase' }).click();
    await customer.waitForURL(new RegExp(`/hosts/${label}/jobs/`));
  });

  test('the invoices page lists the invoice, opens it as a document, and the operator marks it paid', async () => {
    await customer.goto(url('/account/billing'));
    const year = new Date().getUTCFullYear();
    const row = customer.locator(`tr[data-invoice="HP-${year}-000001"]`);
    const due = new Date(Date.now() + 21 * 86_400_000);
    await row.getByText(new RegExp(`^Due by .*${due.getUTCFullYear()}.* by bank transfer, reference HP-${year}-000001$`)).waitFor();
    await row.getByText(`New host ${label}`).waitFor();
    await row.getByText('€53.55').waitFor();
    const payTo = customer.getByTestId('pay-to');
    await payTo.getByText('Pay each invoice within 21 days, quoting its number as the payment reference').waitFor();
    await payTo.getByText('DE89 3704 0044 0532 0130 00').waitFor();
    await payTo.getByText('COBADEFFXXX').waitFor();
    assert.equal(await customer.getByText(/invoice payment is enabled/i).count(), 1, 'said once');
    assert.equal(await row.getByRole('link', { name: 'Download web page (HTML)' }).count(), 1);
    await customer.getByText('Coupon applied: LAUNCH10').waitFor();
    await screenshot(customer, 'b05-billing-invoices');
    const [document] = await Promise.all([customerContext.waitForEvent('page'), row.getByRole('link', { name: 'View' }).click()]);
    await document.getByRole('heading', { name: `Invoice HP-${year}-000001` }).waitFor();
    await document.getByText('Discount (coupon LAUNCH10)').waitFor();
    await document.getByText(`Payment reference: HP-${year}-000001`).waitFor();
    await document.getByText('IBAN: DE89 3704 0044 0532 0130 00').waitFor();
    await document.getByText('Homeport Panel GmbH').first().waitFor();
    await document.close();
    const [download] = await Promise.all([customer.waitForEvent('download'), row.getByRole('link', { name: 'Download PDF' }).click()]);
    assert.equal(download.suggestedFilename(), `invoice-HP-${year}-000001.pdf`);
    const pdf = await pdfToText(await readFile(await download.path()));
    assert.match(pdf, new RegExp(`Invoice HP-${year}-000001`));
    assert.match(pdf, /Discount \(coupon LAUNCH10\)/);
    assert.match(pdf, /Total +€53\.55/);
    assert.match(pdf, new RegExp(`Payment reference: HP-${year}-000001`));
    assert.match(pdf, /IBAN: DE89 3704 0044 0532 0130 00/);

    await operator.goto(url('/operator/invoices'));
    const operatorRow = operator.locator(`tr[data-invoice="HP-${year}-000001"]`);
    await operatorRow.getByText(email).waitFor();
    assert.equal(await operatorRow.locator('td[data-label="For"]').textContent(), `New host ${label} · coupon LAUNCH10`, 'the operator reads what it is for, with the host');
    await operatorRow.locator('td[data-label="Status"]').getByText(new RegExp(`^Due by .* by bank transfer, reference HP-${year}-000001$`)).waitFor();
    const [operatorDownload] = await Promise.all([operator.waitForEvent('download'), operatorRow.getByRole('link', { name: 'PDF' }).click()]);
    assert.match(await pdfToText(await readFile(await operatorDownload.path())), /Total +€53\.55/);
    await operatorRow.getByRole('button', { name: 'Mark paid' }).click();
    await operatorRow.getByRole('button', { name: 'Mark as paid' }).click();
    // The answer names the invoice's customer and host, and the console says so.
    await operator.getByTestId('toast').getByText(`HP-${year}-000001 (New host ${label} · coupon LAUNCH10, ${email}) is marked paid.`).waitFor();
    await operatorRow.getByText(/^Paid on /).waitFor();
    await screenshot(operator, 'b06-operator-invoice-paid');
    await customer.reload();
    await row.locator('td[data-label="Status"]').getByText(/^Paid on /).waitFor();
  });
});
