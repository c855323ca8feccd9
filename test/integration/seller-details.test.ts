// The seller on invoices, against a real Homeport started as a fresh installation (no seller): no
// purchase is taken until the operator enters the seller, a typo in the IBAN is refused at its field
// (API and CLI), and once set the customer's invoices and billing page say whom to pay, by when and
// with which reference.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Static } from 'typebox';
import type { Billing, InvoiceSummary } from '../../src/contract/billing.ts';
import { assertProblem, createOperatorToken, withHomeportDb } from '../support/billing-tests.ts';
import { HomeportProcess } from '../support/homeport-process.ts';
import { testSeller } from '../support/test-seller.ts';

describe('the seller on invoices', () => {
  let homeport: HomeportProcess;
  let operator: string;
  let customer: string;

  before(async () => {
    homeport = await HomeportProcess.create('seller', {}, { withoutSeller: true });
    await homeport.start();
    operator = await createOperatorToken(homeport);
    customer = await homeport.createAccount('buyer@example.org');
  });
  after(async () => {
    await homeport?.cleanup();
  });

  const counts = () => withHomeportDb(homeport, async (db) => ({
    hosts: (await db.selectFrom('hosts').select('id').execute()).length,
    invoices: (await db.selectFrom('invoices').select('id').execute()).length,
  }));

  test('without a seller nothing is bought: 503 before any host or invoice exists, and the billing page has no bank account yet', async () => {
    assertProblem(await homeport.api('POST', '/api/v1/hosts', { token: customer, body: { label: 'early', size: 'starter', seats: 5 } }), 503, /has not entered the seller's details.*Nothing was charged or built/);
    assert.deepEqual(await counts(), { hosts: 0, invoices: 0 });
    const billing = await homeport.api<Static<typeof Billing>>('GET', '/api/v1/billing', { token: customer });
    assert.equal(billing.body.payTo, null);
    const seller = await homeport.api<{ seller: unknown; renewalsWaiting: number }>('GET', '/api/v1/operator/seller', { token: operator });
    assert.deepEqual(seller.body, { seller: null, renewalsWaiting: 0 });
  });

  test("the purchase checklist sends a customer without an address to Account → Details, where the address is", async () => {
    const unpaid = await homeport.createAccount('noaddress@example.org', { payable: false });
    const account = await homeport.api<{ purchaseBlockers: { code: string; detail: string }[] }>('GET', '/api/v1/account', { token: unpaid });
    const blocker = account.body.purchaseBlockers.find((candidate) => candidate.code === 'billing-address-required');
    assert.match(blocker?.detail ?? '', /\(Account → Details\)/);
  });

  test('an IBAN with a wrong check digit is refused at its field, by the API and the CLI; a customer cannot set the seller', async () => {
    const typo = { ...testSeller, iban: 'DE89 3704 0044 0532 0130 01' };
    const refused = assertProblem(await homeport.api('PUT', '/api/v1/operator/seller', { token: operator, body: typo }), 422, /iban: .*not a valid IBAN/);
    assert.deepEqual((refused.errors as { field: string }[]).map((error) => error.field), ['iban']);
    assert.equal((await homeport.api('PUT', '/api/v1/operator/seller', { token: customer, body: testSeller })).status, 404);
    const cli = await homeport.cli(['seller', 'set', '--name', 'X GmbH', '--address', 'A 1', '--postal-code', '1', '--city', 'B', '--country', 'DE', '--vat-id', 'DE123456789',
      '--account-holder', 'X', '--iban', 'DE89370400440532013001', '--bic', 'COBADEFFXXX', '--bank', 'C']);
    assert.notEqual(cli.code, 0);
    assert.match(cli.stderr, /not a valid IBAN/);
    assert.equal((await homeport.api<{ seller: unknown }>('GET', '/api/v1/operator/seller', { token: operator })).body.seller, null);
  });

  test('once set, a purchase issues an invoice naming the host, due after the payment term, with the number as payment reference and the bank account', async () => {
    const saved = await homeport.api<{ seller: typeof testSeller }>('PUT', '/api/v1/operator/seller', { token: operator, body: { ...testSeller, iban: 'de89 3704 0044 0532 0130 00', paymentTermDays: 30 } });
    assert.equal(saved.status, 200, JSON.stringify(saved.body));
    assert.equal(saved.body.seller.iban, 'DE89370400440532013000');
    const billing = await homeport.api<Static<typeof Billing>>('GET', '/api/v1/billing', { token: customer });
    assert.deepEqual(billing.body.payTo, { name: 'Homeport Test GmbH', accountHolder: 'Homeport Test GmbH', iban: 'DE89 3704 0044 0532 0130 00', bic: 'COBADEFFXXX', bankName: 'Commerzbank', paymentTermDays: 30 });
    assert.equal(billing.body.notice, 'This installation takes payment by invoice only.', 'invoice payment is said to be enabled once, by the payment methods');

    const bought = await homeport.api('POST', '/api/v1/hosts', { token: customer, body: { label: 'paid', size: 'starter', seats: 5 } });
    assert.equal(bought.status, 202, JSON.stringify(bought.body));
    const { invoices } = (await homeport.api<{ invoices: Static<typeof InvoiceSummary>[] }>('GET', '/api/v1/billing/invoices', { token: customer })).body;
    assert.equal(invoices.length, 1);
    const [invoice] = invoices;
    assert.equal(invoice!.hostLabel, 'paid');
    assert.equal(invoice!.paymentReference, invoice!.number);
    assert.equal(new Date(invoice!.dueAt!).getTime() - new Date(invoice!.issuedAt).getTime(), 30 * 86_400_000);
    const html = await (await fetch(`${homeport.apiUrl}/api/v1/billing/invoices/${invoice!.id}/html`, { headers: { authorization: `Bearer ${customer}` } })).text();
    for (const part of [`Payment reference: ${invoice!.number}`, `Due date: ${invoice!.dueAt!.slice(0, 10)}`, 'IBAN: DE89 3704 0044 0532 0130 00', 'BIC: COBADEFFXXX', 'Homeport Test GmbH', 'VAT ID DE123456789']) {
      assert.ok(html.includes(part), `${part} in the invoice`);
    }

    // The invoice keeps the seller as it was: a later change of bank shows on later invoices only.
    await homeport.api('PUT', '/api/v1/operator/seller', { token: operator, body: { ...testSeller, iban: 'GB82WEST12345698765432', bic: 'NWBKGB2LXXX', bankName: 'NatWest' } });
    const again = await (await fetch(`${homeport.apiUrl}/api/v1/billing/invoices/${invoice!.id}/html`, { headers: { authorization: `Bearer ${customer}` } })).text();
    assert.ok(again.includes('IBAN: DE89 3704 0044 0532 0130 00') && !again.includes('GB82'), 'the issued invoice keeps its bank account');
  });
});
