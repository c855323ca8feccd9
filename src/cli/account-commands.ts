// `homeport account create` and `homeport token create|revoke`: operator actions run against the database directly.
import type { Command } from 'commander';
import { loadConfig } from '../config.ts';
import { PostgresCluster } from '../runtime/local/postgres-cluster.ts';
import { createLogger } from '../logger.ts';
import { checkAccountDetails } from '../domain/account-details.ts';
import { createAccount, createApiToken, findAccountByEmail, revokeApiToken, updateAccount } from '../store/accounts.ts';
import { recordAudit } from '../store/audit-log.ts';
import { openDatabase, type OpenedDatabase } from '../store/database.ts';

async function openHomeportDatabase(): Promise<OpenedDatabase> {
  const config = loadConfig();
  if (config.databaseUrl) return openDatabase(config.databaseUrl, 2);
  const cluster = new PostgresCluster({ dataDir: config.dataDir, port: config.pgPort, logger: createLogger('warn') });
  if (!(await cluster.isRunning())) throw new Error(`Homeport's database in ${config.dataDir} is not running: start Homeport first (homeport start)`);
  return openDatabase(await cluster.connectionString('homeport'), 2);
}

export async function withDatabase<T>(action: (opened: OpenedDatabase) => Promise<T>): Promise<T> {
  const opened = await openHomeportDatabase();
  try {
    return await action(opened);
  } finally {
    await opened.close();
  }
}

const print = (line: string) => process.stdout.write(line + '\n');

interface AccountCreateOptions {
  email: string;
  name: string;
  operator?: boolean;
  withToken?: boolean;
  invoicePayment?: boolean;
  address?: string;
  postalCode?: string;
  city?: string;
  country?: string;
}

export function registerAccountCommands(program: Command): void {
  const account = program.command('account').description('customer accounts (operator)');
  account.command('create').description('create a customer account')
    .requiredOption('--email <email>').requiredOption('--name <name>')
    .option('--operator', 'the account may use the operator console')
    .option('--with-token', 'also create a personal API token and print it once')
    .option('--invoice-payment', 'the account may pay by invoice / bank transfer')
    .option('--address <line>', 'billing address: street and number')
    .option('--postal-code <code>', 'billing address: postal code')
    .option('--city <city>', 'billing address: city')
    .option('--country <code>', 'billing address: ISO 3166-1 country code, e.g. DE')
    .action(async (options: AccountCreateOptions) => {
      const billingAddress = options.address ? { line1: options.address, postalCode: options.postalCode ?? '', city: options.city ?? '', country: options.country ?? '' } : null;
      const checked = checkAccountDetails({ name: options.name, companyName: null, vatId: null, billingAddress });
      if (checked.problems.length > 0) throw new Error(checked.problems.map((problem) => `${problem.field}: ${problem.message}`).join('; '));
      await withDatabase(async ({ db }) => {
        const created = await createAccount(db, { email: options.email, name: options.name, isOperator: options.operator, emailVerified: true });
        const address = checked.details.billingAddress;
        if (address || options.invoicePayment) {
          await updateAccount(db, created.id, {
            invoice_payment_enabled: Boolean(options.invoicePayment),
            ...(address ? { billing_line1: address.line1, billing_postal_code: address.postalCode, billing_city: address.city, billing_country: address.country } : {}),
          });
        }
        await recordAudit(db, { actorAccountId: null, actor: 'operator-cli', action: 'account.created', details: { accountId: created.id, email: created.email, invoicePayment: Boolean(options.invoicePayment) } });
        print(`account ${created.id} ${created.email}`);
        if (options.withToken) {
          const { token } = await createApiToken(db, created.id, 'cli');
          print(`token ${token}`);
          print('(the token is shown once; store it now)');
        }
      });
    });

  const token = program.command('token').description('personal API tokens (operator)');
  token.command('create').description('create a personal API token for an account and print it once')
    .requiredOption('--email <email>').option('--name <name>', 'what the token is for', 'cli')
    .action(async (options: { email: string; name: string }) => {
      await withDatabase(async ({ db }) => {
        const owner = await findAccountByEmail(db, options.email);
        if (!owner) throw new Error(`no account with ${options.email}`);
        const created = await createApiToken(db, owner.id, options.name);
        await recordAudit(db, { actorAccountId: null, actor: 'operator-cli', action: 'token.created', details: { accountId: owner.id, tokenId: created.id } });
        print(created.token);
        process.stderr.write(`token id ${created.id}: shown once; revoke it with \`homeport token revoke --email ${owner.email} ${created.id}\`\n`);
      });
    });
  token.command('revoke').description('revoke a token').requiredOption('--email <email>').argument('<id>')
    .action(async (id: string, options: { email: string }) => {
      await withDatabase(async ({ db }) => {
        const owner = await findAccountByEmail(db, options.email);
        if (!owner || !(await revokeApiToken(db, owner.id, id))) throw new Error('no such active token for that account');
        print('revoked');
      });
    });
}
