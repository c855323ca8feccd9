// `homeport service install|status`: runs Homeport under systemd, so it starts at boot and restarts by itself.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import type { Command } from 'commander';
import { loadConfig } from '../config.ts';
import { renderEnvironmentFile, renderServiceUnit } from './systemd-unit.ts';

const run = promisify(execFile);
const repoDir = resolve(import.meta.dirname, '..', '..');
const unitName = 'homeport.service';

/** systemd manages services only where it is the running init system (not in most containers). */
function systemdRuns(): boolean {
  return existsSync('/run/systemd/system');
}

interface InstallOptions {
  unitDir: string;
  settingsFile: string;
  user: string;
  start: boolean;
}

async function install(options: InstallOptions): Promise<void> {
  const config = loadConfig();
  const unitFile = join(options.unitDir, unitName);
  await mkdir(options.unitDir, { recursive: true });
  await writeFile(unitFile, renderServiceUnit({ repoDir, user: options.user, environmentFile: resolve(options.settingsFile) }), { mode: 0o644 });
  console.log(`wrote ${unitFile}`);
  if (existsSync(options.settingsFile)) {
    console.log(`kept ${options.settingsFile} (your settings)`);
  } else {
    await mkdir(dirname(options.settingsFile), { recursive: true, mode: 0o700 });
    const settings: Record<string, string> = { HOMEPORT_DATA_DIR: config.dataDir, HOMEPORT_BASE_DOMAIN: config.baseDomain };
    await writeFile(options.settingsFile, renderEnvironmentFile(settings), { mode: 0o600, flag: 'wx' });
    console.log(`wrote ${options.settingsFile} (mode 600): add your HOMEPORT_* settings there`);
  }
  if (!systemdRuns()) {
    console.log('systemd is not running on this machine: start Homeport with ./homeport start, or boot with systemd and run `systemctl enable --now homeport`');
    return;
  }
  await run('systemctl', ['daemon-reload']);
  await run('systemctl', options.start ? ['enable', '--now', unitName] : ['enable', unitName]);
  console.log(options.start ? 'homeport.service is enabled and started: `homeport service status`, logs with `journalctl -u homeport`' : 'homeport.service is enabled; it starts at the next boot');
}

async function status(apiUrl: string): Promise<boolean> {
  if (systemdRuns()) {
    const shown = await run('systemctl', ['status', '--no-pager', '--lines=5', unitName]).catch((error: { stdout?: string }) => ({ stdout: error.stdout ?? '' }));
    console.log(shown.stdout.trimEnd());
  } else {
    console.log('systemd is not running on this machine');
  }
  const ready = await fetch(`${apiUrl}/readyz`).then((response) => response.ok, () => false);
  console.log(`API ${apiUrl}: ${ready ? 'ready' : 'not answering'}`);
  return ready;
}

export function registerServiceCommands(program: Command): void {
  const service = program.command('service').description('run Homeport as a systemd service');
  service.command('install').description('write and enable the systemd unit (and an environment file for the settings, once)')
    .option('--user <name>', 'the system user Homeport runs as', userInfo().username)
    .option('--settings-file <file>', 'the settings file the unit reads', '/etc/homeport/homeport.env')
    .option('--unit-dir <dir>', 'where the unit is written', '/etc/systemd/system')
    .option('--no-start', 'enable only; start at the next boot')
    .action(async (options: InstallOptions) => install(options));
  service.command('status').description("the service's state and whether the API answers")
    .action(async (_options, command: Command) => {
      const apiUrl = String(command.optsWithGlobals().apiUrl);
      if (!(await status(apiUrl))) process.exitCode = 1;
    });
}
