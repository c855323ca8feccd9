// Looks at a folder to import before anything changes: a Homeport export (config document,
// database zip, media archive, SHA256SUMS, maybe encrypted) or a self-hosted Synapse's files
// (homeserver.yaml, signing key, a PostgreSQL dump or SQLite homeserver.db, a media archive).
// Everything that would make the import fail is refused here, with the reason.
import { open, readdir, readFile, rm, stat, statfs } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { parse } from 'yaml';
import { checksumsFileName, parseChecksums } from '../../domain/checksums.ts';
import { HomeportError } from '../../domain/errors.ts';
import { compareVersions, parseExportDocument } from '../../domain/export-document.ts';
import { federationFromWhitelist, type HostFederation } from '../../domain/federation.ts';
import type { SchemaState, SynapseTooling } from '../../runtime/runtime.ts';
import { InvalidSigningKey, parseSigningKey } from '../../synapse/signing-key.ts';
import { ArchiveRefused } from '../../domain/archive-entries.ts';
import { checkZip, decryptFile, sha256File, WrongPassphrase } from './archive-files.ts';

export type SourceDatabaseFormat = 'zip' | 'directory' | 'custom' | 'plain-gzip' | 'sqlite';

/** What the import job does with the folder; stored with the import (no secrets in it). */
export interface ImportPlan {
  kind: 'homeport-export' | 'self-hosted';
  serverName: string;
  database: { file: string; format: SourceDatabaseFormat; encrypted: boolean };
  media: { file: string; encrypted: boolean } | null;
  /** Disk the import needs while unpacking and restoring, in bytes. */
  requiredBytes: number;
  /** Whom the server federated with where it came from; the new host keeps it. */
  federation: HostFederation;
}

export interface ImportedSecrets {
  signingKey: string;
  pepper: string;
  macaroonSecretKey?: string;
  formSecret?: string;
  registrationSharedSecret?: string;
}

export interface ImportSource {
  plan: ImportPlan;
  secrets: ImportedSecrets;
}

export interface InspectInput {
  dir: string;
  passphrase: string | undefined;
  tooling: SynapseTooling;
  /** A private scratch directory (removed afterwards) for decrypting the config document. */
  scratchDir: string;
  /** Told each check as it passes (for the log: a slow or stuck inspection shows where it is). */
  progress?: (step: string) => void;
}

const invalid = (detail: string) => new HomeportError('import-invalid', 'Cannot import these files', detail);

async function isFile(path: string): Promise<boolean> {
  return stat(path).then((info) => info.isFile(), () => false);
}

async function listDir(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir)).sort();
  } catch {
    throw invalid(`${dir} is not a readable folder on the Homeport machine.`);
  }
}

/** synapse_port_db copies only a SQLite database whose background updates have all run; only its own Synapse can run them. */
export function backgroundUpdatesRefusal(state: SchemaState): HomeportError | undefined {
  const pending = state.pendingBackgroundUpdates ?? [];
  if (pending.length === 0) return undefined;
  const shown = pending.slice(0, 3).join(', ') + (pending.length > 3 ? ', …' : '');
  return new HomeportError('import-invalid', 'Background updates still pending',
    `The SQLite database has ${pending.length} background update(s) that have not run yet (${shown}), and Synapse's synapse_port_db cannot copy it until they have. ` +
    'Start your Synapse with this database once more and leave it running until they are done ' +
    '(GET /_synapse/admin/v1/background_updates/status shows none left, or `SELECT count(*) FROM background_updates` in homeserver.db gives 0), ' +
    'then stop it and import again.');
}

function schemaRefusal(state: SchemaState, installed: number): HomeportError | undefined {
  const needed = state.compatVersion ?? state.version;
  if (needed === undefined || needed <= installed) return undefined;
  return new HomeportError('schema-too-new', 'Database is newer than the installed Synapse',
    `The database needs Synapse schema ${needed}, but the installed Synapse supports schema ${installed} at most. Import it into a Homeport with a newer Synapse.`);
}

async function verifyChecksums(dir: string, required: string[]): Promise<void> {
  let listed;
  try {
    listed = parseChecksums(await readFile(join(dir, checksumsFileName), 'utf8'));
  } catch (error) {
    throw invalid(`${checksumsFileName} cannot be read: ${(error as Error).message}`);
  }
  for (const name of required) {
    if (!listed.some((entry) => entry.name === name)) throw invalid(`${name} is not listed in ${checksumsFileName}.`);
  }
  for (const entry of listed) {
    const path = join(dir, entry.name);
    if (!(await isFile(path))) throw invalid(`${entry.name}, listed in ${checksumsFileName}, is missing.`);
    if ((await sha256File(path)) !== entry.sha256) throw invalid(`${entry.name} is corrupted: its SHA-256 does not match ${checksumsFileName}.`);
  }
}

