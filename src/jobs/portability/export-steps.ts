// The export job, step by step: Synapse stops (host `exporting`), the database is dumped and
// zipped, the media archived, Synapse runs again, then the config document, the optional
// encryption and the checksums are written. Each step finds its own finished file and skips.
import { access, mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { checksumsFileName, formatChecksums } from '../../domain/checksums.ts';
import { HomeportError } from '../../domain/errors.ts';
import { exportFileNames, renderExportDocument } from '../../domain/export-document.ts';
import { parseSigningKey } from '../../synapse/signing-key.ts';
import { findExportOfJob, markExportReady, recordTransferRate } from '../../store/exports.ts';
import { findHost, moveHostStatus } from '../../store/hosts.ts';
import type { ExportFile, ExportRow, HostRow } from '../../store/schema.ts';
import { healthTimeoutMs } from '../build-host-steps.ts';
import { loadHostSpec } from '../host-spec.ts';
import type { HomeportContext } from '../../homeport-context.ts';
import { PermanentJobError, type JobStep, type StepInput } from '../job-step.ts';
import { encryptFile, fileSize, sha256File, zipDirectory } from './archive-files.ts';
import { homeportVersion } from './homeport-version.ts';
import { assertDiskRoom } from './import-source.ts';

/** One-time keys are consumed once; a restored copy would hand out keys clients already used. */
export const excludedTableData = ['e2e_one_time_keys_json'];

export function exportDir(context: Pick<HomeportContext, 'config'>, exportId: string): string {
  return join(context.config.workDir, 'exports', exportId);
}

const exists = (path: string) => access(path).then(() => true, () => false);

/** A file of the export is written, plain or already encrypted. */
const written = async (path: string) => (await exists(path)) || (await exists(`${path}.gpg`));

interface ExportInStep {
  row: ExportRow;
  host: HostRow;
  dir: string;
  names: ReturnType<typeof exportFileNames>;
}

async function exportFor(input: StepInput): Promise<ExportInStep> {
  const row = await findExportOfJob(input.context.db, input.jobId);
  const host = await findHost(input.context.db, input.hostId);
  if (!row || !host) throw new PermanentJobError('the export of this job is not recorded');
  const dir = exportDir(input.context, row.id);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  return { row, host, dir, names: exportFileNames(host.label) };
}

/** Where the consistent copy of the database lands while Synapse is stopped, before it is zipped. */
function dumpPaths(found: ExportInStep): { dir: string; complete: string } {
  const dir = join(found.dir, 'work', found.names.databaseDir);
  return { dir, complete: `${dir}.complete` };
}

/** The copies Synapse must be stopped for are both made (the dump, zipped or not, and the media archive). */
async function dataCopied(found: ExportInStep): Promise<boolean> {
  const dumped = (await exists(dumpPaths(found).complete)) || (await written(join(found.dir, found.names.database)));
  return dumped && (await written(join(found.dir, found.names.media)));
}

const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

/**
 * Checked before Synapse stops: an export that cannot fit fails at once, without downtime and
 * without retries. It needs the dump and its zip (each at most the database's size) and the media archive.
 */
async function assertExportRoom(input: StepInput, found: ExportInStep): Promise<void> {
  const requiredBytes = 2 * Number(found.row.database_bytes ?? 0) + Number(found.row.media_bytes ?? 0);
  try {
    await assertDiskRoom(found.dir, requiredBytes, input.context.config.importDiskReserveMb, 'export');
  } catch (error) {
    if (error instanceof HomeportError) throw new PermanentJobError(`${error.message} Synapse was not stopped; free some disk space and export again.`);
    throw error;
  }
}

export const exportStopStep: JobStep = {
  name: 'stop Synapse',
  timeoutMs: 120_000,
  async run(input) {
    const found = await exportFor(input);
    if (await dataCopied(found)) {
      await input.log('database and media are already written; Synapse keeps running');
      return;
    }
    await assertExportRoom(input, found);
    await input.context.runtime.stop(input.hostId);
    await input.log(`Synapse stopped for a consistent copy (estimated downtime ${found.row.estimated_downtime_seconds ?? '?'} s)`);
  },
};

export const exportDatabaseStep: JobStep = {
  name: 'database dump',
  timeoutMs: 6 * 3_600_000,
  async run(input) {
    const found = await exportFor(input);
    const target = join(found.dir, found.names.database);
    const dump = dumpPaths(found);
    if ((await exists(dump.complete)) || (await written(target))) return;
    const spec = await loadHostSpec(input.context, input.hostId);
    const started = performance.now();
    await input.context.portability.dumpDatabase(spec.database, dump.dir, { excludeTableData: excludedTableData, signal: input.signal });
    await writeFile(dump.complete, '');
    const seconds = (performance.now() - started) / 1000;
    const bytes = Number(found.row.database_bytes ?? 0);
    await recordTransferRate(input.context.db, 'dump', bytes, seconds);
    await input.log(`pg_dump of the ${mib(bytes)} database in ${seconds.toFixed(1)} s`);
  },
};

/** Zipping needs no stopped Synapse: it runs after the start, on the consistent copy. */
export const exportZipStep: JobStep = {
  name: 'database zip',
  timeoutMs: 6 * 3_600_000,
  async run(input) {
    const found = await exportFor(input);
    const target = join(found.dir, found.names.database);
    if (await written(target)) return;
    const dump = dumpPaths(found);
    if (!(await exists(dump.complete))) throw new PermanentJobError('the database dump is missing; start a new export');
    await zipDirectory(dump.dir, found.names.databaseDir, target);
    await rm(join(found.dir, 'work'), { recursive: true, force: true });
    await input.log(`${found.names.database}: ${mib(await fileSize(target))}`);
  },
};

export const exportMediaStep: JobStep = {
  name: 'media archive',
  timeoutMs: 12 * 3_600_000,
  async run(input) {
    const found = await exportFor(input);
    const target = join(found.dir, found.names.media);
    if (await written(target)) return;
    const started = performance.now();
    await input.context.portability.archiveMedia(input.hostId, `${target}.part`, input.signal);
    await rename(`${target}.part`, target);
    const seconds = (performance.now() - started) / 1000;
    const bytes = Number(found.row.media_bytes ?? 0);
    await recordTransferRate(input.context.db, 'archive', bytes, seconds);
    await input.log(`${found.names.media}: ${mib(await fileSize(target))} of media in ${seconds.toFixed(1)} s`);
  },
};

export const exportStartStep: JobStep = {
  name: 'start Synapse',
  timeoutMs: healthTimeoutMs,
  async run(input) {
    const spec = await loadHostSpec(input.context, input.hostId);
    await input.context.runtime.start(spec);
    await input.context.runtime.waitHealthy(spec, healthTimeoutMs);
    // The host serves again now; the remaining steps only work on the files.
    await moveHostStatus(input.context.db, input.hostId, ['exporting'], 'running');
    await input.log('Synapse runs again');
  },
};

export const exportDocumentStep: JobStep = {
  name: 'config document',
  timeoutMs: 60_000,
  async run(input) {
    const found = await exportFor(input);
    const target = join(found.dir, found.names.config);
    if (await exists(`${target}.gpg`)) return;
    const spec = await loadHostSpec(input.context, input.hostId);
    const signingKey = parseSigningKey(spec.secrets.signingKey);
    const document = renderExportDocument({
      label: found.host.label,
      serverName: spec.serverName,
      publicBaseUrl: spec.publicBaseUrl,
      createdAt: new Date(found.row.created_at),
      versions: { synapse: found.host.synapse_version ?? 'unknown', postgres: await input.context.portability.postgresVersion(), homeport: await homeportVersion() },
      signingKey,
      secrets: spec.secrets,
      homeserverConfig: await input.context.portability.writtenConfig(input.hostId),
      files: { database: found.names.database, media: found.names.media },
      encrypted: found.row.encrypted,
    });
    await writeFile(target, document, { mode: 0o600 });
    await input.log(`${found.names.config} written`);
  },
};

export const exportEncryptStep: JobStep = {
  name: 'encryption',
  timeoutMs: 12 * 3_600_000,
  async run(input) {
    const found = await exportFor(input);
    if (!found.row.encrypted) {
      await input.log('not encrypted (no passphrase given)');
      return 'skipped';
    }
    for (const name of [found.names.config, found.names.database, found.names.media]) {
      const plain = join(found.dir, name);
      if (!(await exists(plain))) {
        if (await exists(`${plain}.gpg`)) continue;
        throw new PermanentJobError(`${name} is missing`);
      }
      if (!found.row.passphrase_sealed) throw new PermanentJobError('the passphrase is no longer known; start a new export');
      const passphrase = input.context.box.open(`export:${found.row.id}:passphrase`, found.row.passphrase_sealed);
      await encryptFile(plain, `${plain}.gpg`, passphrase);
      await rm(plain);
      await input.log(`${name}.gpg encrypted (OpenPGP, AES-256)`);
    }
  },
};

export const exportChecksumStep: JobStep = {
  name: 'checksums',
  timeoutMs: 6 * 3_600_000,
  async run(input) {
    const found = await exportFor(input);
    const suffix = found.row.encrypted ? '.gpg' : '';
    const files: ExportFile[] = [];
    for (const name of [found.names.config, found.names.database, found.names.media].map((base) => base + suffix)) {
      const path = join(found.dir, name);
      files.push({ name, size: await fileSize(path), sha256: await sha256File(path) });
    }
    const sums = formatChecksums(files);
    await writeFile(join(found.dir, checksumsFileName), sums, { mode: 0o600 });
    files.push({ name: checksumsFileName, size: Buffer.byteLength(sums), sha256: await sha256File(join(found.dir, checksumsFileName)) });
    const expiresAt = new Date(Date.now() + input.context.config.exportRetentionMinutes * 60_000);
    await markExportReady(input.context.db, found.row.id, files, expiresAt);
    await input.log(`SHA256SUMS written; the export is kept until ${expiresAt.toISOString()}`);
  },
};

export const exportSteps: JobStep[] = [exportStopStep, exportDatabaseStep, exportMediaStep, exportStartStep, exportZipStep, exportDocumentStep, exportEncryptStep, exportChecksumStep];
