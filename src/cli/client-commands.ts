// `homeport host look`, `host client-domain`, `host moved`: a host's client look and feel, a new
// client domain for a custom-DNS host, and the "server moved" switch of an old one.
import type { Command } from 'commander';
import type { Static } from 'typebox';
import type { Host } from '../contract/hosts.ts';
import type { JobSummary } from '../contract/jobs.ts';
import type { LookAndFeelView, SavedLookAndFeel } from '../contract/look-and-feel.ts';
import type { PreviousClientDomain } from '../contract/previous-client-domains.ts';
import { apiForCommand, hostPath, print } from './command-api.ts';
import { reportQueuedJob } from './job-progress.ts';

type LookAndFeel = Static<typeof LookAndFeelView>;

function printLookAndFeel(value: LookAndFeel): void {
  print(`client:              ${value.clientUrl}`);
  print(`brand:               ${value.brand ?? '(Element)'}`);
  print(`home page:           ${value.homeUrl ?? '(none)'}`);
  print(`welcome page:        ${value.welcomeUrl ?? '(none)'}`);
  print(`logo:                ${value.logoUrl ?? '(none)'}`);
  print(`welcome background:  ${value.welcomeBackgroundUrl ?? '(none)'}`);
}

/** "" clears a value; an option not given leaves it as it is. */
const orNull = (value: string | undefined) => (value === undefined ? undefined : value === '' ? null : value);

export function registerClientCommands(host: Command): void {
  host.command('look').description("show or set the client's look and feel (each URL is checked; saved even with findings)").argument('<host>', 'label or id')
    .option('--brand <name>', 'the name the client shows ("" for the default)')
    .option('--home-url <url>', 'home page ("" removes it)')
    .option('--welcome-url <url>', 'welcome page, linking to #/login and #/register ("" removes it)')
    .option('--logo-url <url>', 'logo above the sign-in form ("" removes it)')
    .option('--welcome-background-url <url>', 'background image of the sign-in screens ("" removes it)')
    .action(async (ref: string, options: Record<string, string | undefined>, command: Command) => {
      const api = apiForCommand(command);
      const body = Object.fromEntries(['brand', 'homeUrl', 'welcomeUrl', 'logoUrl', 'welcomeBackgroundUrl']
        .map((field) => [field, orNull(options[field])] as const)
        .filter(([, value]) => value !== undefined));
      if (Object.keys(body).length === 0) {
        printLookAndFeel(await api.request<LookAndFeel>('GET', `${hostPath(ref)}/look-and-feel`));
        return;
      }
      const saved = await api.request<Static<typeof SavedLookAndFeel>>('PUT', `${hostPath(ref)}/look-and-feel`, body);
      printLookAndFeel(saved.lookAndFeel);
      print(saved.findings.length === 0 ? 'saved; every URL checked out' : `saved with ${saved.findings.length} finding(s):`);
      for (const finding of saved.findings) print(`  ${finding.severity}: ${finding.message}\n    fix: ${finding.fix}`);
    });

  host.command('client-domain').description('give a host its own client domain (its CNAME must lead to the edge first; the server name never changes) or move it to a new one (rebuilds it; the old domain keeps working until switched to moved)')
    .argument('<host>', 'label or id').argument('<domain>', 'the new client domain')
    .option('--wait', 'follow the rebuild until it ends')
    .action(async (ref: string, domain: string, options: { wait?: boolean }, command: Command) => {
      const api = apiForCommand(command);
      const result = await api.request<{ host: Static<typeof Host>; job: Static<typeof JobSummary> | null }>('PUT', `${hostPath(ref)}/client-domain`, { clientDomain: domain });
      print(`homeserver URL: ${result.host.homeserverUrl}`);
      await reportQueuedJob(api, result.job, options.wait, print);
    });

  host.command('moved').description('list old client domains, or switch one to answer every request with "server moved, please log in again"')
    .argument('<host>', 'label or id').argument('[domain]', 'an old client domain')
    .option('--undo', 'serve the host on the old domain again')
    .action(async (ref: string, domain: string | undefined, options: { undo?: boolean }, command: Command) => {
      const api = apiForCommand(command);
      if (domain !== undefined) {
        await api.request('PUT', `${hostPath(ref)}/previous-client-domains/${encodeURIComponent(domain)}`, { moved: !options.undo });
      }
      const { domains } = await api.request<{ domains: Static<typeof PreviousClientDomain>[] }>('GET', `${hostPath(ref)}/previous-client-domains`);
      if (domains.length === 0) print('no previous client domains');
      for (const item of domains) print(`${item.domain}  ${item.moved ? 'moved (answers "Server moved, please log in again.")' : 'still serves the host'}`);
    });
}
