// Homeport's typed errors: domain and services throw these; the API maps each code to a status once.
export type ErrorCode =
  | 'invalid-input'
  | 'openid-token-invalid'
  | 'call-token-refused'
  | 'calls-unavailable'
  | 'calls-not-offered'
  | 'unauthenticated'
  | 'not-found'
  | 'hostname-invalid'
  | 'hostname-taken'
  | 'size-unknown'
  | 'seats-below-minimum'
  | 'seats-cannot-decrease'
  | 'confirmation-mismatch'
  | 'host-busy'
  | 'email-taken'
  | 'localpart-invalid'
  | 'user-exists'
  | 'user-deactivated'
  | 'seat-limit-reached'
  | 'password-invalid'
  | 'registration-token-invalid'
  | 'registration-token-exists'
  | 'host-unavailable'
  | 'password-too-weak'
  | 'invalid-credentials'
  | 'second-factor-required'
  | 'second-factor-invalid'
  | 'second-factor-enabled'
  | 'too-many-attempts'
  | 'account-suspended'
  | 'action-required'
  | 'csrf-failed'
  | 'link-invalid'
  | 'two-factor-not-started'
  | 'email-not-verified'
  | 'terms-not-accepted'
  | 'terms-outdated'
  | 'terms-version-exists'
  | 'account-details-invalid'
  | 'custom-dns-invalid'
  | 'domain-taken'
  | 'no-custom-dns'
  | 'look-and-feel-invalid'
  | 'passphrase-invalid'
  | 'passphrase-wrong'
  | 'link-expired'
  | 'import-invalid'
  | 'schema-too-new'
  | 'disk-too-small'
  | 'capacity-full'
  | 'runtime-unsupported'

  | 'billing-address-required'
  | 'payment-method-required'
  | 'payment-failed'
  | 'card-payment-unavailable'
  | 'coupon-unknown'
  | 'coupon-not-applicable'
  | 'coupon-exists'
  | 'invoice-not-payable'
  | 'seller-details-missing'
  | 'seller-details-invalid'
  | 'webhook-signature-invalid'
  | 'vat-id-unknown'
  | 'vies-unavailable'
  | 'upload-closed'
  | 'upload-offset-mismatch'
  | 'release-not-installed'
  | 'rollout-running'
  | 'nothing-to-upgrade';

export class HomeportError extends Error {
  readonly code: ErrorCode;
  readonly title: string;
  readonly extra: Record<string, unknown>;

  constructor(code: ErrorCode, title: string, detail: string, extra: Record<string, unknown> = {}) {
    super(detail);
    this.name = 'HomeportError';
    this.code = code;
    this.title = title;
    this.extra = extra;
  }
}

export function notFound(what: string): HomeportError {
  return new HomeportError('not-found', 'Not found', `${what} does not exist.`);
}
