// A host's Matrix users, managed by the customer through Homeport's admin access: list, add,
// make or unmake server admin, reset a password, deactivate. Every change is audited; no password is kept.
import { sql } from 'kysely';
import { checkChosenPassword } from '../../domain/chosen-password.ts';
import { HomeportError, notFound } from '../../domain/errors.ts';
import { checkNewLocalpart, userIdFor, userIdOnServer } from '../../domain/matrix-localpart.ts';
import type { SynapseUser, UserPage } from '../../synapse/admin-client.ts';
import { generatePassword } from '../../synapse/host-secrets.ts';
import { seatLimitReached } from '../../domain/seats.ts';
import { recordAudit } from '../../store/audit-log.ts';
import type { HostRow } from '../../store/schema.ts';
import { adminLocalpart } from '../host-admin-access.ts';
import type { HomeportContext } from '../../homeport-context.ts';
import { seatsInUse } from './host-seats.ts';
import { onSynapse, openServerAdmin, type ServerAdmin } from './server-admin.ts';

export { adminRightsRemoved, adminRightsWarning, keyBackupWarning, passwordShownOnce } from '../../contract/customer-warnings.ts';

export interface UserListRequest {
  from?: number;
  limit?: number;
  search?: string;
  includeDeactivated?: boolean;
}

/** The hidden admin user's display name, as Homeport registers it on every host. */
const homeportDisplayName = 'homeport';

/**
 * Whether Synapse's search (a substring of the user ID or display name) also finds Homeport's
 * own user, so that the total the customer sees does not count it.
 */
function searchFindsHomeportUser(search: string | undefined): boolean {
  const term = (search ?? '').toLowerCase();
  return adminLocalpart.includes(term) || homeportDisplayName.includes(term);
}

export async function listHostUsers(context: HomeportContext, accountId: string, hostRef: string, request: UserListRequest): Promise<UserPage> {
  const { host, admin, homeportUserId } = await openServerAdmin(context, accountId, hostRef);
  const page = await onSynapse(host, () => admin.listUsers({
    from: request.from, limit: request.limit, name: request.search, includeDeactivated: request.includeDeactivated,
  }));
  const users = page.users.filter((user) => user.userId !== homeportUserId);
  const hidden = users.length < page.users.length || searchFindsHomeportUser(request.search);
  return { users, nextToken: page.nextToken, total: Math.max(0, page.total - (hidden ? 1 : 0)) };
}

/** The user `reference` names on this host; anything else (another server, Homeport's own user) is "not found". */
async function findHostUser(server: ServerAdmin, reference: string): Promise<SynapseUser> {
  const { host, admin, homeportUserId } = server;
  const missing = notFound(`User ${reference} on host ${host.label}`);
  const userId = userIdOnServer(reference, host.server_name);
  if (userId === undefined || userId === homeportUserId) throw missing;
  const user = await onSynapse(host, () => admin.getUser(userId));
  if (!user) throw missing;
  return user;
}

function refuseIfDeactivated(host: HostRow, user: SynapseUser, action: string): void {
  if (user.deactivated) {
    throw new HomeportError('user-deactivated', 'User is deactivated', `${user.userId} is deactivated on host ${host.label}; a deactivated user cannot ${action}.`);
  }
}

export async function showHostUser(context: HomeportContext, accountId: string, hostRef: string, userRef: string): Promise<SynapseUser> {
  return findHostUser(await openServerAdmin(context, accountId, hostRef), userRef);
}

export interface NewHostUser {
  username: string;
  displayName?: string;
  admin?: boolean;
}

/**
 * Synapse's "create or modify user" call overwrites an existing user's password, so the
 * existence check and the creation run under a lock: a double-submitted form gets "exists"
 * instead of silently replacing the password it has just shown.
 */
async function underUserLock<T>(context: HomeportContext, hostId: string, userId: string, action: () => Promise<T>): Promise<T> {
  return context.db.transaction().execute(async (trx) => {
    await sql`SELECT pg_advisory_xact_lock(hashtextextended(${`host-user:${hostId}:${userId}`}, 0))`.execute(trx);
    return action();
  });
}

