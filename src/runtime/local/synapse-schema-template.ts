// A PostgreSQL template database holding an empty Synapse schema of the installed version, so a
// new host's database is a quick copy instead of Synapse creating its whole schema on first start
// (about half of a bare Synapse's cold start). Prepared once per Synapse version, in the
// background after Homeport starts; until it is ready, hosts get an empty database as before.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { communityRateLimits } from '../../domain/rate-limits.ts';
import type { Logger } from '../../logger.ts';
import { generateHomeserverSecrets } from '../../synapse/host-secrets.ts';
import { renderHomeserverConfig, renderLogConfig } from '../../synapse/homeserver-config.ts';
import { synapseEnvironment } from './synapse-venv.ts';
import { homeserverPaths } from './host-folder.ts';

const run = promisify(execFile);

/** The role that owns the template's tables; each copy hands them to the host's own role. */
export const templateOwner = 'synapse_schema_template';
const templatePrefix = 'synapse_template_';

/**
 * `_updated`: the template's background updates have run (index builds and the like), so a new
 * host does not spend its first minutes running them, each holding a database connection and a
 * share of the CPU. An older template without them is dropped and prepared again.
 */
export function templateDatabaseName(synapseVersion: string): string {
  return `${templatePrefix}${synapseVersion.replace(/[^a-z0-9]/gi, '_').toLowerCase()}_updated`;
}

export interface SchemaTemplateOptions {
  adminPool: pg.Pool;
  /** How Synapse's update script reaches that PostgreSQL. */
  databaseEndpoint: { host: string; port: number };
  venvPython: string;
  synapseVersion: string;
  /** A scratch directory for the throwaway homeserver.yaml the update script reads. */
  workDir: string;
  logger: Logger;
}

export class SynapseSchemaTemplate {
  readonly #options: SchemaTemplateOptions;
  readonly #name: string;
  #ready = false;
  #preparing: Promise<void> | undefined;
  readonly #stop = new AbortController();

  constructor(options: SchemaTemplateOptions) {
    this.#options = options;
    this.#name = templateDatabaseName(options.synapseVersion);
  }

  /** The template's name once it is prepared, else undefined (then hosts start from template0). */
  readyTemplate(): string | undefined {
    return this.#ready ? this.#name : undefined;
  }

  /** Starts preparing in the background; failures are logged and leave builds on the slow path. */
  prepareInBackground(): void {
    this.#preparing ??= this.prepare().catch((error: unknown) => {
      if (!this.#stop.signal.aborted) this.#options.logger.warn({ err: error }, 'the Synapse schema template could not be prepared; new hosts create their schema on first start');
    });
  }

  async stop(): Promise<void> {
    this.#stop.abort();
    await this.#preparing;
  }

  /** Idempotent: finds a finished template, or builds one under a scratch name and renames it when complete. */
  async prepare(): Promise<void> {
    const admin = this.#options.adminPool;
    const found = await admin.query<{ datistemplate: boolean }>('SELECT datistemplate FROM pg_database WHERE datname = $1', [this.#name]);
    if (found.rows[0]?.datistemplate) {
      await admin.query(`ALTER DATABASE ${pg.escapeIdentifier(this.#name)} OWNER TO CURRENT_USER`);
      this.#ready = true;
      await this.#dropOtherVersions();
      return;
    }
    const started = Date.now();
    const scratch = `${this.#name}_wip`;
    const password = randomBytes(24).toString('base64url');
    const role = pg.escapeIdentifier(templateOwner);
    await admin.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(scratch)} WITH (FORCE)`);
    const roleExists = await admin.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [templateOwner]);
    await admin.query(`${roleExists.rowCount ? 'ALTER' : 'CREATE'} ROLE ${role} LOGIN PASSWORD ${pg.escapeLiteral(password)}`);
    await admin.query(`CREATE DATABASE ${pg.escapeIdentifier(scratch)} ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0 OWNER ${role}`);
    await this.#runSynapseUpdate({ name: scratch, user: templateOwner, password });
    // The template's role logs in only while it is being prepared, and owns the tables but not the
    // database: REASSIGN OWNED in a copy also hands over the shared objects the role owns, and the
    // template database must not become the first host's.
    await admin.query(`ALTER ROLE ${role} NOLOGIN PASSWORD NULL`);
    await admin.query(`ALTER DATABASE ${pg.escapeIdentifier(scratch)} OWNER TO CURRENT_USER`);
    await admin.query(`ALTER DATABASE ${pg.escapeIdentifier(scratch)} RENAME TO ${pg.escapeIdentifier(this.#name)}`);
    await admin.query(`ALTER DATABASE ${pg.escapeIdentifier(this.#name)} WITH IS_TEMPLATE true ALLOW_CONNECTIONS false`);
    this.#ready = true;
    this.#options.logger.info({ template: this.#name, ms: Date.now() - started }, 'Synapse schema template prepared');
    await this.#dropOtherVersions();
  }

  /** Runs Synapse's own schema preparation (`update_synapse_database`) against the scratch database. */
  async #runSynapseUpdate(database: { name: string; user: string; password: string }): Promise<void> {
    const dir = join(this.#options.workDir, 'schema-template');
    await rm(dir, { recursive: true, force: true });
    await mkdir(dir, { recursive: true, mode: 0o700 });
    try {
      const paths = homeserverPaths(dir);
      const { signingKey, ...secrets } = generateHomeserverSecrets();
      await writeFile(paths.signingKey, signingKey, { mode: 0o600 });
      await writeFile(paths.logConfig, renderLogConfig({ paths }));
      await writeFile(paths.homeserverConfig, renderHomeserverConfig({
        serverName: 'schema-template.invalid', publicBaseUrl: 'https://schema-template.invalid/', listener: { address: '127.0.0.1', port: 1 },
        database: { ...this.#options.databaseEndpoint, ...database }, paths, secrets, seats: 1, maxUploadSize: '1M', rateLimits: communityRateLimits, databasePool: { min: 1, max: 2 },
        federation: { mode: 'off', allowedServers: [], trustedKeyServers: [] },
      }), { mode: 0o600 });
      await run(this.#options.venvPython, ['-m', 'synapse._scripts.update_synapse_database', '--database-config', paths.homeserverConfig, '--run-background-updates'], {
        cwd: dir, env: synapseEnvironment(), signal: this.#stop.signal, timeout: 300_000, maxBuffer: 16 * 1024 * 1024,
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  async #dropOtherVersions(): Promise<void> {
    const others = await this.#options.adminPool.query<{ datname: string }>(
      'SELECT datname FROM pg_database WHERE datname LIKE $1 AND datname <> $2', [`${templatePrefix}%`, this.#name],
    );
    for (const { datname } of others.rows) {
      const name = pg.escapeIdentifier(datname);
      await this.#options.adminPool.query(`ALTER DATABASE ${name} WITH IS_TEMPLATE false`);
      await this.#options.adminPool.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      this.#options.logger.info({ template: datname }, 'dropped the schema template of another Synapse version');
    }
  }
}
