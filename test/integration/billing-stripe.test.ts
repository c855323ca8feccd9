// Card payment through Stripe, against Stripe's official stripe-mock (see test/support/stripe-mock.ts
// for the two answers its proxy adds: a confirmed PaymentIntent succeeds, a declined card is declined):
// save a card, a purchase charged before the host exists, a declined card leaves no host and says
// why, a seat raise charged to the card, webhooks verified and processed once, and a charge lost to
// a kill -9 between Stripe's answer and the host's record refunded at the next start.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import Stripe from 'stripe';
import { HomeportProcess, type Problem } from '../support/homeport-process.ts';
import { withHomeportDb, type HomeportDb } from '../support/billing-tests.ts';
import { declinedCard, startStripeMock, type StripeMock } from '../support/stripe-mock.ts';

type Body = Record<string, unknown>;
const webhookSecret = 'whsec_homeport_test_secret';

describe('card payment through Stripe', () => {
  let stripe: StripeMock;
  let homeport: HomeportProcess;
  let token: string;
  let hostId: string;

  before(async () => {
    stripe = await startStripeMock();
    homeport = await HomeportProcess.create('card', {
      HOMEPORT_STRIPE_SECRET_KEY: 'sk_test_homeport',
      HOMEPORT_STRIPE_PUBLISHABLE_KEY: 'pk_test_homeport',
      HOMEPORT_STRIPE_WEBHOOK_SECRET: webhookSecret,
      HOMEPORT_STRIPE_API_URL: stripe.url,
      HOMEPORT_BILLING_CHECK_MINUTES: '1',
    });
    await homeport.start();
    token = await homeport.createAccount('card@example.org', { payable: false });
    const address = await homeport.api('PATCH', '/api/v1/account', { token, body: { billingAddress: { line1: 'Rue de Rivoli 1', postalCode: '75001', city: 'Paris', country: 'FR' } } });
    assert.equal(address.status, 200, JSON.stringify(address.body));
  });
  after(async () => {
    await homeport?.cleanup();
    await stripe?.stop();
  });

  const sql = <T>(action: (db: HomeportDb) => Promise<T>): Promise<T> => withHomeportDb(homeport, action);

  async function saveCard(paymentMethodId: string): Promise<Body> {
    const saved = await homeport.api<Body>('POST', '/api/v1/billing/card', { token, body: { paymentMethodId } });
    assert.equal(saved.status, 200, JSON.stringify(saved.body));
    return saved.body;
  }

  function signedWebhook(event: Body, secret = webhookSecret): { body: string; signature: string } {
    const body = JSON.stringify(event);
    return { body, signature: Stripe.webhooks.generateTestHeaderString({ payload: body, secret }) };
  }

  async function postWebhook(body: string, signature: string): Promise<{ status: number; body: Body }> {
    const response = await fetch(`${homeport.apiUrl}/api/v1/stripe/webhook`, { method: 'POST', headers: { 'content-type': 'application/json', 'stripe-signature': signature }, body });
    return { status: response.status, body: (await response.json()) as Body };
  }

  test('a card is saved through a SetupIntent; then the account may buy', async () => {
    const before = await homeport.api<{ purchaseBlockers: { code: string; detail: string }[] }>('GET', '/api/v1/account', { token });
    assert.deepEqual(before.body.purchaseBlockers.map((b) => b.code), ['payment-method-required']);
    assert.match(before.body.purchaseBlockers[0]!.detail, /Add a payment card/);
    const setup = await homeport.api<Body>('POST', '/api/v1/billing/card/setup', { token });
    assert.equal(setup.status, 200, JSON.stringify(setup.body));
    assert.match(String(setup.body.clientSecret), /^seti_.+_secret_/);
    assert.equal(setup.body.publishableKey, 'pk_test_homeport');
    assert.ok(stripe.requests.some((r) => r.path === '/v1/customers' && r.form.get('email') === 'card@example.org'), 'a Stripe customer for the account');
    const billing = await saveCard('pm_card_visa');
    assert.deepEqual(billing.card, { brand: 'visa', last4: '4242', expiry: '08/2030' });
    assert.deepEqual(billing.paymentMethods, ['card']);
    assert.equal(billing.notice, null);
    const after = await homeport.api<{ purchaseBlockers: unknown[] }>('GET', '/api/v1/account', { token });
    assert.deepEqual(after.body.purchaseBlockers, []);
  });

  test('a purchase is charged to the card before the host is built, and its invoice is paid', async () => {
    const bought = await homeport.api<{ host: { id: string } }>('POST', '/api/v1/hosts', { token, body: { label: 'carded', size: 'starter', seats: 5 } });
    assert.equal(bought.status, 202, JSON.stringify(bought.body));
    hostId = bought.body.host.id;
    const charge = stripe.requests.find((r) => r.path === '/v1/payment_intents' && r.method === 'POST');
    assert.ok(charge, 'a PaymentIntent');
    // 5 seats × 5.00 with French VAT at 20% for a consumer in France.
    assert.equal(charge.form.get('amount'), '3000');
    assert.equal(charge.form.get('currency'), 'eur');
    assert.equal(charge.form.get('payment_method'), 'pm_card_visa');
    assert.equal(charge.form.get('off_session'), 'true');
    const { invoices } = (await homeport.api<{ invoices: Body[] }>('GET', '/api/v1/billing/invoices', { token })).body;
    assert.deepEqual(invoices.map((i) => [i.kind, i.status, i.paymentMethod, i.totalMinor, i.taxRatePercent]), [['purchase', 'paid', 'card', 3000, 20]]);
    const charges = await sql((db) => db.selectFrom('card_charges').select(['status', 'host_id']).execute());
    assert.deepEqual(charges, [{ status: 'attached', host_id: hostId }]);
  });

  test('a declined card leaves no host and a clear 402 saying why', async () => {
    await saveCard(declinedCard);
    const refused = await homeport.api<Problem>('POST', '/api/v1/hosts', { token, body: { label: 'declined', size: 'starter', seats: 5 } });
    assert.equal(refused.status, 402, JSON.stringify(refused.body));
    assert.equal(refused.body.type, 'urn:homeport:problem:payment-failed');
    assert.match(refused.body.detail, /not charged and no host was created: Your card was declined\./);
    assert.equal((await sql((db) => db.selectFrom('hosts').select('id').where('label', '=', 'declined').execute())).length, 0);
    assert.equal((await homeport.api<Body>('GET', '/api/v1/hostnames/declined', { token })).body.available, true);
    const failed = await sql((db) => db.selectFrom('card_charges').select(['status', 'failure']).where('status', '=', 'failed').execute());
    assert.deepEqual(failed, [{ status: 'failed', failure: 'Your card was declined.' }]);
  });

  test('a seat raise is charged to the card; declined, its invoice stays open until a webhook says it was paid, once', async () => {
    await homeport.waitForHostStatus(token, hostId, 'running');
    const raised = await homeport.api('PATCH', `/api/v1/hosts/${hostId}`, { token, body: { seats: 7 } });
    assert.equal(raised.status, 200, JSON.stringify(raised.body));
    const { invoices } = (await homeport.api<{ invoices: Body[] }>('GET', '/api/v1/billing/invoices', { token })).body;
    const seats = invoices.find((i) => i.kind === 'seats')!;
    assert.deepEqual([seats.status, seats.paymentError], ['open', 'Your card was declined.']);

    const event = { id: 'evt_paid_1', object: 'event', type: 'payment_intent.succeeded', api_version: '2024-06-20', created: 1, livemode: false, pending_webhooks: 0, request: null, data: { object: { id: 'pi_3ds', object: 'payment_intent', metadata: { invoiceId: String(seats.id) } } } };
    const forged = signedWebhook(event, 'whsec_someone_else');
    const refused = await postWebhook(forged.body, forged.signature);
    assert.equal(refused.status, 400);
    assert.match(String(refused.body.detail), /does not match/);
    assert.equal((await sql((db) => db.selectFrom('stripe_events').select('id').execute())).length, 0, 'a forged event is not recorded');
    assert.equal((await homeport.api<Body>('GET', `/api/v1/billing/invoices/${String(seats.id)}`, { token })).body.status, 'open');

    const signed = signedWebhook(event);
    assert.deepEqual(await postWebhook(signed.body, signed.signature), { status: 200, body: { received: true, duplicate: false } });
    assert.equal((await homeport.api<Body>('GET', `/api/v1/billing/invoices/${String(seats.id)}`, { token })).body.status, 'paid');
    const replayed = signedWebhook(event);
    assert.deepEqual(await postWebhook(replayed.body, replayed.signature), { status: 200, body: { received: true, duplicate: true } });
    const audited = await sql((db) => db.selectFrom('audit_log').select('details').where('action', '=', 'invoice.paid').where('actor', '=', 'stripe').execute());
    assert.equal(audited.length, 1, 'the replayed event was not processed again');
  });

  test('killed after Stripe charged the card but before the host was recorded, Homeport finds the charge at its next start and refunds it', async () => {
    await saveCard('pm_card_visa');
    const hold = stripe.holdNextPaymentIntent();
    const purchase = homeport.api('POST', '/api/v1/hosts', { token, body: { label: 'crashed', size: 'starter', seats: 5 } }).catch((error: unknown) => error);
    const paymentIntentId = await hold.arrived;
    // Stripe has taken the money; Homeport dies before it hears so.
    await homeport.kill9();
    hold.release();
    assert.ok((await purchase) instanceof Error, 'the purchase request died with Homeport');
    const charge = await sql((db) => db.selectFrom('card_charges').select(['id', 'status']).where('status', '=', 'pending').executeTakeFirstOrThrow());
    assert.equal((await sql((db) => db.selectFrom('hosts').select('id').where('label', '=', 'crashed').execute())).length, 0);
    // As if ten minutes had passed: a charge still unsettled by then is taken as lost.
    await sql((db) => db.updateTable('card_charges').set({ updated_at: new Date(Date.now() - 11 * 60_000) }).where('id', '=', charge.id).execute());
    await homeport.start();
    const deadline = Date.now() + 150_000;
    let status = 'pending';
    while (status !== 'refunded' && Date.now() < deadline) {
      await new Promise((done) => setTimeout(done, 1000));
      status = (await sql((db) => db.selectFrom('card_charges').select('status').where('id', '=', charge.id).executeTakeFirstOrThrow())).status;
    }
    assert.equal(status, 'refunded');
    assert.ok(stripe.requests.some((r) => r.path === '/v1/refunds' && r.form.get('payment_intent') === paymentIntentId), 'the PaymentIntent Stripe made was refunded');
    const audit = await sql((db) => db.selectFrom('audit_log').select('action').where('action', '=', 'card-charge.refunded').execute());
    assert.equal(audit.length, 1);
  });
});
