// A customer switches calls on or off for a host, and sees whether they work. Synapse reads its
// MatrixRTC settings from homeserver.yaml and clients find calls in the well-known the edge
// serves, so a change is applied by a rebuild.
import { callsProblem } from '../../domain/calls.ts';
import { callsNotOffered } from '../../contract/status-words.ts';
import { HomeportError } from '../../domain/errors.ts';
import { recordAudit } from '../../store/audit-log.ts';
import { setHostCalls } from '../../store/calls-keys.ts';
import { findAccountHost } from '../../store/hosts.ts';
import type { JobRow } from '../../store/schema.ts';
import type { HomeportContext } from '../../homeport-context.ts';
import { callsServiceUrlFor } from '../host-spec.ts';
import { queueRebuild } from './rebuild-host.ts';

export interface HostCallsState {
  offered: boolean;
  enabled: boolean;
  working: boolean;
  problem: string | null;
  serviceUrl: string | null;
}

async function stateOf(context: HomeportContext, host: { calls_enabled: boolean }): Promise<HostCallsState> {
  const installationCalls = context.config.calls.enabled;
  // Another replica runs the media server when this one has none: nothing to say about it here.
  const livekitRunning = installationCalls && host.calls_enabled && context.calls ? await context.calls.healthy() : undefined;
  const problem = callsProblem({ installationCalls, hostCalls: host.calls_enabled, livekitRunning });
  return { offered: installationCalls, enabled: host.calls_enabled, working: problem === null, problem, serviceUrl: callsServiceUrlFor(context.config, host) };
}

export async function hostCalls(context: HomeportContext, accountId: string, hostRef: string): Promise<HostCallsState> {
  return stateOf(context, await findAccountHost(context.db, accountId, hostRef));
}

export async function changeHostCalls(context: HomeportContext, accountId: string, hostRef: string, enabled: boolean): Promise<{ calls: HostCallsState; job: JobRow | null }> {
  const { host, job } = await context.db.transaction().execute(async (trx) => {
    const found = await findAccountHost(trx, accountId, hostRef);
    await trx.selectFrom('hosts').select('id').where('id', '=', found.id).forUpdate().execute();
    const current = await findAccountHost(trx, accountId, found.id);
    if (current.status === 'cancelling' || current.status === 'cancelled') {
      throw new HomeportError('host-busy', 'Host is cancelled', `Host ${current.label} is cancelled and cannot be changed.`);
    }
    // Nothing to switch on (hosts keep their own setting, on by default, for when the installation offers calls).
    if (enabled && !context.config.calls.enabled) throw new HomeportError('calls-not-offered', 'Calls not offered', callsNotOffered);
    if (current.calls_enabled === enabled) return { host: current, job: null };
    const changed = await setHostCalls(trx, current.id, enabled);
    const rebuild = await queueRebuild(trx, changed);
    await recordAudit(trx, { actorAccountId: accountId, actor: 'customer', action: 'host.calls', hostId: current.id, details: { enabled } });
    return { host: changed, job: rebuild };
  });
  return { calls: await stateOf(context, host), job };
}
