// The boundary Homeport's billing talks to for card payments; Stripe is the one implementation.
export interface CardSummary {
  paymentMethodId: string;
  brand: string;
  last4: string;
  /** MM/YYYY */
  expiry: string;
}

export type ChargeResult =
  | { ok: true; paymentIntentId: string }
  | { ok: false; reason: string; paymentIntentId: string | null };

export interface ChargeRequest {
  customerId: string;
  paymentMethodId: string;
  amountMinor: number;
  currency: string;
  /** The same key gives the same charge, however often it is asked (the card_charges row id). */
  idempotencyKey: string;
  description: string;
  metadata: Record<string, string>;
}

export interface WebhookEvent {
  id: string;
  type: string;
  /** The event's object: a PaymentIntent, SetupIntent, ... */
  object: { id: string; metadata?: Record<string, string> | null; last_payment_error?: { message?: string } | null };
}

export interface CardPayments {
  readonly publishableKey: string;
  createCustomer(input: { accountId: string; email: string; name: string }): Promise<string>;
  createSetupIntent(customerId: string): Promise<{ id: string; clientSecret: string }>;
  /** Makes a payment method (from a confirmed SetupIntent) the customer's card; refuses another customer's. */
  saveCard(customerId: string, paymentMethodId: string): Promise<CardSummary>;
  charge(request: ChargeRequest): Promise<ChargeResult>;
  /** The PaymentIntent made for a journaled charge (found by its chargeId metadata), if Stripe has one. */
  findCharge(chargeId: string): Promise<{ paymentIntentId: string; succeeded: boolean } | null>;
  refund(paymentIntentId: string, idempotencyKey: string): Promise<void>;
  /** Checks the Stripe-Signature header against the raw body; throws webhook-signature-invalid. */
  verifyWebhook(rawBody: Buffer, signature: string | undefined): WebhookEvent;
}
