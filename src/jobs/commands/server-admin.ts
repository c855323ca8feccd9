// What every server-admin use case starts from: the customer's own running host and Homeport's
// admin client for it; and the one translation of Synapse's failures into Homeport's errors.
import { HomeportError } from '../../domain/errors.ts';
import { userIdFor } from '../../domain/matrix-localpart.ts';
import type { SynapseAdminClient } from '../../synapse/admin-client.ts';
import { SynapseApiError } from '../../synapse/synapse-http.ts';
import { findAccountHost } from '../../store/hosts.ts';
import type { HostRow, HostStatus } from '../../store/schema.ts';
import { intactAdminClient } from '../admin-access-repair.ts';
import { adminLocalpart } from '../host-admin-access.ts';
import { hostAllocated } from '../host-spec.ts';
import type { HomeportContext } from '../../homeport-context.ts';

/**
 * A degraded host is being restarted by the supervisor; its admin API usually answers again within
 * seconds. A sleeping host is woken first.
 */
const manageableStatuses: HostStatus[] = ['running', 'degraded', 'sleeping'];

export interface ServerAdmin {
  host: HostRow;
  admin: SynapseAdminClient;
  /** Homeport's own admin user: customers never see it, change it or deactivate it. */
  homeportUserId: string;
}

function unavailable(host: HostRow, detail: string): HomeportError {
  return new HomeportError('host-unavailable', 'Homeserver unavailable', detail, { hostStatus: host.status });
}

/** The account's host (another account's host is "not found"), if it runs, with Homeport's admin client. */
export async function openServerAdmin(context: HomeportContext, accountId: string, hostRef: string): Promise<ServerAdmin> {
  const host = await findAccountHost(context.db, accountId, hostRef);
  if (!manageableStatuses.includes(host.status) || !hostAllocated(host)) {
    throw new HomeportError(
      'host-busy',
      'Host is not running',
      `Host ${host.label} is ${host.status}: its users and registration tokens can be managed once it is running.`,
      { hostStatus: host.status },
    );
  }
  let admin: SynapseAdminClient;
  try {
    await context.runtime.wake(host.id);
    // Checked on every use: a change made inside the host is repaired before it can stop the customer.
    admin = await intactAdminClient(context, { id: host.id, server_name: host.server_name });
  } catch (error) {
    if (isTimeoutOrNetworkFailure(error)) throw unavailable(host, `The homeserver of host ${host.label} did not answer; try again in a moment.`);
    context.logger.error({ host: host.label, err: error }, "Homeport's admin access could not be restored");
    throw unavailable(host, `Homeport's admin access to host ${host.label} could not be restored; rebuild the host to restore it.`);
  }
  return { host, admin, homeportUserId: userIdFor(adminLocalpart, host.server_name) };
}

function isTimeoutOrNetworkFailure(error: unknown): boolean {
  // fetch reports a refused or broken connection as TypeError("fetch failed"), with the reason as its cause.
  if (error instanceof TypeError) return error.message === 'fetch failed';
  const name = (error as { name?: string } | null)?.name;
  return name === 'TimeoutError' || name === 'AbortError';
}

/** Homeport's error for a failed Synapse call, or the error itself when it is a bug of ours (a logged 500). */
export function fromSynapseFailure(host: HostRow, error: unknown): unknown {
  if (isTimeoutOrNetworkFailure(error)) {
    return unavailable(host, `The homeserver of host ${host.label} did not answer; try again in a moment.`);
  }
  if (!(error instanceof SynapseApiError)) return error;
  if (error.status === 401 || error.status === 403) {
    return unavailable(host, `Homeport's admin access to host ${host.label} stopped working; rebuild the host to restore it.`);
  }
  if (error.status >= 500) return unavailable(host, `The homeserver of host ${host.label} failed to answer (HTTP ${error.status}); try again in a moment.`);
  if (error.errcode === 'M_USER_IN_USE') return new HomeportError('user-exists', 'User exists', `That username is already taken on host ${host.label}.`);
  if (error.errcode === 'M_INVALID_USERNAME') return new HomeportError('localpart-invalid', 'Invalid username', `The homeserver refused the username: ${error.matrixError ?? 'invalid'}.`);
  return error;
}

/** Runs one Synapse call, translating its failure. */
export async function onSynapse<T>(host: HostRow, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw fromSynapseFailure(host, error);
  }
}