async function decryptSmall(file: string, passphrase: string | undefined, scratchDir: string): Promise<string> {
  if (!file.endsWith('.gpg')) return readFile(file, 'utf8');
  if (!passphrase) throw new HomeportError('passphrase-wrong', 'Passphrase needed', `${basename(file)} is encrypted: give the export's passphrase.`);
  const target = join(scratchDir, basename(file, '.gpg'));
  try {
    await decryptFile(file, target, passphrase);
    return await readFile(target, 'utf8');
  } catch (error) {
    if (error instanceof WrongPassphrase) throw new HomeportError('passphrase-wrong', 'Wrong passphrase', `${basename(file)} cannot be decrypted with this passphrase.`);
    throw error;
  } finally {
    await rm(target, { force: true });
  }
}

async function inspectHomeportExport(input: InspectInput, files: string[]): Promise<ImportSource> {
  const configName = files.find((name) => /-config\.md(\.gpg)?$/.test(name));
  if (!configName) throw invalid('The export has no <host>-config.md: it holds the signing key and secrets.');
  const encrypted = configName.endsWith('.gpg');
  const suffix = encrypted ? '.gpg' : '';
  const label = configName.replace(/-config\.md(\.gpg)?$/, '');
  const database = `${label}-synapse-database.zip${suffix}`;
  const media = `${label}-media.tar.gz${suffix}`;
  const progress = input.progress ?? (() => undefined);
  await verifyChecksums(input.dir, [configName, database, media]);
  progress('checksums match');
  const text = await decryptSmall(join(input.dir, configName), input.passphrase, input.scratchDir);
  progress('configuration document read');
  let facts;
  try {
    facts = parseExportDocument(text);
    parseSigningKey(facts.signingKey);
  } catch (error) {
    throw invalid(`${configName} is incomplete (the signing key is missing or broken): ${(error as Error).message}`);
  }
  if (compareVersions(facts.synapseVersion, input.tooling.synapseVersion) > 0) {
    throw new HomeportError('schema-too-new', 'Export is newer than the installed Synapse',
      `The export comes from Synapse ${facts.synapseVersion}; this Homeport runs Synapse ${input.tooling.synapseVersion}. Import it into a Homeport with Synapse ${facts.synapseVersion} or newer.`);
  }
  const databaseBytes = encrypted ? (await stat(join(input.dir, database))).size * 2 : await checkedZip(input.dir, database);
  progress('database archive checked');
  const mediaBytes = encrypted ? (await stat(join(input.dir, media))).size * 2 : await checkedMedia(input, media);
  progress('media archive checked');
  return {
    plan: {
      kind: 'homeport-export',
      serverName: facts.serverName,
      database: { file: database, format: 'zip', encrypted },
      media: { file: media, encrypted },
      requiredBytes: databaseBytes * 3 + mediaBytes,
      federation: facts.federation,
    },
    secrets: { signingKey: facts.signingKey, ...facts.secrets },
  };
}

/**
 * Archives are checked entry by entry here, before the host or its database exist: a link, a
 * device, an absolute or `..` path, an oversized or corrupt archive is a 422 with the reason.
 * Encrypted ones can only be checked once decrypted, by the import job before it unpacks them.
 */
async function checkedArchive(name: string, check: () => Promise<number>): Promise<number> {
  try {
    return await check();
  } catch (error) {
    if (error instanceof ArchiveRefused) throw invalid(`${name} is refused: ${error.message}`);
    throw error;
  }
}

const checkedZip = (dir: string, name: string) => checkedArchive(name, () => checkZip(join(dir, name)));

const checkedMedia = (input: InspectInput, name: string) =>
  checkedArchive(name, async () => (await input.tooling.checkMediaArchive(join(input.dir, name))).bytes);

async function hasPgdmpMagic(path: string): Promise<boolean> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(5);
    await handle.read(buffer, 0, 5, 0);
    return buffer.toString('latin1') === 'PGDMP';
  } finally {
    await handle.close();
  }
}

async function findDatabase(dir: string, files: string[]): Promise<ImportPlan['database']> {
  for (const name of files) {
    const encrypted = name.endsWith('.gpg');
    const plain = encrypted ? name.slice(0, -4) : name;
    const path = join(dir, name);
    if (plain === 'homeserver.db' || plain.endsWith('.db')) return { file: name, format: 'sqlite', encrypted };
    if (plain.endsWith('.sql.gz')) return { file: name, format: 'plain-gzip', encrypted };
    if (plain.endsWith('.zip')) return { file: name, format: 'zip', encrypted };
    if (!encrypted && (await isFile(join(path, 'toc.dat')))) return { file: name, format: 'directory', encrypted };
    if (/\.(dump|pgdump|backup)$/.test(plain) && (encrypted || (await hasPgdmpMagic(path)))) return { file: name, format: 'custom', encrypted };
  }
  throw invalid('No database found: expected homeserver.db (SQLite), a pg_dump custom (.dump), directory (with toc.dat) or plain .sql.gz dump, or a .zip of a directory dump.');
}

