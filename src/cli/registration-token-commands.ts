// `homeport registration-token list|create|revoke`: the tokens a host requires for registration, through the API.
import { InvalidArgumentError, type Command } from 'commander';
import type { Static } from 'typebox';
import type { RegistrationToken } from '../contract/registration-tokens.ts';
import { apiForCommand, hostPath, print } from './command-api.ts';

type RegistrationTokenView = Static<typeof RegistrationToken>;

function describe(token: RegistrationTokenView): string {
  const uses = `${token.completed}/${token.usesAllowed ?? 'unlimited'} used, ${token.pending} pending`;
  return `${token.token.padEnd(24)} ${uses.padEnd(30)} expires ${token.expiresAt ?? 'never'}${token.usable ? '' : '  (no longer usable)'}`;
}

// Commander turns a parser's null into '', so "unlimited" stays a word until the body is built.
function parseUses(value: string): number | 'unlimited' {
  if (value === 'unlimited') return value;
  if (!/^-?\d+$/.test(value)) throw new InvalidArgumentError('a whole number or "unlimited"');
  return Number(value);
}

export function registerRegistrationTokenCommands(program: Command): void {
  const tokens = program.command('registration-token').description('registration tokens: a host requires one to register (server admin)');

  tokens.command('list').description("list a host's registration tokens").argument('<host>', 'host label or id')
    .option('--usable', 'only tokens that still work')
    .option('--unusable', 'only expired or used-up tokens')
    .action(async (host: string, options: { usable?: boolean; unusable?: boolean }, command: Command) => {
      const query = options.usable ? '?usable=true' : options.unusable ? '?usable=false' : '';
      const { tokens: list, seatWarning } = await apiForCommand(command)
        .request<{ tokens: RegistrationTokenView[]; seatWarning: string | null }>('GET', `${hostPath(host)}/registration-tokens${query}`);
      if (seatWarning) process.stderr.write(`warning: ${seatWarning}\n`);
      if (list.length === 0) print('no registration tokens: nobody can register (create one with `homeport registration-token create`)');
      for (const token of list) print(describe(token));
    });

  // The chosen token is an argument: a --token option would shadow the global API token option.
  tokens.command('create').description('create a registration token').argument('<host>', 'host label or id')
    .argument('[token]', 'a chosen token (letters, digits and . _ ~ -); random when left out')
    .requiredOption('--uses <n|unlimited>', 'how many registrations may use it', parseUses)
    .option('--expires <date-time>', 'when it stops working, e.g. 2027-01-31T23:59:00Z; never when left out')
    .action(async (host: string, token: string | undefined, options: { uses: number | 'unlimited'; expires?: string }, command: Command) => {
      const body = { ...(token === undefined ? {} : { token }), usesAllowed: options.uses === 'unlimited' ? null : options.uses, expiresAt: options.expires ?? null };
      const created = await apiForCommand(command).request<RegistrationTokenView & { seatWarning?: string }>('POST', `${hostPath(host)}/registration-tokens`, body);
      print(describe(created));
      if (created.seatWarning) process.stderr.write(`warning: ${created.seatWarning}\n`);
    });

  tokens.command('revoke').description('revoke a registration token').argument('<host>', 'host label or id').argument('<token>')
    .action(async (host: string, token: string, _options, command: Command) => {
      await apiForCommand(command).request('DELETE', `${hostPath(host)}/registration-tokens/${encodeURIComponent(token)}`);
      print(`revoked ${token}`);
    });
}
