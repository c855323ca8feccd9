// Card payments through Stripe: customers, SetupIntents to save a card, PaymentIntents charged
// off-session with idempotency keys, refunds, and webhook signature checks.
import Stripe from 'stripe';
import type { StripeConfig } from '../config.ts';
import { HomeportError } from '../domain/errors.ts';
import type { CardPayments, CardSummary, ChargeRequest, ChargeResult, WebhookEvent } from './card-payments.ts';

export class StripePayments implements CardPayments {
  readonly publishableKey: string;
  readonly #stripe: Stripe;
  readonly #webhookSecret: string;

  constructor(config: StripeConfig) {
    this.publishableKey = config.publishableKey;
    this.#webhookSecret = config.webhookSecret;
    const url = config.apiUrl ? new URL(config.apiUrl) : undefined;
    this.#stripe = new Stripe(config.secretKey, {
      maxNetworkRetries: 2,
      timeout: 30_000,
      ...(url ? { host: url.hostname, port: Number(url.port || (url.protocol === 'https:' ? 443 : 80)), protocol: url.protocol === 'https:' ? 'https' : 'http' } : {}),
    });
  }

  async createCustomer(input: { accountId: string; email: string; name: string }): Promise<string> {
    const customer = await this.#stripe.customers.create(
      { email: input.email, name: input.name, metadata: { homeportAccountId: input.accountId } },
      { idempotencyKey: `customer-${input.accountId}` },
    );
    return customer.id;
  }

  async createSetupIntent(customerId: string): Promise<{ id: string; clientSecret: string }> {
    const intent = await this.#stripe.setupIntents.create({ customer: customerId, usage: 'off_session' });
    if (!intent.client_secret) throw new Error('Stripe gave no client secret for the SetupIntent');
    return { id: intent.id, clientSecret: intent.client_secret };
  }

  async saveCard(customerId: string, paymentMethodId: string): Promise<CardSummary> {
    let method: Stripe.PaymentMethod;
    try {
      method = await this.#stripe.paymentMethods.retrieve(paymentMethodId);
    } catch (error) {
      if (error instanceof Stripe.errors.StripeInvalidRequestError) throw new HomeportError('invalid-input', 'Unknown card', `Stripe does not know the payment method ${paymentMethodId}.`);
      throw error;
    }
    const owner = typeof method.customer === 'string' ? method.customer : method.customer?.id ?? null;
    if (owner !== null && owner !== customerId) throw new HomeportError('invalid-input', 'Not your card', 'This payment method belongs to another customer.');
    if (!method.card) throw new HomeportError('invalid-input', 'Not a card', 'Only cards can be saved as a payment method.');
    // A SetupIntent confirmed by Stripe.js has attached the card already; attaching is for the rest.
    if (owner === null) await this.#stripe.paymentMethods.attach(paymentMethodId, { customer: customerId });
    await this.#stripe.customers.update(customerId, { invoice_settings: { default_payment_method: paymentMethodId } });
    return {
      paymentMethodId,
      brand: method.card.brand,
      last4: method.card.last4,
      expiry: `${String(method.card.exp_month).padStart(2, '0')}/${method.card.exp_year}`,
    };
  }

  async charge(request: ChargeRequest): Promise<ChargeResult> {
    try {
      const intent = await this.#stripe.paymentIntents.create({
        amount: request.amountMinor,
        currency: request.currency.toLowerCase(),
        customer: request.customerId,
        payment_method: request.paymentMethodId,
        off_session: true,
        confirm: true,
        description: request.description,
        metadata: request.metadata,
      }, { idempotencyKey: request.idempotencyKey });
      if (intent.status === 'succeeded') return { ok: true, paymentIntentId: intent.id };
      const reason = intent.last_payment_error?.message ?? (intent.status === 'requires_action'
        ? 'Your bank asks to confirm this payment, which cannot be done here; use another card.'
        : `The payment did not go through (${intent.status}).`);
      if (intent.status !== 'canceled') await this.#stripe.paymentIntents.cancel(intent.id).catch(() => undefined);
      return { ok: false, reason, paymentIntentId: intent.id };
    } catch (error) {
      if (error instanceof Stripe.errors.StripeCardError) {
        const intentId = (error.raw as { payment_intent?: { id?: string } } | undefined)?.payment_intent?.id ?? null;
        return { ok: false, reason: error.message, paymentIntentId: intentId };
      }
      throw error;
    }
  }

  async findCharge(chargeId: string): Promise<{ paymentIntentId: string; succeeded: boolean } | null> {
    if (!/^[0-9a-f-]{36}$/.test(chargeId)) throw new Error('a charge id is a UUID');
    const found = await this.#stripe.paymentIntents.search({ query: `metadata['chargeId']:'${chargeId}'`, limit: 10 });
    const intent = found.data.find((candidate) => candidate.metadata?.chargeId === chargeId);
    return intent ? { paymentIntentId: intent.id, succeeded: intent.status === 'succeeded' } : null;
  }

  async refund(paymentIntentId: string, idempotencyKey: string): Promise<void> {
    await this.#stripe.refunds.create({ payment_intent: paymentIntentId }, { idempotencyKey });
  }

  verifyWebhook(rawBody: Buffer, signature: string | undefined): WebhookEvent {
    if (!signature) throw new HomeportError('webhook-signature-invalid', 'Missing signature', 'The Stripe-Signature header is missing.');
    let event: Stripe.Event;
    try {
      event = this.#stripe.webhooks.constructEvent(rawBody, signature, this.#webhookSecret);
    } catch {
      throw new HomeportError('webhook-signature-invalid', 'Bad signature', 'The Stripe-Signature header does not match this request.');
    }
    return { id: event.id, type: event.type, object: event.data.object as unknown as WebhookEvent['object'] };
  }
}
