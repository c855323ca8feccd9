// A rollout's pass (the `synapse-rollout` task): looks at its hosts, starts the next upgrades and
// queues its next pass. The canary goes alone first; then up to `batch_size` hosts at a time,
// each only inside its customer's maintenance window unless the rollout is urgent. Any host that
// had to be rolled back halts the rollout: a release that failed once is for the operator to look at.
import type { Task } from 'graphile-worker';
import { inMaintenanceWindow } from '../domain/synapse-release.ts';
import { createJob } from '../store/jobs.ts';
import type { Db } from '../store/database.ts';
import {
  finishRollout, findRollout, queueRolloutPass, rolloutHosts, updateRolloutHost, type RolloutHostWithLabel,
} from '../store/synapse-rollouts.ts';
import { hostJobs } from './host-jobs.ts';
import type { HomeportContext } from '../homeport-context.ts';

/** How soon a rollout looks again while upgrades run, and while it waits for a maintenance window. */
const busyPassMs = 2_000;
const waitingPassMs = 60_000;

/** Hosts an upgrade may start on; any other (being built, rebuilt, exported, cancelled) is skipped. */
const upgradableStatuses = new Set(['running', 'degraded', 'sleeping']);

export function rolloutPassTask(context: HomeportContext): Task {
  return async (payload) => {
    const { rolloutId } = payload as { rolloutId: string };
    const next = await rolloutPass(context, rolloutId, new Date());
    if (next !== undefined) await queueRolloutPass(context.db, rolloutId, new Date(Date.now() + next));
  };
}

/** One pass; answers in how many ms the next should run, or undefined when the rollout is over. */
export async function rolloutPass(context: HomeportContext, rolloutId: string, now: Date): Promise<number | undefined> {
  const { db } = context;
  const rollout = await findRollout(db, rolloutId);
  if (rollout?.status !== 'running') return undefined;
  const hosts = await rolloutHosts(db, rolloutId);
  const failed = hosts.find((host) => host.status === 'rolled_back' || host.status === 'failed');
  if (failed) {
    const what = failed.batch === 0 ? 'the canary' : 'host';
    await finishRollout(db, rolloutId, { status: 'halted', error: `${what} ${failed.label} did not come back on Synapse ${rollout.target_release}: ${failed.error ?? 'unknown'}` });
    context.logger.warn({ rolloutId, host: failed.label }, 'Synapse rollout halted');
    return undefined;
  }
  const upgrading = hosts.filter((host) => host.status === 'upgrading' || (host.status === 'pending' && host.batch !== null));
  const canary = hosts[0];
  // Nothing else starts before the canary is through (a canary skipped leaves the rest to the batches).
  if (canary && rollout.canary_host_id === canary.host_id && (canary.status === 'pending' || canary.status === 'upgrading')) {
    if (canary.batch === null) return startHosts(context, rolloutId, [canary], 0, now, rollout.urgent);
    return busyPassMs;
  }
  const room = rollout.batch_size - upgrading.length;
  const pending = hosts.filter((host) => host.status === 'pending' && host.batch === null);
  if (pending.length === 0) {
    if (upgrading.length > 0) return busyPassMs;
    await finishRollout(db, rolloutId, { status: 'completed' });
    context.logger.info({ rolloutId, release: rollout.target_release }, 'Synapse rollout completed');
    return undefined;
  }
  if (room <= 0) return busyPassMs;
  const batch = 1 + Math.max(0, ...hosts.map((host) => host.batch ?? 0));
  return startHosts(context, rolloutId, pending, batch, now, rollout.urgent, room, upgrading.length);
}

async function startHosts(
  context: HomeportContext, rolloutId: string, candidates: RolloutHostWithLabel[], batch: number, now: Date, urgent: boolean,
  room = 1, alreadyUpgrading = 0,
): Promise<number> {
  let started = 0;
  let waiting = 0;
  for (const host of candidates) {
    if (started >= room) break;
    if (!upgradableStatuses.has(host.host_status)) {
      await updateRolloutHost(context.db, rolloutId, host.host_id, { status: 'skipped', error: `the host was ${host.host_status}`, finished_at: now });
      continue;
    }
    if (!urgent && !inMaintenanceWindow(host.maintenance_hour, now)) {
      waiting += 1;
      continue;
    }
    await context.db.transaction().execute((trx) => startUpgrade(trx, rolloutId, host.host_id, batch));
    started += 1;
  }
  return started + alreadyUpgrading > 0 || waiting === 0 ? busyPassMs : waitingPassMs;
}

async function startUpgrade(db: Db, rolloutId: string, hostId: string, batch: number): Promise<void> {
  const job = await createJob(db, hostId, 'upgrade', hostJobs.upgrade.steps.map((step) => step.name));
  await updateRolloutHost(db, rolloutId, hostId, { batch, job_id: job.id });
}
