// `homeport`: the command line. Reads argv and the environment, then calls the services or the API.
import { Command, CommanderError } from 'commander';
import { ConfigError, loadConfig } from '../config.ts';
import { controlPlaneRoles, parseRoles } from '../control-plane-roles.ts';
import { HomeportError } from '../domain/errors.ts';
import { createLogger, unhandledRejectionMessage } from '../logger.ts';
import { ensureSynapseVenv, synapseVersion } from '../runtime/local/synapse-venv.ts';
import { caddyRootCertificatePath } from '../runtime/local/caddy-edge.ts';
import { startHomeport } from '../start-homeport.ts';
import { registerAccountCommands } from './account-commands.ts';
import { registerBillingCommands } from './billing-commands.ts';
import { registerCapacityCommands } from './capacity-commands.ts';
import { registerSellerCommands } from './seller-commands.ts';
import { ApiProblem } from './api-client.ts';
import { backupStoreCheck, formatChecks, runChecks } from './doctor.ts';
import { registerElementWebCommands } from './element-web-commands.ts';
import { registerHostCommands } from './host-commands.ts';
import { registerPortabilityCommands } from './portability-commands.ts';
import { registerBackupCommands } from './backup-commands.ts';
import { registerRegistrationTokenCommands } from './registration-token-commands.ts';
import { registerServiceCommands } from './service-commands.ts';
import { registerSynapseCommands } from './synapse-commands.ts';
import { registerUserCommands } from './user-commands.ts';

const program = new Command('homeport')
  .description('Run a Matrix hosting service: hosts are real Synapse homeservers behind a Caddy edge.')
  .option('--api-url <url>', 'Homeport API (HOMEPORT_API_URL)', process.env.HOMEPORT_API_URL ?? `http://127.0.0.1:${process.env.HOMEPORT_API_PORT || 8080}`)
  .option('--token <token>', 'personal API token (HOMEPORT_TOKEN)', process.env.HOMEPORT_TOKEN)
  .showHelpAfterError();

/** `homeport start`: runs the roles asked for until Ctrl-C or SIGTERM. */
async function start(options: { roles?: string }): Promise<void> {
  const loaded = loadConfig();
  const config = options.roles === undefined ? loaded : { ...loaded, roles: parseRoles(options.roles, '--roles') };
  const problems = (await runChecks(config)).filter((check) => !check.ok);
  if (problems.length > 0) {
    console.error(`homeport: missing prerequisites:\n${formatChecks(problems)}`);
    process.exitCode = 1;
    return;
  }
  const logger = createLogger(config.logLevel);
  // A promise nobody awaited is a bug, but no reason to take every host's API down: it is logged
  // (tests fail on this line, see test/support/homeport-process.ts) and Homeport keeps serving.
  process.on('unhandledRejection', (reason) => logger.error({ err: reason }, unhandledRejectionMessage));
  const running = await startHomeport(config, { logger });
  console.error(`Homeport is running: control panel and API on ${running.apiUrl}/, hosts on https://<label>.${config.baseDomain}:${config.edgeHttpsPort}/`);
  await new Promise<void>((resolve) => {
    const shutdown = () => {
      running.stop().then(resolve, (error: unknown) => {
        console.error('homeport: stopping failed', error);
        process.exitCode = 1;
        resolve();
      });
    };
    process.once('SIGINT', shutdown);
    process.once('SIGTERM', shutdown);
  });
}

program.command('start').description('start Homeport: database, edge, hosts, jobs and API (Ctrl-C stops it)')
  .option('--roles <roles>', `what this process does, comma-separated: ${controlPlaneRoles.join(', ')} (HOMEPORT_ROLES; default: all)`)
  .action(start);

program.command('doctor').description('check prerequisites (and the S3 backup store when one is set) and say how to fix what is missing').action(async () => {
  const config = loadConfig();
  const store = await backupStoreCheck(config);
  const checks = [...(await runChecks(config)), ...(store ? [store] : [])];
  console.log(formatChecks(checks));
  if (checks.some((check) => !check.ok)) process.exitCode = 1;
});

program.command('install-synapse').description('create the Synapse virtual environment now (start does it on first run)').action(async () => {
  const config = loadConfig();
  const python = await ensureSynapseVenv({ venv: config.synapseVenv, python: config.python, logger: createLogger('info') });
  console.log(`Synapse ${synapseVersion} is installed: ${python}`);
});

program.command('edge-ca').description("print the path of the edge's development root certificate (HOMEPORT_TLS=internal)").action(() => {
  console.log(caddyRootCertificatePath(loadConfig().dataDir));
});

registerAccountCommands(program);
registerHostCommands(program);
registerCapacityCommands(program);
registerUserCommands(program);
registerRegistrationTokenCommands(program);
registerPortabilityCommands(program);
registerBackupCommands(program);
registerBillingCommands(program);
registerSellerCommands(program);
registerServiceCommands(program);
registerElementWebCommands(program);
registerSynapseCommands(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) process.exit(error.exitCode);
  const message = error instanceof ApiProblem || error instanceof HomeportError || error instanceof ConfigError
    ? error.message
    : error instanceof Error ? error.message : String(error);
  console.error(`homeport: ${message}`);
  // Exit now even if something failed half-way and still holds the event loop open.
  process.exit(error instanceof ApiProblem && error.status < 500 ? 2 : 1);
}
