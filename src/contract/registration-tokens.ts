// A host's registration token as the API shows it, and the bodies that create and change one.
import { Type } from 'typebox';
import { registrationTokenLength } from '../domain/registration-token.ts';
import { int4Max, int4Min } from './input-text.ts';

const UsesAllowed = Type.Union([Type.Integer({ minimum: int4Min, maximum: int4Max }), Type.Null()], { description: 'How many registrations may complete with it, at least 1; null for unlimited' });
const ExpiresAt = Type.Union([Type.String({ format: 'date-time', maxLength: 40 }), Type.Null()], { description: 'When it stops working, in the future; null for never' });

export const RegistrationToken = Type.Object({
  token: Type.String(),
  usesAllowed: Type.Union([Type.Integer(), Type.Null()]),
  pending: Type.Integer({ description: 'Registrations that passed the token stage and have not finished yet (also those the homeserver refused at the seat limit)' }),
  completed: Type.Integer({ description: 'Registrations completed with it' }),
  expiresAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  usable: Type.Boolean({ description: 'Not expired and not used up' }),
});

const SeatWarning = Type.String({ description: 'Set when every seat is in use: registrations with any token are refused until more seats are bought' });

export const RegistrationTokenList = Type.Object({
  tokens: Type.Array(RegistrationToken),
  seatWarning: Type.Union([SeatWarning, Type.Null()]),
});

export const CreatedRegistrationToken = Type.Object({ ...RegistrationToken.properties, seatWarning: Type.Optional(SeatWarning) });

export const RegistrationTokenParams = Type.Object({
  id: Type.String({ maxLength: 100, description: 'Host id or label' }),
  token: Type.String({ maxLength: 100 }),
});

export const RegistrationTokenQuery = Type.Object({
  usable: Type.Optional(Type.Boolean({ description: 'true: only usable tokens; false: only expired or used-up ones' })),
});

export const CreateRegistrationTokenBody = Type.Object(
  {
    token: Type.Optional(Type.String({
      maxLength: 200,
      description: `A chosen token of ${registrationTokenLength.min}-${registrationTokenLength.max} letters, digits and . _ ~ -; leave it out for a random one`,
    })),
    usesAllowed: UsesAllowed,
    expiresAt: ExpiresAt,
  },
  { additionalProperties: false },
);

export const UpdateRegistrationTokenBody = Type.Object(
  { usesAllowed: Type.Optional(UsesAllowed), expiresAt: Type.Optional(ExpiresAt) },
  { additionalProperties: false, minProperties: 1 },
);
