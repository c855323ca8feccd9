// Homeport's access to a host must survive whatever happens inside it. The edge refuses the admin
// API calls aimed at Homeport's user; if its user is changed anyway (straight in the database, or
// by a path the edge does not know), this puts it back: the row repaired in the host's database,
// Synapse restarted (it caches users), and a working token obtained again.
import { userIdFor } from '../domain/matrix-localpart.ts';
import type { SynapseAdminClient } from '../synapse/admin-client.ts';
import { restoreHomeportUserRow } from '../synapse/homeport-user-rows.ts';
import { SynapseApiError } from '../synapse/synapse-http.ts';
import { recordAudit } from '../store/audit-log.ts';
import { loadHostSecrets } from '../store/host-secrets.ts';
import { adminClientFor, adminLocalpart, ensureAdminAccess } from './host-admin-access.ts';
import { loadHostSpec } from './host-spec.ts';
import type { HomeportContext } from '../homeport-context.ts';

const restartTimeoutMs = 5 * 60_000;

/** Whether the client's user is still an active, unlocked server admin of type `support`. */
export async function adminAccessIntact(admin: SynapseAdminClient, homeportUserId: string): Promise<boolean> {
  try {
    const user = await admin.getUser(homeportUserId);
    return user !== null && user.admin && !user.deactivated && !user.locked && user.userType === 'support';
  } catch (error) {
    // 401: the token was logged out or the user locked; 403: no longer a server admin.
    if (error instanceof SynapseApiError && (error.status === 401 || error.status === 403)) return false;
    throw error;
  }
}

async function tryEnsure(context: HomeportContext, hostId: string): Promise<SynapseAdminClient | undefined> {
  try {
    return await ensureAdminAccess(context, await loadHostSpec(context, hostId));
  } catch (error) {
    // Synapse answered (e.g. M_USER_DEACTIVATED, M_FORBIDDEN): a repair can help; a dead host cannot be repaired here.
    if (error instanceof SynapseApiError && error.status < 500) return undefined;
    throw error;
  }
}

async function restore(context: HomeportContext, hostId: string): Promise<SynapseAdminClient> {
  const spec = await loadHostSpec(context, hostId);
  const homeportUserId = userIdFor(adminLocalpart, spec.serverName);
  const first = await tryEnsure(context, hostId);
  if (first && (await adminAccessIntact(first, homeportUserId))) return first;

  context.logger.warn({ host: spec.label }, "Homeport's admin user was changed inside the host; restoring it");
  const password = (await loadHostSecrets(context.db, context.box, hostId)).adminPassword;
  if (!password) throw new Error("the host's admin password has not been generated yet");
  const passwordHash = await context.synapseTooling.passwordHash(password, spec.secrets.pepper);
  const existed = await context.portability.withDatabase(spec.database, (client) => restoreHomeportUserRow(client, homeportUserId, passwordHash));
  if (existed) {
    await context.runtime.stop(hostId);
    await context.runtime.start(spec);
    await context.runtime.waitHealthy(spec, restartTimeoutMs);
  }
  const admin = await ensureAdminAccess(context, spec);
  if (!(await adminAccessIntact(admin, homeportUserId))) throw new Error(`Homeport's admin user on host ${spec.label} could not be restored`);
  await recordAudit(context.db, { actorAccountId: null, actor: 'homeport', action: 'host.admin-access-restored', hostId });
  return admin;
}

/** One repair per host at a time: concurrent callers share it. */
const repairs = new Map<string, Promise<SynapseAdminClient>>();

/** A working admin client for the host, with Homeport's user restored first if it had been changed. */
export function restoreAdminAccess(context: HomeportContext, hostId: string): Promise<SynapseAdminClient> {
  const running = repairs.get(hostId);
  if (running) return running;
  const repair = restore(context, hostId).finally(() => repairs.delete(hostId));
  repairs.set(hostId, repair);
  return repair;
}

/** The host's admin client after a cheap check (one admin API call); repaired when the check fails. */
export async function intactAdminClient(context: HomeportContext, host: { id: string; server_name: string }): Promise<SynapseAdminClient> {
  const admin = await adminClientFor(context, host.id).catch(() => undefined);
  if (admin && (await adminAccessIntact(admin, userIdFor(adminLocalpart, host.server_name)))) return admin;
  return restoreAdminAccess(context, host.id);
}
