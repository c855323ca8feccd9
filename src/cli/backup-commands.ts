// `homeport host backup|backups|restore`: take a backup now, list a host's restore points (ids
// first), restore one into the host or into a new host (a staging clone). `--operator` reaches any customer's host.
import type { Command } from 'commander';
import type { Static } from 'typebox';
import type { Backup, Restore } from '../contract/backups.ts';
import type { JobSummary } from '../contract/jobs.ts';
import type { ApiClient } from './api-client.ts';
import { apiForCommand, print } from './command-api.ts';
import { finishedJobLine, followJob } from './job-progress.ts';
import { backupStatusWords, wordsOr } from '../contract/status-words.ts';

type BackupView = Static<typeof Backup>;

const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

function paths(ref: string, operator: boolean | undefined): { backups: string; jobs: string | undefined } {
  const host = `/api/v1/${operator ? 'operator/' : ''}hosts/${encodeURIComponent(ref)}`;
  return { backups: `${host}/backups`, jobs: operator ? '/api/v1/operator/jobs' : undefined };
}

async function follow(api: ApiClient, jobId: string, jobsPath: string | undefined): Promise<void> {
  const finished = await followJob(api, jobId, print, 300, jobsPath);
  print(finishedJobLine(finished));
  if (finished.status === 'failed') process.exitCode = 1;
}

export function registerBackupCommands(program: Command): void {
  const host = program.commands.find((command) => command.name() === 'host');
  if (!host) throw new Error('the host command must be registered first');
  const operatorOption = '--operator';
  const operatorHelp = "as the operator: any customer's host";

  host.command('backup').description("back a host up now (database and media, sealed with the installation's key); the host keeps serving").argument('<host>', 'label or id')
    .option('--wait', 'follow the backup until it ends').option(operatorOption, operatorHelp)
    .action(async (ref: string, options: { wait?: boolean; operator?: boolean }, command: Command) => {
      const api = apiForCommand(command);
      const at = paths(ref, options.operator);
      const started = await api.request<{ backup: BackupView; job: Static<typeof JobSummary> }>('POST', at.backups);
      print(`backup ${started.backup.id} started (job ${started.job.id})`);
      if (options.wait) await follow(api, started.job.id, at.jobs);
    });

  host.command('backups').description("list a host's restore points, newest first: backups and the snapshots taken before Synapse upgrades (id, status, time, size, kind, what it is)").argument('<host>', 'label or id')
    .option(operatorOption, operatorHelp)
    .action(async (ref: string, options: { operator?: boolean }, command: Command) => {
      const { backups } = await apiForCommand(command).request<{ backups: BackupView[] }>('GET', paths(ref, options.operator).backups);
      if (backups.length === 0) print('no restore points yet: `homeport host backup <host>`');
      for (const item of backups) {
        const release = item.synapseRelease === null ? '' : ` (Synapse ${item.synapseRelease})`;
        print([item.id, wordsOr(backupStatusWords, item.status).padEnd(10), item.createdAt, (item.bytes === null ? '-' : mib(item.bytes)).padStart(10), `${item.kind === 'snapshot' ? 'snapshot ' : ''}${item.description}${release}`, item.error ?? ''].join('  ').trimEnd());
      }
    });

  host.command('restore').description('restore a host to a backup or an upgrade snapshot: it stops and is not served until the restore is verified; everything written since is lost. With --into, restore into a new host (a staging clone) and leave this one untouched')
    .argument('<host>', 'label or id').argument('<backup-id>', 'from `homeport host backups <host>`')
    .requiredOption('--confirm <label>', "the host's label, typed again")
    .option('--into <new-label>', "a new host with this label: keeps the server name inside its data, served only at its own address, federation off, its own signing key")
    .option('--wait', 'follow the restore until it ends').option(operatorOption, operatorHelp)
    .action(async (ref: string, backupId: string, options: { confirm: string; into?: string; wait?: boolean; operator?: boolean }, command: Command) => {
      const api = apiForCommand(command);
      const at = paths(ref, options.operator);
      const body = options.into === undefined ? { confirm: options.confirm } : { confirm: options.confirm, into: options.into };
      const started = await api.request<{ restore: Static<typeof Restore>; job: Static<typeof JobSummary>; host: { id: string; label: string; serverName: string } }>(
        'POST', `${at.backups}/${encodeURIComponent(backupId)}/restore`, body,
      );
      if (options.into === undefined) print(`restore ${started.restore.id} of backup ${backupId} started (job ${started.job.id})`);
      else print(`restore ${started.restore.id} of backup ${backupId} into new host ${started.host.label} (${started.host.id}, server name ${started.host.serverName}, federation off) started (job ${started.job.id})`);
      if (options.wait) await follow(api, started.job.id, at.jobs);
    });
}
