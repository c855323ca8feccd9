// An earlier client domain of a host as the API shows it, and the "moved" switch.
import { Type } from 'typebox';

export const PreviousClientDomain = Type.Object({
  domain: Type.String(),
  moved: Type.Boolean({ description: 'True: every request gets 401 M_UNKNOWN_TOKEN "Server moved, please log in again."' }),
  replacedAt: Type.String({ format: 'date-time' }),
  movedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
});

export const PreviousDomainParams = Type.Object({
  id: Type.String({ maxLength: 100, description: 'Host id or label' }),
  domain: Type.String({ maxLength: 300 }),
});

export const MovedBody = Type.Object({ moved: Type.Boolean() }, { additionalProperties: false });
