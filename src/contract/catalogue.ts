// What can be bought (sizes) and whether a hostname label is free, as the API shows them.
import { Type } from 'typebox';

export const Size = Type.Object({
  name: Type.String(),
  title: Type.String(),
  pricePerSeatMinor: Type.Integer({ description: 'Price per seat per month in minor units (cents)' }),
  currency: Type.String(),
  minSeats: Type.Integer(),
  maxSeats: Type.Integer(),
  maxUploadSize: Type.String(),
});

export const Availability = Type.Object({
  label: Type.String(),
  hostname: Type.String(),
  available: Type.Boolean(),
  reason: Type.Optional(Type.String({ description: 'taken, too-short, too-long, invalid-characters, hyphen-at-edge, punycode or reserved' })),
  detail: Type.Optional(Type.String()),
});

export const CustomDnsCheckBody = Type.Object({
  homeserverDomain: Type.String({ maxLength: 300 }),
  clientDomain: Type.String({ maxLength: 300 }),
}, { additionalProperties: false });

export const CustomDnsCheck = Type.Object({
  valid: Type.Boolean(),
  problems: Type.Array(Type.Object({
    field: Type.Union([Type.Literal('homeserverDomain'), Type.Literal('clientDomain')]),
    message: Type.String({ description: 'A sentence for the customer, shown at the field' }),
  })),
});
