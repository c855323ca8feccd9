// The account resource as the API shows it, and the bodies of sign-up, login and account changes.
import { Type } from 'typebox';
import { passwordLength } from '../domain/password-policy.ts';
import { Nullable } from './nullable.ts';

export const Email = Type.String({ format: 'email', maxLength: 254 });

export const Password = Type.String({ maxLength: passwordLength.max, description: `At least ${passwordLength.min} characters` });

export const BillingAddress = Type.Object(
  {
    line1: Type.String({ maxLength: 200 }),
    line2: Type.Optional(Nullable(Type.String({ maxLength: 200 }))),
    postalCode: Type.String({ maxLength: 20 }),
    city: Type.String({ maxLength: 100 }),
    country: Type.String({ maxLength: 2, description: 'ISO 3166-1 alpha-2 code, e.g. DE' }),
  },
  { additionalProperties: false },
);

export const AccountView = Type.Object({
  id: Type.String({ format: 'uuid' }),
  email: Type.String(),
  name: Type.String(),
  companyName: Nullable(Type.String()),
  vatId: Nullable(Type.String()),
  vatIdCheck: Nullable(Type.Object({
    checkedAt: Type.String({ format: 'date-time' }),
    requestIdentifier: Nullable(Type.String({ description: 'VIES\'s consultation number, when it gave one' })),
  }, { description: 'The VIES check that confirmed the current VAT ID; null when VIES has not confirmed it (or this installation does not ask VIES)' })),
  billingAddress: Nullable(Type.Object({ line1: Type.String(), line2: Nullable(Type.String()), postalCode: Type.String(), city: Type.String(), country: Type.String() })),
  emailVerified: Type.Boolean(),
  isOperator: Type.Boolean(),
  twoFactorEnabled: Type.Boolean(),
  unusedRecoveryCodes: Type.Integer(),
  requiredAction: Nullable(Type.String({ description: 'password-change or two-factor-enrolment: the only thing the account may do until it is done' })),
  terms: Type.Object({ currentVersion: Nullable(Type.String()), accepted: Type.Boolean() }),
  purchaseBlockers: Type.Array(Type.Object({ code: Type.String(), detail: Type.String() }), { description: 'Why the account cannot buy yet; empty when it can' }),
  createdAt: Type.String({ format: 'date-time' }),
});

export const SessionView = Type.Object({
  account: AccountView,
  authenticatedBy: Type.Union([Type.Literal('session'), Type.Literal('token')]),
  csrfToken: Nullable(Type.String({ description: 'Send it as X-CSRF-Token with every change made with the session cookie' })),
});

export const RegisterBody = Type.Object(
  { email: Email, name: Type.String({ minLength: 1, maxLength: 200 }), password: Password },
  { additionalProperties: false },
);

export const LogInBody = Type.Object(
  { email: Type.String({ maxLength: 254 }), password: Type.String({ maxLength: 1024 }), code: Type.Optional(Type.String({ maxLength: 40, description: 'TOTP code or recovery code, when two-factor authentication is on' })) },
  { additionalProperties: false },
);

export const UpdateAccountBody = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    companyName: Type.Optional(Nullable(Type.String({ maxLength: 200 }))),
    vatId: Type.Optional(Nullable(Type.String({ maxLength: 30, description: 'EU VAT ID with its country prefix, e.g. DE123456789' }))),
    billingAddress: Type.Optional(Nullable(BillingAddress)),
  },
  { additionalProperties: false, minProperties: 1 },
);

export const ChangePasswordBody = Type.Object({ currentPassword: Type.String({ maxLength: 1024 }), newPassword: Password }, { additionalProperties: false });

export const TokenBody = Type.Object({ token: Type.String({ maxLength: 200 }) }, { additionalProperties: false });

export const CodeBody = Type.Object({ code: Type.String({ maxLength: 40 }) }, { additionalProperties: false });

export const TwoFactorProofBody = Type.Object({
  password: Type.String({ maxLength: 1024 }),
  code: Type.String({ maxLength: 40, description: 'A current code from the app, or an unused recovery code' }),
}, { additionalProperties: false });
