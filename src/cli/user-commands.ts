// `homeport user list|show|add|admin|password|deactivate`: a host's Matrix users, through the API.
import type { Command } from 'commander';
import type { Static } from 'typebox';
import type { AddedUser, HostUser as HostUserSchema, HostUserPage, PasswordReset, UserWithWarning } from '../contract/host-users.ts';
import { keyBackupWarning, passwordShownOnce } from '../contract/customer-warnings.ts';
import type { ApiClient } from './api-client.ts';
import { apiForCommand, hostPath, print } from './command-api.ts';

type HostUser = Static<typeof HostUserSchema>;

const userPath = (host: string, user: string) => `${hostPath(host)}/users/${encodeURIComponent(user)}`;

function flags(user: HostUser): string {
  return [user.admin && 'admin', user.deactivated && (user.erased ? 'deactivated+erased' : 'deactivated'), user.locked && 'locked'].filter(Boolean).join(',');
}

function printUser(user: HostUser): void {
  print(user.userId);
  print(`  display name: ${user.displayName ?? '(none)'}`);
  print(`  server admin: ${user.admin ? 'yes' : 'no'}`);
  print(`  status:       ${user.deactivated ? (user.erased ? 'deactivated and erased' : 'deactivated') : user.locked ? 'locked' : 'active'}`);
  print(`  created:      ${user.createdAt ?? 'unknown'}`);
  print(`  last seen:    ${user.lastSeenAt ?? 'never'}`);
}

/** A secret the CLI prints once: on its own line, so it can be copied without surroundings. */
function printSecretOnce(label: string, secret: string, warning: string): void {
  print(`${label}: ${secret}`);
  process.stderr.write(`${warning}\n`);
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

async function listUsers(api: ApiClient, host: string, options: { search?: string; from?: number; limit?: number; activeOnly?: boolean }): Promise<void> {
  const query = new URLSearchParams();
  if (options.search) query.set('search', options.search);
  if (options.from !== undefined) query.set('from', String(options.from));
  if (options.limit !== undefined) query.set('limit', String(options.limit));
  if (options.activeOnly) query.set('deactivated', 'false');
  const page = await api.request<Static<typeof HostUserPage>>('GET', `${hostPath(host)}/users?${query}`);
  for (const user of page.users) {
    print(`${user.userId.padEnd(40)} ${(user.displayName ?? '').padEnd(24)} ${flags(user).padEnd(20)} last seen ${user.lastSeenAt ?? 'never'}`);
  }
  print(`${page.users.length} shown, ${page.total} in all${page.next === null ? '' : `; next page: --from ${page.next}`}`);
}

export function registerUserCommands(program: Command): void {
  const user = program.command('user').description("manage a host's Matrix users (server admin)");

  user.command('list').description("list a host's users").argument('<host>', 'host label or id')
    .option('--search <text>', 'part of the username or display name')
    .option('--from <n>', 'start of the page (from an earlier "next page")', (value) => Number(value))
    .option('--limit <n>', 'users per page (at most 100)', (value) => Number(value))
    .option('--active-only', 'leave deactivated users out')
    .action(async (host: string, options: { search?: string; from?: number; limit?: number; activeOnly?: boolean }, command: Command) => {
      await listUsers(apiForCommand(command), host, options);
    });

  user.command('show').description('show a user').argument('<host>', 'host label or id').argument('<user>', 'user ID or username')
    .action(async (host: string, ref: string, _options, command: Command) => {
      printUser(await apiForCommand(command).request<HostUser>('GET', userPath(host, ref)));
    });

  user.command('add').description('add a user; prints a generated password once').argument('<host>', 'host label or id').argument('<username>', 'lowercase username, e.g. alice')
    .option('--display-name <name>', 'the name other users see')
    .option('--admin', 'make the new user a server admin (great power over the host)')
    .action(async (host: string, username: string, options: { displayName?: string; admin?: boolean }, command: Command) => {
      const body = { username, ...(options.displayName ? { displayName: options.displayName } : {}), admin: Boolean(options.admin) };
      const added = await apiForCommand(command).request<Static<typeof AddedUser>>('POST', `${hostPath(host)}/users`, body);
      print(`added ${added.user.userId}${added.user.admin ? ' (server admin)' : ''}`);
      printSecretOnce('password', added.password, added.warning);
    });

  user.command('admin').description('make a user server admin, or take the rights away').argument('<host>', 'host label or id').argument('<user>', 'user ID or username')
    .option('--revoke', 'take server admin rights away')
    .action(async (host: string, ref: string, options: { revoke?: boolean }, command: Command) => {
      const result = await apiForCommand(command).request<Static<typeof UserWithWarning>>('PUT', `${userPath(host, ref)}/admin`, { admin: !options.revoke });
      print(`${result.user.userId} is ${result.user.admin ? 'now a server admin' : 'no longer a server admin'}`);
      process.stderr.write(`${result.warning}\n`);
    });

  user.command('password').description('reset a password: signs the user out of every session').argument('<host>', 'host label or id').argument('<user>', 'user ID or username')
    .option('--password-stdin', 'read a chosen password from standard input instead of generating one')
    .option('--yes', 'go ahead: the user has key backup set up')
    .action(async (host: string, ref: string, options: { passwordStdin?: boolean; yes?: boolean }, command: Command) => {
      // The help pages warn before a reset, not after: without --yes only the warning is shown.
      if (!options.yes) {
        process.stderr.write(`${keyBackupWarning}\nRun again with --yes to reset the password.\n`);
        process.exitCode = 2;
        return;
      }
      const body = options.passwordStdin ? { password: await readStdin() } : {};
      const result = await apiForCommand(command).request<Static<typeof PasswordReset>>('POST', `${userPath(host, ref)}/password`, body);
      print(`password of ${result.user.userId} reset; every session was signed out`);
      if (result.password) printSecretOnce('password', result.password, passwordShownOnce);
    });

  user.command('deactivate').description('deactivate a user for good').argument('<host>', 'host label or id').argument('<user>', 'user ID or username')
    .requiredOption('--confirm <user-id>', 'the full user ID typed again, e.g. @alice:acme.example')
    .option('--erase', "also hide the user's messages from people who join rooms later")
    .action(async (host: string, ref: string, options: { confirm: string; erase?: boolean }, command: Command) => {
      const result = await apiForCommand(command).request<HostUser>('POST', `${userPath(host, ref)}/deactivate`, { erase: Boolean(options.erase), confirm: options.confirm });
      print(`${result.userId} is deactivated${result.erased ? ' and erased' : ''}`);
    });
}

