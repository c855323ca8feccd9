// Synapse upgrades as the operator and the customer use them: starting a rollout of an installed
// release (operator), reading its progress, and a host's maintenance window (its owner).
import { compareReleases } from '../../domain/synapse-release.ts';
import { HomeportError, notFound } from '../../domain/errors.ts';
import { recordAudit } from '../../store/audit-log.ts';
import { findAccountHost } from '../../store/hosts.ts';
import type { HostRow, SynapseRolloutRow } from '../../store/schema.ts';
import {
  createRollout, findRollout, hostsPerRelease, queueRolloutPass, rolloutHosts, runningRollout, type RolloutHostWithLabel,
} from '../../store/synapse-rollouts.ts';
import type { HomeportContext } from '../../homeport-context.ts';

export interface RolloutRequest {
  release: string;
  /** A host's label or id; the first host in line when not given. */
  canary?: string;
  batchSize: number;
  /** A security release: maintenance windows are not waited for. */
  urgent: boolean;
}

export interface RolloutProgress {
  rollout: SynapseRolloutRow;
  hosts: RolloutHostWithLabel[];
}

/** Hosts an upgrade can be started on now or later in the rollout: every live, built host. */
const rolledOutStatuses: HostRow['status'][] = ['running', 'degraded', 'sleeping'];

export async function startRollout(context: HomeportContext, operatorId: string, request: RolloutRequest): Promise<RolloutProgress> {
  const installed = await context.synapseReleases.installedReleases();
  if (!installed.includes(request.release)) {
    const message = `Synapse ${request.release} is not installed; installed: ${installed.join(', ')}. Run \`homeport synapse install ${request.release}\` first.`;
    throw new HomeportError('release-not-installed', 'Release not installed', message, { errors: [{ field: 'release', message }] });
  }
  const rollout = await context.db.transaction().execute(async (trx) => {
    if (await runningRollout(trx)) throw new HomeportError('rollout-running', 'A rollout is running', 'Another Synapse rollout is still running; wait for it to finish.');
    const candidates = await trx.selectFrom('hosts').select(['id', 'label', 'synapse_release']).where('status', 'in', rolledOutStatuses)
      .where('synapse_release', 'is not', null).orderBy('created_at').execute();
    // Never a downgrade: a database migrated by a newer release may not run on an older one.
    const hosts = candidates.filter((host) => compareReleases(request.release, host.synapse_release ?? request.release) > 0);
    if (hosts.length === 0) {
      const message = `No host runs a Synapse older than ${request.release}.`;
      throw new HomeportError('nothing-to-upgrade', 'Nothing to upgrade', message, { errors: [{ field: 'release', message }] });
    }
    const canary = request.canary === undefined ? hosts[0] : hosts.find((host) => host.id === request.canary || host.label === request.canary);
    if (!canary) {
      const message = `No host named ${request.canary} runs a Synapse older than ${request.release}.`;
      throw new HomeportError('not-found', 'Not found', message, { errors: [{ field: 'canary', message }] });
    }
    const ordered = [canary, ...hosts.filter((host) => host.id !== canary.id)];
    const created = await createRollout(trx, {
      targetRelease: request.release, canaryHostId: canary.id, batchSize: request.batchSize, urgent: request.urgent, createdBy: operatorId,
    }, ordered.map((host) => ({ id: host.id, release: host.synapse_release ?? request.release })));
    await queueRolloutPass(trx, created.id, new Date());
    await recordAudit(trx, {
      actorAccountId: operatorId, actor: 'operator', action: 'synapse.rollout',
      details: { release: request.release, canary: canary.label, hosts: ordered.length, batchSize: request.batchSize, urgent: request.urgent },
    });
    return created;
  });
  return { rollout, hosts: await rolloutHosts(context.db, rollout.id) };
}

export async function rolloutProgress(context: HomeportContext, rolloutId: string): Promise<RolloutProgress> {
  const rollout = await findRollout(context.db, rolloutId);
  if (!rollout) throw notFound(`Rollout ${rolloutId}`);
  return { rollout, hosts: await rolloutHosts(context.db, rolloutId) };
}

/** Installed releases and how many hosts run each (a release no host runs any more shows 0). */
export async function releaseUsage(context: HomeportContext): Promise<Array<{ release: string; installed: boolean; hosts: number }>> {
  const installed = await context.synapseReleases.installedReleases();
  const counts = await hostsPerRelease(context.db);
  const releases = [...new Set([...installed, ...counts.keys()])].sort(compareReleases);
  return releases.map((release) => ({ release, installed: installed.includes(release), hosts: counts.get(release) ?? 0 }));
}

/** The customer's preferred maintenance window: its first hour in UTC, or null for any time. */
export async function setMaintenanceWindow(context: HomeportContext, accountId: string, hostId: string, startHour: number | null): Promise<HostRow> {
  return context.db.transaction().execute(async (trx) => {
    const host = await findAccountHost(trx, accountId, hostId);
    await trx.updateTable('hosts').set({ maintenance_hour: startHour }).where('id', '=', host.id).execute();
    await recordAudit(trx, { actorAccountId: accountId, actor: 'customer', action: 'host.maintenance-window', hostId: host.id, details: { startHour } });
    // A rollout waiting for this host's window looks again now rather than at its next pass.
    const running = await runningRollout(trx);
    if (running) await queueRolloutPass(trx, running.id, new Date());
    return findAccountHost(trx, accountId, host.id);
  });
}
