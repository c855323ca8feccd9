// The import job, step by step: unpack (decrypt, unzip) the files into a work folder, write the
// host's config with the imported secrets, restore the database into a fresh empty one, fix its
// sequences, restore the media, start Synapse and prove a named user can log in. Every step
// finds its own finished work (a marker file or a recorded time) and skips it.
import { access, copyFile, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { DumpFormat } from '../../runtime/runtime.ts';
import { findImportOfJob, updateImport } from '../../store/imports.ts';
import { findHost } from '../../store/hosts.ts';
import { loadHostSecrets } from '../../store/host-secrets.ts';
import type { ImportRow } from '../../store/schema.ts';
import { SynapseApiError, synapseRequest } from '../../synapse/synapse-http.ts';
import { adminLocalpart } from '../host-admin-access.ts';
import { loadHostSpec } from '../host-spec.ts';
import type { HomeportContext } from '../../homeport-context.ts';
import { PermanentJobError, type JobStep, type StepInput } from '../job-step.ts';
import { decryptFile, unzipInto } from './archive-files.ts';
import { backgroundUpdatesRefusal, type ImportPlan } from './import-source.ts';
import { fixSynapseSequences } from './synapse-sequences.ts';

export function importWorkDir(context: Pick<HomeportContext, 'config'>, importId: string): string {
  return join(context.config.workDir, 'imports', importId);
}

export const importSecretPurpose = (importId: string, name: 'passphrase' | 'verify-password') => `import:${importId}:${name}`;

const exists = (path: string) => access(path).then(() => true, () => false);

/** What the unpack step produced, kept in the work folder for the later steps. */
interface Unpacked {
  database: { format: DumpFormat | 'sqlite'; path: string };
  media: string | null;
}

async function importFor(input: StepInput): Promise<{ row: ImportRow; plan: ImportPlan; work: string }> {
  const row = await findImportOfJob(input.context.db, input.jobId);
  if (!row) throw new PermanentJobError('the import of this job is not recorded');
  return { row, plan: row.plan as unknown as ImportPlan, work: importWorkDir(input.context, row.id) };
}

async function readUnpacked(work: string): Promise<Unpacked> {
  return JSON.parse(await readFile(join(work, 'unpacked.json'), 'utf8')) as Unpacked;
}

async function findDumpDirectory(dir: string): Promise<string> {
  if (await exists(join(dir, 'toc.dat'))) return dir;
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (entry.isDirectory() && (await exists(join(dir, entry.name, 'toc.dat')))) return join(dir, entry.name);
  }
  throw new PermanentJobError('the database zip holds no pg_dump directory (no toc.dat)');
}

export const unpackStep: JobStep = {
  name: 'unpack',
  timeoutMs: 6 * 3_600_000,
  async run(input) {
    const { row, plan, work } = await importFor(input);
    if (await exists(join(work, 'unpacked.json'))) return;
    await rm(work, { recursive: true, force: true });
    await mkdir(work, { recursive: true, mode: 0o700 });
    const passphrase = row.passphrase_sealed ? input.context.box.open(importSecretPurpose(row.id, 'passphrase'), row.passphrase_sealed) : undefined;
    const plainCopy = async (file: string, encrypted: boolean): Promise<string> => {
      const source = join(row.source_dir, file);
      if (!encrypted) return source;
      if (!passphrase) throw new PermanentJobError(`${file} is encrypted and the passphrase is no longer known`);
      const target = join(work, basename(file, '.gpg'));
      await decryptFile(source, target, passphrase);
      return target;
    };
    let databasePath = await plainCopy(plan.database.file, plan.database.encrypted);
    let format: Unpacked['database']['format'] = plan.database.format === 'zip' ? 'directory' : plan.database.format;
    if (plan.database.format === 'zip') {
      await unzipInto(databasePath, join(work, 'database'));
      databasePath = await findDumpDirectory(join(work, 'database'));
    } else if (plan.database.format === 'sqlite') {
      // synapse_port_db wants a snapshot nobody else uses.
      const copy = join(work, 'homeserver.db');
      if (databasePath !== copy) await copyFile(databasePath, copy);
      databasePath = copy;
      format = 'sqlite';
    }
    const media = plan.media ? await plainCopy(plan.media.file, plan.media.encrypted) : null;
    // A plain archive was checked when the import was asked for; a decrypted one is checked now,
    // still before the host's database exists.
    if (media && plan.media?.encrypted) await input.context.synapseTooling.checkMediaArchive(media);
    const unpacked: Unpacked = { database: { format, path: databasePath }, media };
    await writeFile(join(work, 'unpacked.json'), JSON.stringify(unpacked), { mode: 0o600 });
    await input.log(`unpacked ${plan.kind === 'homeport-export' ? 'the Homeport export' : 'the self-hosted files'} of ${plan.serverName} (database: ${format})`);
  },
};