async function readSigningKey(dir: string, files: string[], configured: unknown): Promise<string> {
  const candidates = [typeof configured === 'string' ? basename(configured) : undefined, ...files.filter((name) => /(^|\.)signing\.key$/.test(name))];
  for (const name of candidates) {
    if (name && (await isFile(join(dir, name)))) {
      const text = await readFile(join(dir, name), 'utf8');
      try {
        return parseSigningKey(text).fileContents;
      } catch (error) {
        if (error instanceof InvalidSigningKey) throw invalid(`${name} is not a usable signing key: ${error.message}`);
        throw error;
      }
    }
  }
  throw invalid('The signing key is missing: copy the file named by signing_key_path in homeserver.yaml into the folder. Without it other servers would not trust the server\'s past events.');
}

async function inspectSelfHosted(input: InspectInput, files: string[]): Promise<ImportSource> {
  if (!files.includes('homeserver.yaml')) throw invalid('The folder has neither a Homeport export (SHA256SUMS, <host>-config.md) nor a self-hosted homeserver.yaml.');
  let config: Record<string, unknown>;
  try {
    config = parse(await readFile(join(input.dir, 'homeserver.yaml'), 'utf8')) as Record<string, unknown>;
  } catch (error) {
    throw invalid(`homeserver.yaml cannot be read: ${(error as Error).message}`);
  }
  const serverName = config.server_name;
  if (typeof serverName !== 'string' || serverName === '') throw invalid('homeserver.yaml has no server_name.');
  const signingKey = await readSigningKey(input.dir, files, config.signing_key_path);
  const database = await findDatabase(input.dir, files);
  const mediaName = files.find((name) => /\.(tar\.gz|tgz)(\.gpg)?$/.test(name));
  const databasePath = join(input.dir, database.file);
  if (!database.encrypted && database.format !== 'zip') {
    const state = await input.tooling.databaseSchemaState({ format: database.format, path: databasePath });
    const refusal = schemaRefusal(state, await input.tooling.installedSchemaVersion()) ?? backgroundUpdatesRefusal(state);
    if (refusal) throw refusal;
  }
  const databaseBytes = database.format === 'directory'
    ? await directorySize(databasePath)
    : database.format === 'zip' && !database.encrypted
      ? await checkedZip(input.dir, database.file)
      : (await stat(databasePath)).size * (database.format === 'plain-gzip' || database.format === 'zip' ? 5 : 1);
  const mediaEncrypted = mediaName?.endsWith('.gpg') ?? false;
  const mediaBytes = !mediaName ? 0 : mediaEncrypted ? (await stat(join(input.dir, mediaName))).size * 2 : await checkedMedia(input, mediaName);
  const passwordConfig = (config.password_config ?? {}) as { pepper?: unknown };
  const text = (value: unknown) => (typeof value === 'string' && value !== '' ? value : undefined);
  return {
    plan: {
      kind: 'self-hosted',
      serverName,
      database,
      media: mediaName ? { file: mediaName, encrypted: mediaEncrypted } : null,
      requiredBytes: databaseBytes * 3 + mediaBytes * 2,
      federation: federationFromWhitelist(serverName, config.federation_domain_whitelist),
    },
    secrets: {
      signingKey,
      // No pepper in the old config means passwords were hashed without one: keep it empty.
      pepper: typeof passwordConfig.pepper === 'string' ? passwordConfig.pepper : '',
      macaroonSecretKey: text(config.macaroon_secret_key),
      formSecret: text(config.form_secret),
      registrationSharedSecret: text(config.registration_shared_secret),
    },
  };
}

async function directorySize(dir: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) total += (await stat(join(entry.parentPath, entry.name))).size;
  }
  return total;
}

export async function inspectImportSource(input: InspectInput): Promise<ImportSource> {
  const files = await listDir(input.dir);
  if (files.includes(checksumsFileName)) return inspectHomeportExport(input, files);
  return inspectSelfHosted(input, files);
}

/** Refuses an import (or export) that would not fit on the disk of `workDir`, leaving the reserve free. */
export async function assertDiskRoom(workDir: string, requiredBytes: number, reserveMb: number, what = 'import'): Promise<void> {
  const info = await statfs(workDir);
  const free = info.bavail * info.bsize;
  const needed = requiredBytes + reserveMb * 1024 * 1024;
  if (free < needed) {
    const mb = (bytes: number) => Math.ceil(bytes / 1024 / 1024);
    throw new HomeportError('disk-too-small', 'Not enough disk',
      `The ${what} needs about ${mb(requiredBytes)} MB plus the ${reserveMb} MB reserve (HOMEPORT_IMPORT_DISK_RESERVE_MB), but only ${mb(free)} MB are free in ${workDir}.`);
  }
}
