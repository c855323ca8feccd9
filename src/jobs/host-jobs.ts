// The three host jobs (build, rebuild, cancel): their steps and what each does to the host's status.
import { voidFailedBuildInvoice } from '../billing/failed-build-billing.ts';
import type { HostStatus, JobKind } from '../store/schema.ts';
import { updateHost } from '../store/hosts.ts';
import { deleteHostSecrets } from '../store/host-secrets.ts';
import { recordAudit } from '../store/audit-log.ts';
import { adminAccessStep, allocateStep, buildSteps, configStep, databaseStep, edgeRemovalStep, edgeStep, healthyStep, startStep } from './build-host-steps.ts';
import { databaseRoleFor, loadHostSpec } from './host-spec.ts';
import type { HomeportContext } from '../homeport-context.ts';
import type { JobStep } from './job-step.ts';
import { backupSteps, recordFailedBackup } from './backups/backup-steps.ts';
import { afterFailedClone, afterFailedRestore, cloneSteps, restoreSteps } from './backups/restore-steps.ts';
import { exportSteps } from './portability/export-steps.ts';
import { markUpgradeFailed, upgradeSteps } from './synapse-upgrade-steps.ts';
import { forgetFailedExport, forgetFailedImport, finishImport } from './portability/portability-cleanup.ts';
import { restoreDatabaseStep, restoreMediaStep, sequencesStep, unpackStep, verifyLoginStep } from './portability/import-steps.ts';

export interface HostJobDefinition {
  kind: JobKind;
  steps: JobStep[];
  /** The host's status while the job runs, set when it starts from one of `startsFrom`. */
  activeStatus: HostStatus;
  startsFrom: HostStatus[];
  /** The host's status once every step is done. */
  finalStatus: HostStatus;
  /** The host's status when the job has failed for good. */
  failedStatus: HostStatus;
  afterSuccess?(context: HomeportContext, hostId: string, jobId: string): Promise<void>;
  /** Undoes what an attempt did to a serving host (a stopped Synapse) after each failed attempt. */
  afterFailedAttempt?(context: HomeportContext, hostId: string, log: (message: string) => Promise<void>): Promise<void>;
  /** Cleans up after the job failed for good (before the host moves to `failedStatus`). */
  afterFailure?(context: HomeportContext, hostId: string, jobId: string): Promise<void>;
}

const doneStep: JobStep = { name: 'done', timeoutMs: 10_000, run: async () => undefined };

const restartStep: JobStep = {
  name: 'restart Synapse',
  timeoutMs: 120_000,
  async run({ context, hostId, log }) {
    const spec = await loadHostSpec(context, hostId);
    await context.runtime.stop(hostId);
    await context.runtime.start(spec);
    await log('Synapse restarted with the new configuration');
  },
};

const stopStep: JobStep = {
  name: 'stop Synapse',
  timeoutMs: 60_000,
  async run({ context, hostId, log }) {
    await context.runtime.stop(hostId);
    await log('Synapse stopped');
  },
};

const removeStep: JobStep = {
  name: 'database, media and config',
  timeoutMs: 120_000,
  async run({ context, hostId, log }) {
    const host = await context.db.selectFrom('hosts').select(['id', 'database_name']).where('id', '=', hostId).executeTakeFirstOrThrow();
    await context.runtime.remove(host.id, { name: host.database_name, user: databaseRoleFor(host) });
    await log(`database ${host.database_name}, its role, media and configuration removed`);
  },
};

/** A job that stops Synapse for a while has it serve again between attempts, not only at the end. */
async function startAgainIfStopped(context: HomeportContext, hostId: string, log: (message: string) => Promise<void>): Promise<void> {
  if ((await context.runtime.processState(hostId)) !== 'stopped') return;
  await context.runtime.start(await loadHostSpec(context, hostId));
  await log('Synapse started again after the failed attempt');
}