export const restoreDatabaseStep: JobStep = {
  name: 'database restore',
  timeoutMs: 12 * 3_600_000,
  async run(input) {
    const { row, work } = await importFor(input);
    if (row.database_restored_at) return;
    const unpacked = await readUnpacked(work);
    const spec = await loadHostSpec(input.context, input.hostId);
    // From nothing on every try: a restore killed half-way leaves a database that cannot be trusted.
    await input.context.portability.resetDatabase(spec.database);
    if (unpacked.database.format === 'sqlite') {
      // Checked again here: an encrypted or zipped homeserver.db could not be looked into before the import started.
      const refusal = backgroundUpdatesRefusal(await input.context.synapseTooling.databaseSchemaState(unpacked.database));
      if (refusal) throw new PermanentJobError(refusal.message);
      await input.context.portability.portSqliteDatabase(input.hostId, unpacked.database.path, input.signal);
      await input.log(`SQLite homeserver.db ported to PostgreSQL with synapse_port_db into ${spec.database.name}`);
    } else {
      await input.context.portability.restoreDatabase(spec.database, { format: unpacked.database.format, path: unpacked.database.path }, input.signal);
      await input.log(`restored into a fresh database ${spec.database.name} without owners (pg_restore --no-owner)`);
    }
    await updateImport(input.context.db, row.id, { databaseRestoredAt: new Date() });
  },
};

export const sequencesStep: JobStep = {
  name: 'sequences and keys',
  timeoutMs: 300_000,
  async run(input) {
    const spec = await loadHostSpec(input.context, input.hostId);
    const host = await findHost(input.context.db, input.hostId);
    const secrets = await loadHostSecrets(input.context.db, input.context.box, input.hostId);
    if (!host || !secrets.adminPassword) throw new Error("the host's admin password has not been generated yet");
    const adminUser = `@${adminLocalpart}:${host.server_name}`;
    const adminHash = await input.context.synapseTooling.passwordHash(secrets.adminPassword, spec.secrets.pepper);
    const checks = await input.context.portability.withDatabase(spec.database, async (client) => {
      const found = await fixSynapseSequences(client);
      await client.query('DELETE FROM e2e_one_time_keys_json').catch(() => undefined);
      // Homeport's own admin user from an earlier Homeport gets this installation's password; its old sessions end.
      const updated = await client.query('UPDATE users SET password_hash = $1 WHERE name = $2', [adminHash, adminUser]);
      if (updated.rowCount) await client.query('DELETE FROM access_tokens WHERE user_id = $1', [adminUser]);
      return found;
    });
    const fixed = checks.filter((check) => check.fixed).map((check) => check.sequence);
    const stateGroups = checks.find((check) => check.sequence === 'state_group_id_seq');
    await input.log(`${checks.length} sequences checked${fixed.length ? `, moved up: ${fixed.join(', ')}` : ', none behind'}; state_group_id_seq last value ${stateGroups?.lastValue ?? 'unused'}; one-time keys cleared`);
  },
};

export const restoreMediaStep: JobStep = {
  name: 'media',
  timeoutMs: 12 * 3_600_000,
  async run(input) {
    const { work } = await importFor(input);
    const marker = join(work, 'media-restored');
    if (await exists(marker)) return;
    const unpacked = await readUnpacked(work);
    if (!unpacked.media) {
      await input.log('no media archive to restore');
    } else {
      await input.context.portability.restoreMedia(input.hostId, unpacked.media, input.signal);
      await input.log(`media restored from ${basename(unpacked.media)}`);
    }
    await writeFile(marker, '');
  },
};

export const verifyLoginStep: JobStep = {
  name: 'verify login',
  timeoutMs: 120_000,
  async run(input) {
    const { row } = await importFor(input);
    if (!row.verify_password_sealed) {
      await input.log(`${row.verify_user} was already verified`);
      return;
    }
    const password = input.context.box.open(importSecretPurpose(row.id, 'verify-password'), row.verify_password_sealed);
    const spec = await loadHostSpec(input.context, input.hostId);
    const baseUrl = (await input.context.runtime.hostEndpoint(spec.id)).href;
    const login = await synapseRequest<{ access_token: string; user_id: string }>(baseUrl, 'POST', '/_matrix/client/v3/login', {
      body: { type: 'm.login.password', identifier: { type: 'm.id.user', user: row.verify_user }, password, initial_device_display_name: 'Homeport import check' },
    }).catch((error: unknown) => {
      const message = `${row.verify_user} cannot log in with the given password: ${(error as Error).message}`;
      // Synapse's 403 is a wrong user or password: the same on every retry.
      throw error instanceof SynapseApiError && error.status === 403 ? new PermanentJobError(message, { cause: error }) : new Error(message, { cause: error });
    });
    await synapseRequest(baseUrl, 'POST', '/_matrix/client/v3/logout', { token: login.access_token, body: {} });
    await updateImport(input.context.db, row.id, { forgetSecrets: true });
    await input.log(`${login.user_id} logged in with their password`);
  },
};
