// `homeport host sso`: a host's identity providers (OpenID Connect), password login, and links of users to provider accounts.
import type { Command } from 'commander';
import type { Static } from 'typebox';
import type { JobSummary } from '../contract/jobs.ts';
import type { SignOn, SsoLinks } from '../contract/single-sign-on.ts';
import type { ApiClient } from './api-client.ts';
import { apiForCommand, hostPath, print } from './command-api.ts';
import { reportQueuedJob } from './job-progress.ts';

type SignOnView = Static<typeof SignOn>;
type Changed = { signOn: SignOnView; job: Static<typeof JobSummary> | null };

function printSignOn(signOn: SignOnView): void {
  print(`redirect URI to register at each provider: ${signOn.redirectUri}`);
  print(`password login: ${signOn.passwordLogin ? 'on' : 'off'}`);
  if (signOn.providers.length === 0) print('identity providers: none');
  for (const provider of signOn.providers) {
    print(`${provider.id}: ${provider.name} — issuer ${provider.issuer}, client ${provider.clientId}, scopes ${provider.scopes.join(' ')}, user name from ${provider.userIdSource}`);
  }
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

async function report(api: ApiClient, result: Changed, wait: boolean | undefined): Promise<void> {
  printSignOn(result.signOn);
  await reportQueuedJob(api, result.job, wait, print);
}

export function registerSsoCommands(host: Command): void {
  const sso = host.command('sso').description('single sign-on: identity providers (OpenID Connect) and password login; changes rebuild the host');

  sso.command('show').description('the providers (never their secrets), password login, and the redirect URI').argument('<host>', 'label or id')
    .action(async (ref: string, _options, command: Command) => {
      printSignOn(await apiForCommand(command).request<SignOnView>('GET', `${hostPath(ref)}/sso`));
    });

  sso.command('set').description('add or change an identity provider; Homeport checks it at the provider first')
    .argument('<host>', 'label or id').argument('<provider>', 'short id, e.g. staff')
    .requiredOption('--name <name>', 'what the login button says')
    .requiredOption('--issuer <url>', 'the issuer, exactly as the discovery document names it')
    .requiredOption('--client-id <id>', 'the client ID registered at the provider')
    .option('--client-secret-stdin', 'read the client secret from standard input (needed for a new provider; kept otherwise)')
    .option('--scopes <scopes>', 'space-separated scopes (default: openid profile email)')
    .option('--user-id-from <source>', 'preferred_username, email_localpart or sub', 'preferred_username')
    .option('--wait', 'follow the rebuild until it ends')
    .action(async (ref: string, providerId: string, options: { name: string; issuer: string; clientId: string; clientSecretStdin?: boolean; scopes?: string; userIdFrom: string; wait?: boolean }, command: Command) => {
      const api = apiForCommand(command);
      const body = {
        name: options.name, issuer: options.issuer, clientId: options.clientId, userIdSource: options.userIdFrom,
        ...(options.scopes === undefined ? {} : { scopes: options.scopes.split(/\s+/).filter((scope) => scope !== '') }),
        ...(options.clientSecretStdin ? { clientSecret: await readStdin() } : {}),
      };
      await report(api, await api.request<Changed>('PUT', `${hostPath(ref)}/sso/providers/${encodeURIComponent(providerId)}`, body), options.wait);
    });

  sso.command('remove').description('remove an identity provider').argument('<host>', 'label or id').argument('<provider>', 'its id')
    .option('--wait', 'follow the rebuild until it ends')
    .action(async (ref: string, providerId: string, options: { wait?: boolean }, command: Command) => {
      const api = apiForCommand(command);
      await report(api, await api.request<Changed>('DELETE', `${hostPath(ref)}/sso/providers/${encodeURIComponent(providerId)}`), options.wait);
    });

  sso.command('password-login').description('keep password login on, or switch it off (needs an identity provider)')
    .argument('<host>', 'label or id').argument('<state>', 'on or off')
    .option('--wait', 'follow the rebuild until it ends')
    .action(async (ref: string, state: string, options: { wait?: boolean }, command: Command) => {
      if (state !== 'on' && state !== 'off') command.error('the state is on or off');
      const api = apiForCommand(command);
      await report(api, await api.request<Changed>('PUT', `${hostPath(ref)}/sso/password-login`, { passwordLogin: state === 'on' }), options.wait);
    });

  sso.command('link').description('link an existing user to their account at a provider (its subject, the sub claim)')
    .argument('<host>', 'label or id').argument('<user>', 'user ID or name').argument('<provider>', 'provider id').argument('<subject>', 'the user\'s sub at the provider')
    .action(async (ref: string, user: string, providerId: string, subject: string, _options, command: Command) => {
      const answer = await apiForCommand(command).request<Static<typeof SsoLinks>>('PUT', `${hostPath(ref)}/users/${encodeURIComponent(user)}/sso-link`, { providerId, subject });
      for (const link of answer.links) print(`${link.authProvider}: ${link.externalId}`);
    });
}