export async function addHostUser(
  context: HomeportContext,
  accountId: string,
  hostRef: string,
  request: NewHostUser,
): Promise<{ user: SynapseUser; password: string }> {
  const { host, admin } = await openServerAdmin(context, accountId, hostRef);
  checkNewLocalpart(request.username, host.server_name);
  if (request.username === adminLocalpart) {
    throw new HomeportError('localpart-invalid', 'Invalid username', `The username "${adminLocalpart}" is reserved for Homeport.`, { reason: 'reserved' });
  }
  // Synapse would create the user, who then could not log in: tell the truth before creating it.
  const used = await seatsInUse(context, host);
  if (used !== null && used >= host.seats) throw seatLimitReached(used, host.seats, host.label);
  const userId = userIdFor(request.username, host.server_name);
  const password = generatePassword();
  const user = await underUserLock(context, host.id, userId, async () => {
    if (await onSynapse(host, () => admin.getUser(userId))) {
      throw new HomeportError('user-exists', 'User exists', `${userId} already exists on host ${host.label} (deactivated users keep their name).`);
    }
    return onSynapse(host, () => admin.upsertUser(userId, { password, displayname: request.displayName, admin: request.admin ?? false }));
  });
  await recordAudit(context.db, {
    actorAccountId: accountId, actor: 'customer', action: 'host.user.add', hostId: host.id,
    details: { userId, admin: user.admin, displayName: request.displayName ?? null },
  });
  return { user, password };
}

export async function setHostUserAdmin(context: HomeportContext, accountId: string, hostRef: string, userRef: string, makeAdmin: boolean): Promise<SynapseUser> {
  const server = await openServerAdmin(context, accountId, hostRef);
  const { host, admin } = server;
  const user = await findHostUser(server, userRef);
  if (makeAdmin) refuseIfDeactivated(host, user, 'become a server admin');
  await onSynapse(host, () => admin.setAdmin(user.userId, makeAdmin));
  await recordAudit(context.db, {
    actorAccountId: accountId, actor: 'customer', action: makeAdmin ? 'host.user.admin-granted' : 'host.user.admin-revoked', hostId: host.id,
    details: { userId: user.userId },
  });
  return { ...user, admin: makeAdmin };
}

/** Sets a chosen or generated password and ends every session; a generated password is returned once. */
export async function resetHostUserPassword(
  context: HomeportContext,
  accountId: string,
  hostRef: string,
  userRef: string,
  chosenPassword?: string,
): Promise<{ user: SynapseUser; generatedPassword: string | undefined }> {
  const server = await openServerAdmin(context, accountId, hostRef);
  const { host, admin } = server;
  if (chosenPassword !== undefined) checkChosenPassword(chosenPassword);
  const user = await findHostUser(server, userRef);
  refuseIfDeactivated(host, user, 'have its password reset');
  const newPassword = chosenPassword ?? generatePassword();
  const generatedPassword = chosenPassword === undefined ? newPassword : undefined;
  await onSynapse(host, () => admin.resetPassword(user.userId, newPassword, true));
  await recordAudit(context.db, {
    actorAccountId: accountId, actor: 'customer', action: 'host.user.password-reset', hostId: host.id,
    details: { userId: user.userId, generated: generatedPassword !== undefined, loggedOut: true },
  });
  return { user, generatedPassword };
}

/** Deactivates for good, confirmed by the full user ID typed again; `erase` also forgets the user's messages. */
export async function deactivateHostUser(
  context: HomeportContext,
  accountId: string,
  hostRef: string,
  userRef: string,
  request: { erase: boolean; confirm: string },
): Promise<SynapseUser> {
  const server = await openServerAdmin(context, accountId, hostRef);
  const { host, admin } = server;
  const user = await findHostUser(server, userRef);
  if (request.confirm !== user.userId) {
    throw new HomeportError('confirmation-mismatch', 'Confirmation does not match', `Type the full user ID "${user.userId}" to confirm deactivating this user.`);
  }
  await onSynapse(host, () => admin.deactivate(user.userId, request.erase));
  await recordAudit(context.db, {
    actorAccountId: accountId, actor: 'customer', action: 'host.user.deactivate', hostId: host.id,
    details: { userId: user.userId, erase: request.erase },
  });
  return (await onSynapse(host, () => admin.getUser(user.userId))) ?? { ...user, deactivated: true };
}
