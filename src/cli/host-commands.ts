// `homeport host ...`, `homeport sizes`, `homeport hostname`, `homeport job`: customer actions through the API.
import type { Command } from 'commander';
import type { Static } from 'typebox';
import type { Availability, Size } from '../contract/catalogue.ts';
import type { Delegation, DelegationCheck } from '../contract/delegation.ts';
import type { CancellationTerms, Host } from '../contract/hosts.ts';
import type { JobSummary as JobSummarySchema } from '../contract/jobs.ts';
import { ApiClient } from './api-client.ts';
import { registerClientCommands } from './client-commands.ts';
import { registerCallsCommands } from './calls-commands.ts';
import { registerFederationCommands } from './federation-commands.ts';
import { registerSsoCommands } from './sso-commands.ts';
import { finishedJobLine, followJob, queuedJobLine } from './job-progress.ts';
import { hostStatusWords, wordsOr } from '../contract/status-words.ts';

type HostView = Static<typeof Host>;
type CancellationTermsView = Static<typeof CancellationTerms>;
type JobSummary = Static<typeof JobSummarySchema>;
type DelegationView = Static<typeof Delegation>;
type DelegationCheckView = Static<typeof DelegationCheck>;

function apiFrom(command: Command): ApiClient {
  const options = command.optsWithGlobals<{ apiUrl: string; token?: string }>();
  return new ApiClient({ baseUrl: options.apiUrl, token: options.token });
}

const print = (line: string) => process.stdout.write(line + '\n');

function printHost(host: HostView): void {
  print(`${host.label}  ${wordsOr(hostStatusWords, host.status)}`);
  if (host.stagingCloneOf) print(`  staging clone of ${host.stagingCloneOf}: part of its subscription (not billed), no scheduled backups, cancelled with it`);
  print(`  id:           ${host.id}`);
  print(`  server name:  ${host.serverName}`);
  print(`  homeserver:   ${host.homeserverUrl}`);
  if (host.customDns) print(`  custom DNS:   ${host.customDns.homeserverDomain} (homeserver), ${host.customDns.clientDomain} (client)`);
  else if (host.clientDomain) print(`  client:       ${host.clientDomain} (your own domain; the server name stays ${host.serverName})`);
  print(`  size:         ${host.size}, ${host.seats} seats`);
  if (host.seatsUsed !== null) print(`  seats used:   ${host.seatsUsed} of ${host.seats}`);
  if (host.seatsWarning) print(`  warning:      ${host.seatsWarning}`);
  if (host.edgeProblem) print(`  not served:   ${host.edgeProblem}`);
  print(`  T&S contact:  ${host.supportEmail ?? '(none)'}`);
}

function printCheck(check: DelegationCheckView): void {
  print(`${check.passed ? 'passed' : 'not passed'} (checked ${check.checkedAt})`);
  for (const finding of check.findings) {
    print(`  ${finding.severity}: ${finding.message}`);
    print(`    fix: ${finding.fix}`);
  }
}

function printDelegation(delegation: DelegationView): void {
  print(`${delegation.client.url}\n  ${delegation.client.body}`);
  print(`${delegation.server.url}\n  ${delegation.server.body}`);
  print(`DNS record:\n  ${delegation.cname.zoneLine}`);
  print(`\nnginx:\n${delegation.snippets.nginx}`);
  print(`Caddy:\n${delegation.snippets.caddy}`);
  const { files, headers, notes } = delegation.snippets.staticHosting;
  print(`Static hosting: ${notes}`);
  for (const file of files) print(`  ${file.path}: ${file.body}`);
  for (const [name, value] of Object.entries(headers)) print(`  header ${name}: ${value}`);
  if (delegation.lastCheck) printCheck(delegation.lastCheck);
}

async function waitFor(api: ApiClient, job: JobSummary, wait: boolean): Promise<void> {
  print(queuedJobLine(job));
  if (wait) await followToEnd(api, job.id);
}

