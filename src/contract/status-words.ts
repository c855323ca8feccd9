// What the kinds and states the API names (stable, for scripts and tests) are called where people
// read them: the panel (customer pages and operator console) and the CLI's lists. One place, so the
// two never differ; test/unit/status-words.test.ts checks every kind and state the schemas allow has
// words here.
import type { Static } from 'typebox';
import type { Backup } from './backups.ts';
import type { Export } from './exports.ts';
import type { HostStatus } from './hosts.ts';
import type { JobKind } from './job-step-words.ts';
import type { Rollout, RolloutHostProgress } from './synapse-upgrades.ts';

/** A host's state, as a label ("Running", "Being built"). */
export const hostStatusWords: Record<Static<typeof HostStatus>, string> = {
  provisioning: 'Being built',
  running: 'Running',
  degraded: 'Not fully working',
  rebuilding: 'Applying changes',
  failed: 'Failed',
  cancelling: 'Being cancelled',
  cancelled: 'Cancelled',
  exporting: 'Exporting',
  sleeping: 'Sleeping',
  upgrading: 'Upgrading Synapse',
  restoring: 'Being restored',
};

/** A kind of job, as a name ("Build", "Synapse upgrade"). */
export const jobKindWords: Record<JobKind, string> = {
  build: 'Build',
  rebuild: 'Configuration change',
  cancel: 'Cancellation',
  export: 'Export',
  import: 'Import',
  backup: 'Backup',
  restore: 'Restore from a backup',
  clone: 'Restore into a new server',
  upgrade: 'Synapse upgrade',
};

/** An export's state, said after "the export is …" or in a list. */
export const exportStatusWords: Record<Static<typeof Export>['status'], string> = {
  running: 'being made',
  ready: 'ready to download',
  failed: 'failed; nothing was kept, you can export again',
  deleted: 'deleted after the retention period',
};

/** A backup's state, said after "the backup is …" or in a list. */
export const backupStatusWords: Record<Static<typeof Backup>['status'], string> = { running: 'being made', ready: 'complete', failed: 'failed' };


/** A Synapse rollout's state. */
export const rolloutStatusWords: Record<Static<typeof Rollout>['status'], string> = { running: 'In progress', completed: 'Completed', halted: 'Halted' };

/** One host's state in a Synapse rollout. */
export const rolloutHostStatusWords: Record<Static<typeof RolloutHostProgress>['status'], string> = {
  pending: 'Waiting',
  upgrading: 'Upgrading',
  upgraded: 'Upgraded',
  rolled_back: 'Rolled back',
  failed: 'Failed (rollback failed)',
  skipped: 'Skipped',
};

/** Words for a value the schema does not know yet (a newer server): capitalised, underscores as spaces. */
export function wordsOr(words: Readonly<Record<string, string>>, value: string): string {
  return words[value] ?? (value.charAt(0).toUpperCase() + value.slice(1)).replaceAll('_', ' ');
}
