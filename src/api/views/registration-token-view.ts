// How Synapse's registration token becomes the API's, with whether it is still usable.
import type { Static } from 'typebox';
import type { RegistrationToken } from '../../contract/registration-tokens.ts';
import { isRegistrationTokenUsable } from '../../domain/registration-token.ts';
import type { RegistrationToken as SynapseRegistrationToken } from '../../synapse/admin-client.ts';

export function registrationTokenView(token: SynapseRegistrationToken, now = new Date()): Static<typeof RegistrationToken> {
  const expiresAt = token.expiryTime === null ? null : new Date(token.expiryTime);
  return {
    token: token.token,
    usesAllowed: token.usesAllowed,
    pending: token.pending,
    completed: token.completed,
    expiresAt: expiresAt?.toISOString() ?? null,
    usable: isRegistrationTokenUsable({ ...token, expiresAt }, now),
  };
}
