// `homeport synapse ...`: installs Synapse releases on this machine, lists them with their hosts,
// and rolls one out across the hosts (through the API), following each host's progress.
// `homeport maintenance-window`: a customer's preferred hour for upgrades of their host.
import { Command, InvalidArgumentError } from 'commander';
import type { Static } from 'typebox';
import { loadConfig } from '../config.ts';
import { maintenanceWindowSentence } from '../contract/maintenance-window-words.ts';
import { rolloutHostStatusWords, rolloutStatusWords, wordsOr } from '../contract/status-words.ts';
import type { MaintenanceWindowAnswer, RolloutWithHosts, SynapseReleaseUsage } from '../contract/synapse-upgrades.ts';
import { isSynapseRelease } from '../domain/synapse-release.ts';
import { createLogger } from '../logger.ts';
import { SynapseReleases } from '../runtime/local/synapse-releases.ts';
import { apiForCommand, hostPath, print } from './command-api.ts';

type Progress = Static<typeof RolloutWithHosts>;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function release(value: string): string {
  if (!isSynapseRelease(value)) throw new InvalidArgumentError('a Synapse release such as 1.163.2');
  return value;
}

function positive(value: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1 || number > 100) throw new InvalidArgumentError('a whole number from 1 to 100');
  return number;
}

function hostLine(host: Progress['hosts'][number]): string {
  const downtime = host.downtimeMs === null ? '' : ` ${(host.downtimeMs / 1000).toFixed(1)} s down`;
  const window = host.maintenanceWindowStartHour === null ? '' : ` window ${String(host.maintenanceWindowStartHour).padStart(2, '0')}:00 UTC`;
  return `  ${host.label.padEnd(24)} ${(host.canary ? 'canary' : `batch ${host.batch ?? '-'}`).padEnd(9)} ${host.fromRelease.padEnd(9)} ${wordsOr(rolloutHostStatusWords, host.status)}${downtime}${window}${host.error ? `: ${host.error}` : ''}`;
}

function printProgress(progress: Progress): void {
  const { rollout } = progress;
  print(`rollout ${rollout.id}: Synapse ${rollout.release}, ${wordsOr(rolloutStatusWords, rollout.status).toLowerCase()}${rollout.urgent ? ' (urgent)' : ''}, batches of ${rollout.batchSize}${rollout.error ? `: ${rollout.error}` : ''}`);
  for (const host of progress.hosts) print(hostLine(host));
}

export function registerSynapseCommands(program: Command): void {
  const synapse = program.command('synapse').description('Synapse releases on this machine and their rollout across the hosts');

  synapse.command('install').argument('<version>', 'the release, e.g. 1.163.2', release)
    .description('install a Synapse release from PyPI (pinned, then checked) into its own virtual environment beside HOMEPORT_SYNAPSE_VENV')
    .action(async (version: string) => {
      const config = loadConfig();
      const releases = new SynapseReleases({ pinnedVenv: config.synapseVenv, python: config.python, logger: createLogger('info') });
      const installed = await releases.install(version);
      print(`Synapse ${version} ${installed.alreadyInstalled ? 'was already installed' : 'is installed'}: ${releases.venvOf(version)}`);
    });

  synapse.command('list').description('installed releases and how many hosts run each (operator)')
    .action(async (_options, command: Command) => {
      const { releases } = await apiForCommand(command).request<{ releases: Static<typeof SynapseReleaseUsage>[] }>('GET', '/api/v1/operator/synapse-releases');
      for (const entry of releases) print(`${entry.release.padEnd(10)} ${String(entry.hosts).padStart(5)} hosts${entry.installed ? '' : '  (not installed here)'}`);
    });

  synapse.command('upgrade').argument('<version>', 'an installed release', release)
    .description('roll the release out: the canary host first, then the rest in batches; each host snapshotted, checked, rolled back if it fails (operator)')
    .option('--canary <host>', 'the host upgraded first, alone (label or id)')
    .option('--batch-size <n>', 'hosts upgraded at once after the canary', positive, 5)
    .option('--urgent', "a security release: do not wait for customers' maintenance windows")
    .option('--wait', 'follow the rollout until it ends; exit 1 if it halted')
    .action(async (version: string, options: { canary?: string; batchSize: number; urgent?: boolean; wait?: boolean }, command: Command) => {
      const api = apiForCommand(command);
      const started = await api.request<Progress>('POST', '/api/v1/operator/upgrades', {
        release: version, canary: options.canary, batchSize: options.batchSize, urgent: Boolean(options.urgent),
      });
      printProgress(started);
      if (options.wait) await follow(command, started.rollout.id);
    });

  synapse.command('upgrades').argument('[id]', 'a rollout (the newest when not given)')
    .description("a rollout and each host's progress (operator)")
    .option('--wait', 'follow the rollout until it ends')
    .action(async (id: string | undefined, options: { wait?: boolean }, command: Command) => {
      const api = apiForCommand(command);
      const rolloutId = id ?? (await api.request<{ rollouts: Array<{ id: string }> }>('GET', '/api/v1/operator/upgrades?limit=1')).rollouts[0]?.id;
      if (!rolloutId) {
        print('no rollouts yet');
        return;
      }
      if (options.wait) {
        await follow(command, rolloutId);
        return;
      }
      printProgress(await api.request<Progress>('GET', `/api/v1/operator/upgrades/${encodeURIComponent(rolloutId)}`));
    });

  program.command('maintenance-window').argument('<host>', 'label or id').argument('[hour]', 'first hour (UTC, 0-23) of a 2-hour window, or "any"')
    .description('show or choose when Synapse upgrades may restart your host')
    .action(async (host: string, hour: string | undefined, _options, command: Command) => {
      const api = apiForCommand(command);
      const path = `${hostPath(host)}/maintenance-window`;
      let answer: Static<typeof MaintenanceWindowAnswer>;
      if (hour === undefined) answer = await api.request('GET', path);
      else {
        const startHour = hour === 'any' ? null : Number(hour);
        if (startHour !== null && !(Number.isInteger(startHour) && startHour >= 0 && startHour <= 23)) throw new InvalidArgumentError('hour must be 0-23 or "any"');
        answer = await api.request('PUT', path, { startHour });
      }
      print(maintenanceWindowSentence(answer.startHour, answer.hours));
    });
}

/** Prints each host's changes until the rollout ends; a halted rollout exits 1. */
async function follow(command: Command, rolloutId: string): Promise<void> {
  const api = apiForCommand(command);
  const shown = new Map<string, string>();
  for (;;) {
    const progress = await api.request<Progress>('GET', `/api/v1/operator/upgrades/${encodeURIComponent(rolloutId)}`);
    for (const host of progress.hosts) {
      const line = hostLine(host);
      if (shown.get(host.hostId) !== line) print(line);
      shown.set(host.hostId, line);
    }
    if (progress.rollout.status !== 'running') {
      print(`rollout ${wordsOr(rolloutStatusWords, progress.rollout.status).toLowerCase()}${progress.rollout.error ? `: ${progress.rollout.error}` : ''}`);
      if (progress.rollout.status === 'halted') process.exitCode = 1;
      return;
    }
    await sleep(1_000);
  }
}