export const hostJobs: Record<JobKind, HostJobDefinition> = {
  build: {
    kind: 'build', steps: [...buildSteps, doneStep], activeStatus: 'provisioning', startsFrom: [], finalStatus: 'running', failedStatus: 'failed',
    afterFailure: (context, hostId) => voidFailedBuildInvoice(context, hostId),
  },
  rebuild: {
    kind: 'rebuild',
    // The build's own steps, with a restart: this also finishes a host whose build failed half-way.
    steps: [allocateStep, databaseStep, configStep, restartStep, healthyStep, adminAccessStep, edgeStep, doneStep],
    activeStatus: 'rebuilding',
    startsFrom: ['running', 'degraded', 'sleeping', 'failed'],
    finalStatus: 'running',
    failedStatus: 'failed',
  },
  cancel: {
    kind: 'cancel',
    steps: [stopStep, edgeRemovalStep, removeStep, doneStep],
    activeStatus: 'cancelling',
    startsFrom: [],
    finalStatus: 'cancelled',
    failedStatus: 'cancelling',
    async afterSuccess(context, hostId) {
      await deleteHostSecrets(context.db, hostId);
      await updateHost(context.db, hostId, { cancelled_at: new Date() });
      await recordAudit(context.db, { actorAccountId: null, actor: 'homeport', action: 'host.cancelled', hostId });
    },
  },
  export: {
    kind: 'export',
    steps: [...exportSteps, doneStep],
    activeStatus: 'exporting',
    startsFrom: ['running', 'degraded', 'sleeping'],
    finalStatus: 'running',
    // Synapse serves again after every failed attempt (and the reconciler restarts it and marks
    // the host degraded should that start have failed).
    failedStatus: 'running',
    // Synapse may have been stopped for the copy: it serves again between attempts, not only at the end.
    afterFailedAttempt: startAgainIfStopped,
    afterFailure: forgetFailedExport,
  },
  import: {
    kind: 'import',
    steps: [allocateStep, unpackStep, configStep, restoreDatabaseStep, sequencesStep, restoreMediaStep, startStep, healthyStep, adminAccessStep, edgeStep, verifyLoginStep, doneStep],
    activeStatus: 'provisioning',
    startsFrom: [],
    finalStatus: 'running',
    // A failed import leaves no partial host: everything is removed and the server name is free again.
    failedStatus: 'cancelled',
    afterSuccess: finishImport,
    afterFailure: forgetFailedImport,
  },
  backup: {
    kind: 'backup',
    // The host serves throughout (pg_dump reads a consistent snapshot of the running database): its status never changes.
    steps: [...backupSteps, doneStep],
    activeStatus: 'running',
    startsFrom: [],
    finalStatus: 'running',
    failedStatus: 'running',
    afterFailure: recordFailedBackup,
  },
  restore: {
    kind: 'restore',
    // The host serves until the backup is fetched and authenticated; its "stop and unroute" step moves it to `restoring`.
    steps: [...restoreSteps, doneStep],
    activeStatus: 'restoring',
    startsFrom: [],
    finalStatus: 'running',
    // Stopped, never started again on a half-restored database (unless its database was never touched: see afterFailedRestore).
    failedStatus: 'failed',
    afterFailure: afterFailedRestore,
  },
  clone: {
    kind: 'clone',
    // A new host restored from another host's backup: `restoring` (not routed) from its creation until "serve again".
    steps: [...cloneSteps, doneStep],
    activeStatus: 'restoring',
    startsFrom: [],
    finalStatus: 'running',
    // A failed clone leaves no partial host (see afterFailedClone).
    failedStatus: 'cancelled',
    afterFailure: afterFailedClone,
  },
  upgrade: {
    kind: 'upgrade',
    steps: [...upgradeSteps, doneStep],
    activeStatus: 'upgrading',
    startsFrom: ['running', 'degraded', 'sleeping'],
    finalStatus: 'running',
    // A failed upgrade was rolled back and serves on its old release (a failed rollback made it degraded).
    failedStatus: 'running',
    // A stopped host serves again between attempts, on the release it records.
    afterFailedAttempt: startAgainIfStopped,
    afterFailure: markUpgradeFailed,
  },
};
