// `homeport host calls`: show whether a host's users can make calls (and why not), or switch calls on or off.
import type { Command } from 'commander';
import type { Static } from 'typebox';
import type { HostCalls } from '../contract/calls.ts';
import type { JobSummary } from '../contract/jobs.ts';
import { callsNotOffered } from '../contract/status-words.ts';
import { apiForCommand, hostPath, print } from './command-api.ts';
import { reportQueuedJob } from './job-progress.ts';

type CallsView = Static<typeof HostCalls>;

function printCalls(calls: CallsView): void {
  // The panel's words (src/contract/status-words.ts), and why not when they do not work.
  if (!calls.offered) {
    print(`calls: ${callsNotOffered}`);
    return;
  }
  print(`calls: ${calls.enabled ? 'on' : 'off'}`);
  print(calls.working ? 'calls work' : `calls do not work: ${calls.problem ?? 'unknown reason'}`);
  if (calls.serviceUrl) print(`token service: ${calls.serviceUrl}`);
}

export function registerCallsCommands(host: Command): void {
  host.command('calls').description("show whether the host's users can make calls, or switch calls on or off (a change rebuilds the host)")
    .argument('<host>', 'label or id')
    .option('--on', 'switch calls on')
    .option('--off', 'switch calls off')
    .option('--wait', 'follow the rebuild until it ends')
    .action(async (ref: string, options: { on?: boolean; off?: boolean; wait?: boolean }, command: Command) => {
      const api = apiForCommand(command);
      if (options.on && options.off) command.error('choose one of --on and --off');
      if (!options.on && !options.off) {
        printCalls(await api.request<CallsView>('GET', `${hostPath(ref)}/calls`));
        return;
      }
      const result = await api.request<{ calls: CallsView; job: Static<typeof JobSummary> | null }>('PUT', `${hostPath(ref)}/calls`, { enabled: Boolean(options.on) });
      printCalls(result.calls);
      await reportQueuedJob(api, result.job, options.wait, print);
    });
}
