// A host's registration tokens: every host requires one to register, so these are its invitations.
// Created, changed and revoked through Homeport's admin access; every change is audited, the
// token itself only as a hint: anyone reading the audit log could otherwise register with it.
import { HomeportError, notFound } from '../../domain/errors.ts';
import { checkRegistrationTokenRequest, couldBeRegistrationToken } from '../../domain/registration-token.ts';
import { registrationSeatWarning } from '../../domain/seats.ts';
import { secretHint } from '../../domain/secret-hint.ts';
import type { RegistrationToken } from '../../synapse/admin-client.ts';
import { SynapseApiError } from '../../synapse/synapse-http.ts';
import { recordAudit } from '../../store/audit-log.ts';
import type { HostRow } from '../../store/schema.ts';
import type { HomeportContext } from '../../homeport-context.ts';
import { seatsInUse } from './host-seats.ts';
import { fromSynapseFailure, onSynapse, openServerAdmin } from './server-admin.ts';

export interface RegistrationTokenRequest {
  /** Absent: a random 16-character token. */
  token?: string;
  /** null: unlimited. */
  usesAllowed: number | null;
  /** An ISO 8601 date and time, or null: never expires. */
  expiresAt: string | null;
}

function expiryOf(expiresAt: string | null): Date | null {
  return expiresAt === null ? null : new Date(expiresAt);
}

function missingToken(host: HostRow, token: string): HomeportError {
  return notFound(`Registration token ${token} on host ${host.label}`);
}

export async function listHostRegistrationTokens(
  context: HomeportContext,
  accountId: string,
  hostRef: string,
  valid?: boolean,
): Promise<{ tokens: RegistrationToken[]; seatWarning: string | null }> {
  const { host, admin } = await openServerAdmin(context, accountId, hostRef);
  const tokens = await onSynapse(host, () => admin.listRegistrationTokens(valid));
  return { tokens, seatWarning: registrationSeatWarning(await seatsInUse(context, host), host.seats) };
}

export async function createHostRegistrationToken(
  context: HomeportContext,
  accountId: string,
  hostRef: string,
  request: RegistrationTokenRequest,
): Promise<{ token: RegistrationToken; seatWarning: string | null }> {
  const { host, admin } = await openServerAdmin(context, accountId, hostRef);
  const expiresAt = expiryOf(request.expiresAt);
  checkRegistrationTokenRequest({ token: request.token, usesAllowed: request.usesAllowed, expiresAt }, new Date());
  let created: RegistrationToken;
  try {
    created = await admin.createRegistrationToken({ token: request.token, usesAllowed: request.usesAllowed, expiryTime: expiresAt?.getTime() ?? null });
  } catch (error) {
    // Synapse refuses a chosen token that exists with a plain 400; that is a conflict for the customer.
    if (error instanceof SynapseApiError && error.status === 400 && /already exists/i.test(error.matrixError ?? '')) {
      throw new HomeportError('registration-token-exists', 'Registration token exists', `The registration token "${request.token ?? ''}" already exists on host ${host.label}.`);
    }
    throw fromSynapseFailure(host, error);
  }
  await recordAudit(context.db, {
    actorAccountId: accountId, actor: 'customer', action: 'host.registration-token.create', hostId: host.id,
    details: { token: secretHint(created.token), chosen: request.token !== undefined, usesAllowed: created.usesAllowed, expiresAt: request.expiresAt },
  });
  return { token: created, seatWarning: registrationSeatWarning(await seatsInUse(context, host), host.seats) };
}

export async function updateHostRegistrationToken(
  context: HomeportContext,
  accountId: string,
  hostRef: string,
  token: string,
  changes: Partial<Omit<RegistrationTokenRequest, 'token'>>,
): Promise<RegistrationToken> {
  const { host, admin } = await openServerAdmin(context, accountId, hostRef);
  const expiresAt = changes.expiresAt === undefined ? undefined : expiryOf(changes.expiresAt);
  checkRegistrationTokenRequest({ usesAllowed: changes.usesAllowed ?? null, expiresAt: expiresAt ?? null }, new Date());
  if (!couldBeRegistrationToken(token)) throw missingToken(host, token);
  const updated = await onSynapse(host, () => admin.updateRegistrationToken(token, {
    usesAllowed: changes.usesAllowed,
    expiryTime: expiresAt === undefined ? undefined : (expiresAt?.getTime() ?? null),
  }));
  if (!updated) throw missingToken(host, token);
  await recordAudit(context.db, {
    actorAccountId: accountId, actor: 'customer', action: 'host.registration-token.update', hostId: host.id,
    details: { token: secretHint(token), ...changes },
  });
  return updated;
}

/** Deletes the token: registrations that have not passed its stage yet can no longer use it. */
export async function revokeHostRegistrationToken(context: HomeportContext, accountId: string, hostRef: string, token: string): Promise<void> {
  const { host, admin } = await openServerAdmin(context, accountId, hostRef);
  if (!couldBeRegistrationToken(token) || !(await onSynapse(host, () => admin.deleteRegistrationToken(token)))) throw missingToken(host, token);
  await recordAudit(context.db, {
    actorAccountId: accountId, actor: 'customer', action: 'host.registration-token.revoke', hostId: host.id,
    details: { token: secretHint(token) },
  });
}

export async function showHostRegistrationToken(context: HomeportContext, accountId: string, hostRef: string, token: string): Promise<RegistrationToken> {
  const { host, admin } = await openServerAdmin(context, accountId, hostRef);
  const found = couldBeRegistrationToken(token) ? await onSynapse(host, () => admin.getRegistrationToken(token)) : null;
  if (!found) throw missingToken(host, token);
  return found;
}
