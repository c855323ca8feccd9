// What an account needs before it may buy anything: a verified email and the current terms accepted.
import { HomeportError } from './errors.ts';

export interface PurchaseReadiness {
  emailVerified: boolean;
  /** The current terms version, or null when the operator has published none. */
  currentTermsVersion: string | null;
  acceptedCurrentTerms: boolean;
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
  return blockers;
}

export function assertMayPurchase(readiness: PurchaseReadiness): void {
  const [first] = purchaseBlockers(readiness);
  if (first) throw first;
}
