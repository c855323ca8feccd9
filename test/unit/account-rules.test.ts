// Password policy, account details, the purchase rules and required actions.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { requiredAction } from '../../src/domain/account-restrictions.ts';
import { checkAccountDetails } from '../../src/domain/account-details.ts';
import { passwordProblem } from '../../src/domain/password-policy.ts';
import { purchaseBlockers } from '../../src/domain/purchase-rules.ts';

test('a password needs at least 12 characters', () => {
  assert.match(passwordProblem('short-pass1') ?? '', /at least 12 characters/);
  assert.equal(passwordProblem('twelve chars'), undefined);
  assert.equal(passwordProblem('ünïcödé-pässwörd'), undefined);
});

test('a password may not be one repeated character, the email address or absurdly long', () => {
  assert.match(passwordProblem('aaaaaaaaaaaaaaaa') ?? '', /repeated/);
  assert.match(passwordProblem('Someone@Example.org', 'someone@example.org') ?? '', /email/);
  assert.match(passwordProblem('x'.repeat(200) + 'y'.repeat(100)) ?? '', /at most 256/);
});

const person = { name: 'Ada', companyName: null, vatId: null, billingAddress: null };

test('a business with a VAT ID must give its company name', () => {
  const { problems } = checkAccountDetails({ ...person, vatId: 'DE123456789' });
  assert.deepEqual(problems, [{ field: 'companyName', message: 'A business with a VAT ID must give its company name.' }]);
  const ok = checkAccountDetails({ ...person, vatId: 'de 123 456 789', companyName: ' Acme GmbH ' });
  assert.deepEqual(ok.problems, []);
  assert.equal(ok.details.vatId, 'DE123456789');
  assert.equal(ok.details.companyName, 'Acme GmbH');
});

test('reports a malformed VAT ID and an incomplete billing address field by field', () => {
  const { problems } = checkAccountDetails({
    ...person, companyName: 'Acme', vatId: 'DE1234',
    billingAddress: { line1: ' ', postalCode: '10115', city: 'Berlin', country: 'XX' },
  });
  assert.deepEqual(problems.map((p) => p.field), ['vatId', 'billingAddress.line1', 'billingAddress.country']);
});

test('billing countries are ISO 3166-1 codes, given in any case', () => {
  const { details, problems } = checkAccountDetails({ ...person, billingAddress: { line1: 'Main St 1', line2: '', postalCode: '1010', city: 'Wien', country: 'at' } });
  assert.deepEqual(problems, []);
  assert.equal(details.billingAddress?.country, 'AT');
  assert.equal(details.billingAddress?.line2, null);
  for (const country of ['EU', 'ZZ', 'QQ', 'DEU']) {
    assert.equal(checkAccountDetails({ ...person, billingAddress: { line1: 'x', postalCode: '1', city: 'y', country } }).problems.length, 1, country);
  }
});

test('buying needs a verified email, the current terms, a billing address and a way to pay', () => {
  const ready = { emailVerified: true, currentTermsVersion: null, acceptedCurrentTerms: true, hasBillingAddress: true, hasCard: false, invoicePaymentEnabled: true, cardPaymentAvailable: false };
  assert.deepEqual(purchaseBlockers(ready), []);
  assert.deepEqual(purchaseBlockers({ ...ready, invoicePaymentEnabled: false, hasCard: true, cardPaymentAvailable: true }), []);
  const blockers = purchaseBlockers({ ...ready, emailVerified: false, currentTermsVersion: '2026-11', acceptedCurrentTerms: false, hasBillingAddress: false, invoicePaymentEnabled: false });
  assert.deepEqual(blockers.map((b) => b.code), ['email-not-verified', 'terms-not-accepted', 'billing-address-required', 'payment-method-required']);
  assert.match(blockers[1]?.message ?? '', /version 2026-11/);
  assert.equal(blockers[1]?.extra.termsVersion, '2026-11');
  assert.match(blockers[3]?.message ?? '', /invoice only/, 'without Stripe, the blocker says only invoice payment is offered');
  const cardWithoutStripe = purchaseBlockers({ ...ready, invoicePaymentEnabled: false, hasCard: true, cardPaymentAvailable: false });
  assert.deepEqual(cardWithoutStripe.map((b) => b.code), ['payment-method-required'], 'a saved card does not count once Stripe is no longer configured');
  assert.match(purchaseBlockers({ ...ready, invoicePaymentEnabled: false, cardPaymentAvailable: true })[0]?.message ?? '', /payment card/);
});

test('a one-time password must be changed first, then 2FA enrolled when the operator requires it', () => {
  assert.equal(requiredAction({ passwordChangeRequired: true, twoFactorEnabled: false }, true), 'password-change');
  assert.equal(requiredAction({ passwordChangeRequired: false, twoFactorEnabled: false }, true), 'two-factor-enrolment');
  assert.equal(requiredAction({ passwordChangeRequired: false, twoFactorEnabled: false }, false), undefined);
  assert.equal(requiredAction({ passwordChangeRequired: false, twoFactorEnabled: true }, true), undefined);
});
