// What each step of a host's job is called where customers read it: the panel's progress list and
// the CLI's `--wait` output. The API keeps the steps' own names (stable, for scripts and tests);
// both front ends say these words instead, so they never differ.
import type { Static } from 'typebox';
import type { Job, JobSummary } from './jobs.ts';

export type JobKind = Static<typeof JobSummary>['kind'];
export type JobStatus = Static<typeof JobSummary>['status'];
export type StepStatus = Static<typeof Job>['steps'][number]['status'];

/** Words of a step that mean the same in every job. */
const common: Record<string, string> = {
  allocate: 'Reserve room for your server',
  database: 'Create its database',
  'keys and config': 'Create its signing keys and settings',
  'start Synapse': 'Start your server',
  'restart Synapse': 'Restart your server',
  'stop Synapse': 'Stop your server',
  healthy: 'Check that your server answers',
  'admin access': 'Connect your server to this control panel',
  'edge routes': 'Publish its web address',
  'database dump': 'Copy the database',
  'media archive': 'Copy the uploaded files',
  'database restore': 'Restore the database',
  media: 'Restore the uploaded files',
  done: 'Finish',
};

/** Words of a step that mean something else in one kind of job. */
const byKind: Partial<Record<JobKind, Record<string, string>>> = {
  cancel: {
    'edge routes': 'Take its web address offline',
    'database, media and config': 'Delete its database, uploaded files and settings',
  },
  export: {
    'start Synapse': 'Start your server again',
    'database zip': 'Pack the database for download',
    'config document': 'Write the settings document',
    encryption: 'Encrypt the files with your passphrase',
    checksums: 'Add checksums to verify the download',
  },
  import: {
    unpack: 'Unpack the export',
    'sequences and keys': 'Restore the signing keys',
    'verify login': 'Check that a user can log in',
  },
  backup: {
    'seal and store': 'Encrypt and store the backup',
    retention: 'Remove backups older than your plan keeps',
  },
  restore: {
    'stop and unroute': 'Stop your server',
    'fetch and verify': 'Fetch the backup and check it is complete',
    'serve again': 'Start your server again',
  },
  clone: {
    'fetch and verify': 'Fetch the backup and check it is complete',
    'sequences and keys': 'Give the new server its own signing key',
    'serve again': 'Publish the new server at its address',
  },
  upgrade: {
    'stop and snapshot': 'Stop your server and keep a copy to go back to',
    'switch release and check': 'Start the new version and check it',
    'record version': 'Record the new version',
  },
};

/** A step as customers read it; a step without words of its own is shown by its name, capitalised. */
export function jobStepWords(kind: JobKind, name: string): string {
  const words = byKind[kind]?.[name] ?? common[name];
  return words ?? name.charAt(0).toUpperCase() + name.slice(1);
}

export const jobStatusWords: Record<JobStatus, string> = {
  queued: 'Waiting to start',
  running: 'In progress',
  succeeded: 'Finished',
  failed: 'Failed',
};

/** How a step's state is marked in the CLI's progress lines. */
export const stepStatusWords: Record<StepStatus, string> = { pending: 'waiting', running: 'in progress', done: 'done', skipped: 'skipped (not needed)', failed: 'FAILED' };
