// `homeport host federation`: show or choose whom a host federates with.
import type { Command } from 'commander';
import type { Static } from 'typebox';
import type { Host } from '../contract/hosts.ts';
import type { JobSummary } from '../contract/jobs.ts';
import { apiForCommand, hostPath, print } from './command-api.ts';
import { reportQueuedJob } from './job-progress.ts';

type HostView = Static<typeof Host>;

function printFederation(host: HostView): void {
  const { mode, allowedServers } = host.federation;
  const listed = allowedServers.length > 0 ? allowedServers.join(', ') : '(none)';
  if (mode === 'open') print(`federation: open (the whole Matrix network)`);
  if (mode === 'allowlist') print(`federation: only with ${host.serverName}'s listed servers: ${listed}`);
  if (mode === 'off') print('federation: off (no other server reaches this host, nor it them)');
}

export function registerFederationCommands(host: Command): void {
  host.command('federation').description('show or choose whom the host federates with (a change rebuilds the host)')
    .argument('<host>', 'label or id')
    .option('--open', 'federate with the whole Matrix network')
    .option('--allow <servers>', 'federate only with these servers, comma-separated (e.g. partner.org,example.com:8448)')
    .option('--off', 'no federation at all')
    .option('--wait', 'follow the rebuild until it ends')
    .action(async (ref: string, options: { open?: boolean; allow?: string; off?: boolean; wait?: boolean }, command: Command) => {
      const api = apiForCommand(command);
      const chosen = [options.open, options.allow !== undefined, options.off].filter(Boolean).length;
      if (chosen > 1) command.error('choose one of --open, --allow and --off');
      if (chosen === 0) {
        printFederation(await api.request<HostView>('GET', hostPath(ref)));
        return;
      }
      const body = options.allow !== undefined
        ? { mode: 'allowlist', allowedServers: options.allow.split(',').map((name) => name.trim()).filter((name) => name !== '') }
        : { mode: options.off ? 'off' : 'open' };
      const result = await api.request<{ host: HostView; job: Static<typeof JobSummary> | null }>('PUT', `${hostPath(ref)}/federation`, body);
      printFederation(result.host);
      await reportQueuedJob(api, result.job, options.wait, print);
    });
}
