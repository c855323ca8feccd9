// Billing against a real Homeport, PostgreSQL and Synapse, paid by invoice (no Stripe here):
// the purchase gate, coupons before and after a first purchase, expired and used-up coupons,
// a seat raise's prorated line, seats never lowered, renewals by the cron job, cancelling after the
// first day at the period's end, gap-free invoice numbers, and the operator marking an invoice paid.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql as rawSql } from 'kysely';
import type { Static } from 'typebox';
import type { Invoice as InvoiceSchema } from '../../src/contract/billing.ts';
import { assertProblem, createOperatorToken, withHomeportDb, type HomeportDb } from '../support/billing-tests.ts';
import { HomeportProcess } from '../support/homeport-process.ts';
import { pdfToText } from '../support/pdf-text.ts';

type Invoice = Static<typeof InvoiceSchema>;

type Body = Record<string, unknown>;

describe('billing ledger', () => {
  let homeport: HomeportProcess;
  let operator: string;
  let customer: string;
  let hostId: string;

  before(async () => {
    // The billing check runs every minute, so a test can wait for a renewal.
    homeport = await HomeportProcess.create('bill', { HOMEPORT_BILLING_CHECK_MINUTES: '1', HOMEPORT_INVOICE_PREFIX: 'T-' });
    await homeport.start();
    operator = await createOperatorToken(homeport);
    customer = await homeport.createAccount('payer@example.org');
  });
  after(async () => {
    await homeport?.cleanup();
  });

  const sql = <T>(action: (db: HomeportDb) => Promise<T>): Promise<T> => withHomeportDb(homeport, action);

  const problem = assertProblem;

  async function createCoupon(body: Body): Promise<Body> {
    const created = await homeport.api<Body>('POST', '/api/v1/operator/coupons', { token: operator, body });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    return created.body;
  }

  async function invoices(token = customer): Promise<Invoice[]> {
    const list = await homeport.api<{ invoices: Invoice[] }>('GET', '/api/v1/billing/invoices', { token });
    assert.equal(list.status, 200);
    return Promise.all(list.body.invoices.map(async (summary) => (await homeport.api<Invoice>('GET', `/api/v1/billing/invoices/${summary.id}`, { token })).body));
  }

  async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 150_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const found = await probe();
      if (found !== undefined) return found;
      await new Promise((done) => setTimeout(done, 1000));
    }
    throw new Error(`timed out waiting for ${what}`);
  }

  test('without a billing address and a payment method nothing is bought; without Stripe, the API says invoice only', async () => {
    const unpaid = await homeport.createAccount('unpaid@example.org', { payable: false });
    const account = await homeport.api<{ purchaseBlockers: { code: string }[] }>('GET', '/api/v1/account', { token: unpaid });
    assert.deepEqual(account.body.purchaseBlockers.map((b) => b.code), ['billing-address-required', 'payment-method-required']);
    problem(await homeport.api('POST', '/api/v1/hosts', { token: unpaid, body: { label: 'nopay', size: 'starter', seats: 5 } }), 409, /billing address/);
    assert.equal((await sql((db) => db.selectFrom('hosts').select('id').where('label', '=', 'nopay').execute())).length, 0);
    const billing = await homeport.api<Body>('GET', '/api/v1/billing', { token: unpaid });
    assert.match(String(billing.body.notice), /invoice only/);
    assert.deepEqual(billing.body.cardPayment, { available: false, publishableKey: null });
    problem(await homeport.api('POST', '/api/v1/billing/card/setup', { token: unpaid }), 409, /invoice only/);
    const quote = await homeport.api<Body>('POST', '/api/v1/billing/quote', { token: unpaid, body: { size: 'starter', seats: 5 } });
    assert.equal(quote.status, 200, 'a price is shown before a way to pay exists');
    assert.deepEqual([quote.body.totalMinor, quote.body.paymentMethod], [2975, null]);
  });

  test('a coupon applied before the first purchase discounts the first invoice; afterwards coupons are refused', async () => {
    await createCoupon({ code: 'welcome20', percentOff: 20, duration: 'months', durationMonths: 2, sizes: ['starter'] });
    const later = await homeport.cli(['billing', 'coupon', 'create', '--code', 'later', '--percent-off', '50'], operator);
    assert.equal(later.code, 0, later.stderr);
    assert.match(later.stdout, /^LATER\tLATER: 50% off, the first month\t0\/∞ redeemed\tno expiry/);
    problem(await homeport.api('POST', '/api/v1/billing/coupon', { token: customer, body: { code: 'nosuch' } }), 422, /no coupon NOSUCH/);
    const applied = await homeport.api<Body>('POST', '/api/v1/billing/coupon', { token: customer, body: { code: 'Welcome20' } });
    assert.equal(applied.status, 200, JSON.stringify(applied.body));
    assert.match(String((applied.body.coupon as Body).description), /WELCOME20: 20% off on starter, 2 months/);

    const quote = await homeport.api<Body>('POST', '/api/v1/billing/quote', { token: customer, body: { size: 'starter', seats: 5 } });
    assert.deepEqual([quote.body.subtotalMinor, quote.body.discountMinor, quote.body.taxMinor, quote.body.totalMinor, quote.body.paymentMethod], [2500, 500, 380, 2380, 'invoice']);

    const bought = await homeport.api<{ host: { id: string } }>('POST', '/api/v1/hosts', { token: customer, body: { label: 'ledger', size: 'starter', seats: 5 } });
    assert.equal(bought.status, 202, JSON.stringify(bought.body));
    hostId = bought.body.host.id;
    const [first] = await invoices();
    assert.equal(first!.number, `T-${new Date().getUTCFullYear()}-000001`);
    assert.deepEqual([first!.kind, first!.status, first!.subtotalMinor, first!.discountMinor, first!.taxMinor, first!.totalMinor, first!.couponCode], ['purchase', 'open', 2500, 500, 380, 2380, 'WELCOME20']);

    problem(await homeport.api('POST', '/api/v1/billing/coupon', { token: customer, body: { code: 'LATER' } }), 409, /before your first purchase.*contact support/);
    const billing = await homeport.api<Body>('GET', '/api/v1/billing', { token: customer });
    assert.equal(billing.body.couponAllowed, false);
    const html = await fetch(`${homeport.apiUrl}/api/v1/billing/invoices/${first!.id}/html`, { headers: { authorization: `Bearer ${customer}` } });
    assert.equal(html.status, 200);
    const text = await html.text();
    assert.match(text, /Invoice T-\d{4}-000001/);
    assert.match(text, /coupon WELCOME20/);
    assert.match(text, /VAT 19%/);
    const pdf = await fetch(`${homeport.apiUrl}/api/v1/billing/invoices/${first!.id}/pdf`, { headers: { authorization: `Bearer ${customer}` } });
    assert.equal(pdf.status, 200);
    assert.equal(pdf.headers.get('content-type'), 'application/pdf');
    assert.match(pdf.headers.get('content-disposition') ?? '', /attachment; filename="invoice-T-\d{4}-000001\.pdf"/);
    const pdfText = await pdfToText(Buffer.from(await pdf.arrayBuffer()));
    assert.match(pdfText, /Invoice T-\d{4}-000001/);
    assert.match(pdfText, /Discount \(coupon WELCOME20\) +-€5\.00/);
    assert.match(pdfText, /Total +€23\.80/);
    const byOperator = await fetch(`${homeport.apiUrl}/api/v1/operator/invoices/${first!.id}/pdf`, { headers: { authorization: `Bearer ${operator}` } });
    assert.equal(byOperator.status, 200);
    const notHers = await fetch(`${homeport.apiUrl}/api/v1/operator/invoices/${first!.id}/pdf`, { headers: { authorization: `Bearer ${customer}` } });
    assert.equal(notHers.status, 404, 'the operator route is not for customers');
  });

  test('an expired coupon and a used-up coupon are refused', async () => {
    const once = await createCoupon({ code: 'ONLYONE', amountOffMinor: 1000, duration: 'forever', maxRedemptions: 1 });
    const gone = await createCoupon({ code: 'GONE', percentOff: 10, duration: 'once' });
    assert.equal((await homeport.api('POST', `/api/v1/operator/coupons/${String(gone.id)}/expire`, { token: operator })).status, 200);
    const first = await homeport.createAccount('first@example.org');
    const second = await homeport.createAccount('second@example.org');
    problem(await homeport.api('POST', '/api/v1/billing/coupon', { token: first, body: { code: 'GONE' } }), 409, /expired/);
    assert.equal((await homeport.api('POST', '/api/v1/billing/coupon', { token: first, body: { code: 'onlyone' } })).status, 200);
    problem(await homeport.api('POST', '/api/v1/billing/coupon', { token: second, body: { code: 'ONLYONE' } }), 409, /redeemed as often/);
    const listed = await homeport.api<{ coupons: Body[] }>('GET', '/api/v1/operator/coupons', { token: operator });
    assert.equal(listed.body.coupons.find((c) => c.id === once.id)?.redemptions, 1);
    problem(await homeport.api('POST', '/api/v1/operator/coupons', { token: operator, body: { code: 'BAD', percentOff: 10, duration: 'once', sizes: ['galactic'] } }), 400, /no size "galactic"/);
  });

  test('raising seats adds a prorated line; lowering is refused through the API, the CLI and the operator console', async () => {
    await homeport.waitForHostStatus(customer, hostId, 'running');
    const raised = await homeport.api<Body>('PATCH', `/api/v1/hosts/${hostId}`, { token: customer, body: { seats: 8 } });
    assert.equal(raised.status, 200, JSON.stringify(raised.body));
    const seats = (await invoices()).find((invoice) => invoice.kind === 'seats');
    assert.ok(seats, 'a seats invoice');
    const [line] = seats.lines;
    assert.equal(line!.seats, 3);
    // 3 seats × 5.00 for (almost) the whole month left, 20% off in the first period.
    assert.ok(line!.amountMinor > 1450 && line!.amountMinor <= 1500, String(line!.amountMinor));
    assert.equal(line!.discountMinor, Math.floor(line!.amountMinor * 0.2 + 0.5));
    assert.match(line!.description, /seats 5 → 8, prorated/);

    problem(await homeport.api('PATCH', `/api/v1/hosts/${hostId}`, { token: customer, body: { seats: 6 } }), 409, /never lowered/);
    const cli = await homeport.cli(['host', 'set', 'ledger', '--seats', '6'], customer);
    assert.notEqual(cli.code, 0);
    assert.match(cli.stderr, /never lowered/);
    await homeport.waitForHostStatus(customer, hostId, 'running');
    problem(await homeport.api('POST', `/api/v1/operator/hosts/${hostId}/seats`, { token: operator, body: { seats: 7 } }), 409, /never lowered/);
    const byOperator = await homeport.api<Body>('POST', `/api/v1/operator/hosts/${hostId}/seats`, { token: operator, body: { seats: 9 } });
    assert.equal(byOperator.status, 200, JSON.stringify(byOperator.body));
    assert.match(String(byOperator.body.invoiceNumber), /^T-\d{4}-000003$/, 'the operator\'s raise is invoiced, prorated, too');
    const subscription = await sql((db) => db.selectFrom('subscriptions').select('seats').where('host_id', '=', hostId).executeTakeFirstOrThrow());
    assert.equal(subscription.seats, 9);
    await homeport.waitForHostStatus(customer, hostId, 'running');
  });

  test('renewals: the cron job invoices each new period once, the coupon only for its months', async () => {
    // As if the host had been bought 65 days ago: two periods have begun since.
    // (started_at is never updated by Homeport, so its column type refuses it: raw SQL.)
    await sql((db) => rawSql`UPDATE subscriptions SET started_at = ${new Date(Date.now() - 65 * 86_400_000)} WHERE host_id = ${hostId}`.execute(db));
    await sql((db) => db.updateTable('subscriptions').set({ current_period_start: new Date(Date.now() - 65 * 86_400_000), current_period_end: new Date(Date.now() - 35 * 86_400_000) }).where('host_id', '=', hostId).execute());
    const renewals = await waitFor('two renewals', async () => {
      const found = (await invoices()).filter((invoice) => invoice.kind === 'renewal');
      return found.length >= 2 ? found : undefined;
    });
    const byIndex = renewals.sort((a, b) => a.number.localeCompare(b.number));
    assert.deepEqual(byIndex.map((invoice) => [invoice.subtotalMinor, invoice.discountMinor]), [[4500, 900], [4500, 0]], 'second period discounted, third not');
    const subscription = await sql((db) => db.selectFrom('subscriptions').selectAll().where('host_id', '=', hostId).executeTakeFirstOrThrow());
    assert.equal(subscription.period_index, 2);
    assert.ok(new Date(subscription.current_period_end).getTime() > Date.now());
  });

  test('cancelling after the first day ends the subscription at the end of the period, which stays owed, with no invoice after it', async () => {
    const terms = await homeport.api<Body>('GET', `/api/v1/hosts/${hostId}/cancellation-terms`, { token: customer });
    assert.equal(terms.body.kind, 'period-owed');
    assert.match(String(terms.body.text), /not refunded: that invoice stays due/);
    const cancelled = await homeport.api<Body>('DELETE', `/api/v1/hosts/${hostId}`, { token: customer, body: { confirm: 'ledger' } });
    assert.ok(cancelled.status < 300, JSON.stringify(cancelled.body));
    assert.match(String(cancelled.body.billing), /^The invoice for the current month stays due; nothing more is invoiced/);
    assert.ok((await invoices()).every((invoice) => invoice.status !== 'void'), 'nothing voided after the first day');
    const subscription = await sql((db) => db.selectFrom('subscriptions').selectAll().where('host_id', '=', hostId).executeTakeFirstOrThrow());
    assert.equal(subscription.status, 'cancelling');
    assert.equal(new Date(subscription.cancel_at!).toISOString(), new Date(subscription.current_period_end).toISOString());
    const before = (await invoices()).length;
    await sql((db) => db.updateTable('subscriptions').set({ current_period_end: new Date(Date.now() - 60_000) }).where('host_id', '=', hostId).execute());
    // Not waiting for the schedule: the operator asks for the check.
    const check = await homeport.cli(['billing', 'check'], operator);
    assert.equal(check.code, 0, check.stdout + check.stderr);
    assert.match(check.stdout, /billing check queued/);
    await waitFor('the subscription to end', async () => {
      const row = await sql((db) => db.selectFrom('subscriptions').select('status').where('host_id', '=', hostId).executeTakeFirstOrThrow());
      return row.status === 'ended' ? true : undefined;
    }, 30_000);
    assert.equal((await invoices()).length, before);
  });

  test('invoice numbers have no gaps, and the operator marks a transfer paid once', async () => {
    const rows = await sql((db) => db.selectFrom('invoices').select(['sequence', 'year']).orderBy('sequence').execute());
    assert.deepEqual(rows.map((row) => row.sequence), rows.map((_row, index) => index + 1));
    const open = await homeport.api<{ invoices: { id: string; number: string; hostLabel: string | null; accountEmail: string }[] }>('GET', '/api/v1/operator/invoices?status=open', { token: operator });
    assert.ok(open.body.invoices.length >= 5);
    const target = open.body.invoices.at(-1)!;
    assert.ok(target.hostLabel, 'an invoice names its host');
    const cli = await homeport.cli(['billing', 'invoice-paid', target.number], operator);
    assert.equal(cli.code, 0, cli.stderr);
    // The answer names the invoice's host and customer, and the CLI says them.
    const said = cli.stdout.trim();
    assert.ok(said.startsWith(`${target.number} (`) && said.includes(target.hostLabel) && said.endsWith(`, ${target.accountEmail}) is marked paid.`), said);
    const another = open.body.invoices.at(-2)!;
    const paid = await homeport.api<{ status: string; hostLabel: string | null; accountEmail: string }>('POST', `/api/v1/operator/invoices/${another.id}/paid`, { token: operator });
    assert.deepEqual({ status: paid.body.status, hostLabel: paid.body.hostLabel, accountEmail: paid.body.accountEmail }, { status: 'paid', hostLabel: another.hostLabel, accountEmail: another.accountEmail });
    problem(await homeport.api('POST', `/api/v1/operator/invoices/${target.id}/paid`, { token: operator }), 409, /already paid/);
    const audit = await homeport.api<{ entries: Body[] }>('GET', '/api/v1/operator/audit-log?limit=500', { token: operator });
    assert.ok(audit.body.entries.some((entry) => entry.action === 'invoice.paid'));
  });

  test('every invoice (purchase, seat raises, renewals) is mailed to its customer once, with its PDF', async () => {
    const issued = await invoices();
    assert.deepEqual([...new Set(issued.map((invoice) => invoice.kind))].sort(), ['purchase', 'renewal', 'seats']);
    type Mail = { subject: string; text: string; attachments: string[] };
    const mail = await waitFor('a mail per invoice', async () => {
      const answer = await homeport.api<{ mail: Mail[] }>('GET', '/api/v1/operator/mail?to=payer%40example.org&limit=100', { token: operator });
      const invoiceMail = answer.body.mail.filter((m) => m.subject.startsWith('Invoice '));
      return invoiceMail.length >= issued.length ? invoiceMail : undefined;
    }, 60_000);
    assert.equal(mail.length, issued.length, 'no invoice mailed twice');
    for (const invoice of issued) {
      const [sent, ...more] = mail.filter((m) => m.subject.startsWith(`Invoice ${invoice.number}:`));
      assert.ok(sent, `a mail for ${invoice.number}`);
      assert.equal(more.length, 0, `${invoice.number} mailed once`);
      assert.deepEqual(sent.attachments, [`invoice-${invoice.number}.pdf`]);
      assert.match(sent.text, /\/account\/billing/);
    }
    const first = mail.find((m) => m.subject.includes('-000001:'))!;
    assert.match(first.subject, /: €23\.80$/);
    assert.match(first.text, /Due by \d{4}-\d{2}-\d{2}: please pay by bank transfer[\s\S]*IBAN: DE89 3704 0044 0532 0130 00/);
  });
});
