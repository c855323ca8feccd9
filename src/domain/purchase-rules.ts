// What an account needs before it may buy anything: a verified email, the current terms accepted,
// a billing address, and a way to pay (a card on file, or invoice payment enabled by an operator).
import { HomeportError } from './errors.ts';

export interface PurchaseReadiness {
  emailVerified: boolean;
  /** The current terms version, or null when the operator has published none. */
  currentTermsVersion: string | null;
  acceptedCurrentTerms: boolean;
  hasBillingAddress: boolean;
  /** A card saved through Stripe (only counts while Stripe is configured). */
  hasCard: boolean;
  invoicePaymentEnabled: boolean;
  /** Whether this installation takes cards at all (Stripe configured). */
  cardPaymentAvailable: boolean;
}

export function purchaseBlockers(readiness: PurchaseReadiness): HomeportError[] {
  const blockers: HomeportError[] = [];
  if (!readiness.emailVerified) {
    blockers.push(new HomeportError('email-not-verified', 'Verify your email first', 'Verify your email address with the link we sent you before buying anything.'));
  }
  if (readiness.currentTermsVersion !== null && !readiness.acceptedCurrentTerms) {
    const version = readiness.currentTermsVersion;
    blockers.push(new HomeportError('terms-not-accepted', 'Accept the terms first', `Accept the terms and conditions, version ${version}, before buying anything.`, { termsVersion: version }));
  }
  if (!readiness.hasBillingAddress) {
    blockers.push(new HomeportError('billing-address-required', 'Add a billing address first', 'Add your billing address (Account → Details) before buying anything.'));
  }
  if (!(readiness.hasCard && readiness.cardPaymentAvailable) && !readiness.invoicePaymentEnabled) {
    const detail = readiness.cardPaymentAvailable
      ? 'Add a payment card (Account → Billing) before buying anything, or ask us to enable invoice payment for your account.'
      : 'This installation takes payment by invoice only: ask us to enable invoice payment for your account before buying anything.';
    blockers.push(new HomeportError('payment-method-required', 'Add a payment method first', detail, { cardPaymentAvailable: readiness.cardPaymentAvailable }));
  }
  return blockers;
}

export function assertMayPurchase(readiness: PurchaseReadiness): void {
  const [first] = purchaseBlockers(readiness);
  if (first) throw first;
}