async function followToEnd(api: ApiClient, jobId: string): Promise<void> {
  const finished = await followJob(api, jobId, print);
  print(finishedJobLine(finished));
  if (finished.status === 'failed') process.exitCode = 1;
}

export function registerHostCommands(program: Command): void {
  program.command('sizes').description('list the sizes on offer').action(async (_options, command: Command) => {
    const { sizes } = await apiFrom(command).request<{ sizes: Static<typeof Size>[] }>('GET', '/api/v1/sizes');
    for (const size of sizes) {
      print(`${size.name.padEnd(12)} ${(size.pricePerSeatMinor / 100).toFixed(2)} ${size.currency}/seat/month, ${size.minSeats}-${size.maxSeats} seats`);
    }
  });

  program.command('hostname').description('check whether a hostname label is available').argument('<label>').action(async (label: string, _options, command: Command) => {
    const result = await apiFrom(command).request<Static<typeof Availability>>('GET', `/api/v1/hostnames/${encodeURIComponent(label)}`);
    print(result.available ? `${result.hostname} is available` : `${result.hostname} is not available: ${result.detail}`);
    if (!result.available) process.exitCode = 1;
  });

  program.command('job').description('show a job and follow it until it ends').argument('<id>').action(async (id: string, _options, command: Command) => {
    await followToEnd(apiFrom(command), id);
  });

  const host = program.command('host').description('buy and manage hosts');
  host.command('create').description('buy a host and start building it').argument('<label>')
    .requiredOption('--size <size>', 'a size from `homeport sizes`')
    .requiredOption('--seats <n>', 'monthly active user seats', (value) => Number(value))
    .option('--homeserver-domain <domain>', 'custom DNS: your Matrix domain (the server name, for good); needs --client-domain')
    .option('--client-domain <domain>', 'custom DNS: where clients reach the host, a CNAME to the edge; needs --homeserver-domain')
    .option('--wait', 'follow the build until it ends')
    .action(async (label: string, options: { size: string; seats: number; homeserverDomain?: string; clientDomain?: string; wait?: boolean }, command: Command) => {
      const api = apiFrom(command);
      const body: Record<string, unknown> = { label, size: options.size, seats: options.seats };
      if (options.homeserverDomain !== undefined || options.clientDomain !== undefined) {
        if (options.homeserverDomain === undefined || options.clientDomain === undefined) command.error('custom DNS needs both --homeserver-domain and --client-domain');
        body.customDns = { homeserverDomain: options.homeserverDomain, clientDomain: options.clientDomain };
      }
      const { host: created, job } = await api.request<{ host: HostView; job: JobSummary }>('POST', '/api/v1/hosts', body);
      printHost(created);
      await waitFor(api, job, Boolean(options.wait));
      if (options.wait) printHost(await api.request<HostView>('GET', `/api/v1/hosts/${created.id}`));
    });

  host.command('list').description('list your hosts').action(async (_options, command: Command) => {
    const api = apiFrom(command);
    const hosts: HostView[] = [];
    for (let after: string | null = ''; after !== null;) {
      const page: { hosts: HostView[]; next: string | null } = await api.request('GET', `/api/v1/hosts?limit=500${after ? `&after=${after}` : ''}`);
      hosts.push(...page.hosts);
      after = page.next;
    }
    if (hosts.length === 0) print('no hosts yet: `homeport host create <label> --size <size> --seats <n>`');
    for (const item of hosts) {
      print(`${item.label.padEnd(24)} ${wordsOr(hostStatusWords, item.status).padEnd(18)} ${item.size.padEnd(11)} ${String(item.seats).padStart(6)} seats  ${item.homeserverUrl}${item.stagingCloneOf ? `  (staging clone of ${item.stagingCloneOf})` : ''}`);
    }
  });

  host.command('show').description('show a host').argument('<host>', 'label or id').action(async (ref: string, _options, command: Command) => {
    printHost(await apiFrom(command).request<HostView>('GET', `/api/v1/hosts/${encodeURIComponent(ref)}`));
  });

  host.command('set').description('raise seats or set the Trust & Safety contact').argument('<host>', 'label or id')
    .option('--seats <n>', 'new seat count (can only go up)', (value) => Number(value))
    .option('--support-email <email>', 'Trust & Safety contact ("" removes it)')
    .option('--wait', 'follow the resulting rebuild')
    .action(async (ref: string, options: { seats?: number; supportEmail?: string; wait?: boolean }, command: Command) => {
      const api = apiFrom(command);
      const body: Record<string, unknown> = {};
      if (options.seats !== undefined) body.seats = options.seats;
      if (options.supportEmail !== undefined) body.supportEmail = options.supportEmail === '' ? null : options.supportEmail;
      const result = await api.request<{ host: HostView; job: JobSummary | null }>('PATCH', `/api/v1/hosts/${encodeURIComponent(ref)}`, body);
      printHost(result.host);
      if (result.job) await waitFor(api, result.job, Boolean(options.wait));
    });

  host.command('rebuild').description('re-render the configuration and restart, keeping data').argument('<host>', 'label or id')
    .option('--wait', 'follow the rebuild until it ends')
    .action(async (ref: string, options: { wait?: boolean }, command: Command) => {
      const api = apiFrom(command);
      const { job } = await api.request<{ job: JobSummary }>('POST', `/api/v1/hosts/${encodeURIComponent(ref)}/rebuild`);
      await waitFor(api, job, Boolean(options.wait));
    });

  host.command('delegation').description('what to publish for a custom-DNS host: well-knowns, CNAME, snippets').argument('<host>', 'label or id')
    .action(async (ref: string, _options, command: Command) => {
      const delegation = await apiFrom(command).request<DelegationView>('GET', `/api/v1/hosts/${encodeURIComponent(ref)}/delegation`);
      printDelegation(delegation);
    });

  host.command('check')
    .description('check again: whether remote servers reach the host and trust its key (federation); for a custom-DNS host also its well-knowns and CNAME')
    .argument('<host>', 'label or id')
    .action(async (ref: string, _options, command: Command) => {
      const api = apiFrom(command);
      const path = `/api/v1/hosts/${encodeURIComponent(ref)}`;
      // A custom-DNS host's delegation check includes its federation check.
      const { customDns } = await api.request<HostView>('GET', path);
      const check = await api.request<DelegationCheckView>('POST', `${path}/${customDns ? 'delegation-checks' : 'federation-checks'}`);
      printCheck(check);
      if (!check.passed) process.exitCode = 1;
    });

  host.command('cancel').description('cancel a host for good (removes its data); without --confirm, says what it would cost first')
    .argument('<host>', 'label or id')
    .option('--confirm <label>', 'type the host label again to confirm')
    .option('--wait', 'follow the removal until it ends')
    .action(async (ref: string, options: { confirm?: string; wait?: boolean }, command: Command) => {
      const api = apiFrom(command);
      const path = `/api/v1/hosts/${encodeURIComponent(ref)}`;
      if (options.confirm === undefined) {
        const terms = await api.request<CancellationTermsView>('GET', `${path}/cancellation-terms`);
        print('Cancelling removes the server, its database and media for good.');
        print(terms.text);
        if (terms.clonesText) print(terms.clonesText);
        print(`To cancel, run again with --confirm ${ref}.`);
        return;
      }
      const { job, billing, clones } = await api.request<{ job: JobSummary; billing: string; clones: Array<{ label: string; job: JobSummary }> }>('DELETE', path, { confirm: options.confirm });
      print(billing);
      for (const clone of clones) print(`staging clone ${clone.label} cancelled with it (job ${clone.job.id})`);
      await waitFor(api, job, Boolean(options.wait));
      for (const clone of clones) await waitFor(api, clone.job, Boolean(options.wait));
    });

  registerClientCommands(host);
  registerFederationCommands(host);
  registerSsoCommands(host);
  registerCallsCommands(host);
}
