// The build of a new host, step by step: each step checks what exists and does only what is missing.
import { updateHost } from '../store/hosts.ts';
import { restoreAdminAccess } from './admin-access-repair.ts';
import { ensureHostSecrets, loadHostSpec } from './host-spec.ts';
import { applyHostEdgeFromDatabase } from './edge-hosts.ts';
import type { JobStep } from './job-step.ts';

export const healthTimeoutMs = 10 * 60_000;

export const allocateStep: JobStep = {
  name: 'allocate',
  timeoutMs: 60_000,
  async run({ context, hostId, log }) {
    await context.runtime.allocate(hostId);
    // Recorded once: a later change of the release new hosts get never moves this host.
    await context.db.updateTable('hosts').set({ synapse_release: context.synapseTooling.synapseVersion })
      .where('id', '=', hostId).where('synapse_release', 'is', null).execute();
    await log(`Synapse listens at ${(await context.runtime.hostEndpoint(hostId)).href}`);
  },
};

export const databaseStep: JobStep = {
  name: 'database',
  timeoutMs: 120_000,
  async run({ context, hostId, log }) {
    await ensureHostSecrets(context.db, context.box, hostId);
    const spec = await loadHostSpec(context, hostId);
    const { fromTemplate } = await context.runtime.ensureDatabase(spec.database);
    await log(`database ${spec.database.name} ready (UTF8, C collation${fromTemplate ? ', Synapse schema copied from the prepared template' : ''})`);
  },
};

export const configStep: JobStep = {
  name: 'keys and config',
  timeoutMs: 60_000,
  async run({ context, hostId, log }) {
    await ensureHostSecrets(context.db, context.box, hostId);
    const spec = await loadHostSpec(context, hostId);
    await context.runtime.writeConfig(spec);
    await log(`homeserver.yaml written for ${spec.serverName} (${spec.seats} seats)`);
  },
};

export const startStep: JobStep = {
  name: 'start Synapse',
  timeoutMs: 60_000,
  async run({ context, hostId, log }) {
    await context.runtime.start(await loadHostSpec(context, hostId));
    await log('Synapse process started');
  },
};

export const healthyStep: JobStep = {
  name: 'healthy',
  timeoutMs: healthTimeoutMs,
  async run({ context, hostId, log }) {
    await context.runtime.waitHealthy(await loadHostSpec(context, hostId), healthTimeoutMs);
    await log('Synapse answers /health');
  },
};

export const adminAccessStep: JobStep = {
  name: 'admin access',
  timeoutMs: 60_000,
  async run({ context, hostId, log }) {
    // Also repairs Homeport's user if it was changed inside the host: a rebuild always restores access.
    const admin = await restoreAdminAccess(context, hostId);
    const version = await admin.serverVersion();
    await updateHost(context.db, hostId, { synapse_version: version });
    await log(`Homeport's admin access works (Synapse ${version})`);
  },
};

export const edgeStep: JobStep = {
  name: 'edge routes',
  timeoutMs: 60_000,
  async run({ context, hostId, log }) {
    const problem = await applyHostEdgeFromDatabase(context, hostId);
    // The other hosts got their routes; only this host's job fails.
    if (problem) throw new Error(problem);
    await log('edge routes applied');
  },
};

/** Cancelling: the host's routes go; an edge that cannot be configured now must not keep the host. */
export const edgeRemovalStep: JobStep = {
  name: 'edge routes',
  timeoutMs: 60_000,
  async run({ context, hostId, log }) {
    try {
      await applyHostEdgeFromDatabase(context, hostId);
      await log('edge routes removed');
    } catch (error) {
      // The host is no longer routed in the database: the edge loses its routes when applied whole next.
      await log(`the edge could not be updated now (${error instanceof Error ? error.message : String(error)}); its next whole update removes this host's routes`);
    }
  },
};

export const buildSteps: JobStep[] = [
  allocateStep,
  databaseStep,
  configStep,
  startStep,
  healthyStep,
  adminAccessStep,
  edgeStep,
];
