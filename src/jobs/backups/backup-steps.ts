// The backup job, step by step, while the host keeps serving: pg_dump takes a consistent
// snapshot of the running database and media files are never changed once written. The dump
// and the media archive are sealed with the installation's key as they stream into the backup
// store; then retention deletes what the host's size no longer keeps.
import { createReadStream } from 'node:fs';
import { access, mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as tar from 'tar';
import { backupPolicyFor, backupsPastRetention } from '../../domain/backup-policy.ts';
import { findBackupOfJob, finishBackup, listHostBackups, markBackupDeleted } from '../../store/backups.ts';
import { findHost } from '../../store/hosts.ts';
import { sealStream } from '../../store/sealed-stream.ts';
import type { BackupRow } from '../../store/schema.ts';
import { loadHostSpec } from '../host-spec.ts';
import type { HomeportContext } from '../../homeport-context.ts';
import { PermanentJobError, type JobStep, type StepInput } from '../job-step.ts';
import { excludedTableData } from '../portability/export-steps.ts';
import { backupFileName, backupFolder, backupWorkDir, sealName } from './backup-files.ts';

const exists = (path: string) => access(path).then(() => true, () => false);
const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

async function backupFor(input: StepInput): Promise<{ row: BackupRow; work: string }> {
  const row = await findBackupOfJob(input.context.db, input.jobId);
  if (!row) throw new PermanentJobError('the backup of this job is not recorded');
  const work = backupWorkDir(input.context, 'backup', row.id);
  if (row.status === 'running') await mkdir(work, { recursive: true, mode: 0o700 });
  return { row, work };
}

export const backupDatabaseStep: JobStep = {
  name: 'database dump',
  timeoutMs: 6 * 3_600_000,
  async run(input) {
    const { row, work } = await backupFor(input);
    if (row.status !== 'running' || (await exists(join(work, 'database.complete')))) return;
    const spec = await loadHostSpec(input.context, input.hostId);
    const started = performance.now();
    await input.context.portability.dumpDatabase(spec.database, join(work, 'database'), { excludeTableData: excludedTableData, signal: input.signal });
    await writeFile(join(work, 'database.complete'), '');
    await input.log(`pg_dump of ${spec.database.name} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  },
};

export const backupMediaStep: JobStep = {
  name: 'media archive',
  timeoutMs: 12 * 3_600_000,
  async run(input) {
    const { row, work } = await backupFor(input);
    const target = join(work, 'media.tar.gz');
    if (row.status !== 'running' || (await exists(target))) return;
    await input.context.portability.archiveMedia(input.hostId, `${target}.part`, input.signal);
    await rename(`${target}.part`, target);
    await input.log('media store archived');
  },
};

/** Sealing streams: no plain copy of the sealed file is ever written, and the store gets it whole or not at all. */
export const backupStoreStep: JobStep = {
  name: 'seal and store',
  timeoutMs: 12 * 3_600_000,
  async run(input) {
    const { row, work } = await backupFor(input);
    const { box, backups } = input.context;
    if (row.status !== 'running') return;
    if (!(await exists(join(work, 'database.complete'))) || !(await exists(join(work, 'media.tar.gz')))) {
      throw new PermanentJobError('the database dump or the media archive is missing; take a new backup');
    }
    const database = tar.c({ cwd: work, portable: true, noMtime: false }, ['database']);
    const storedDatabase = await backups.write(backupFileName(row, 'database'), database.pipe(sealStream(box, sealName(row.id, 'database'))), input.signal);
    const media = createReadStream(join(work, 'media.tar.gz')).pipe(sealStream(box, sealName(row.id, 'media')));
    const storedMedia = await backups.write(backupFileName(row, 'media'), media, input.signal);
    const bytes = storedDatabase.bytes + storedMedia.bytes;
    await finishBackup(input.context.db, row, { bytes });
    await rm(work, { recursive: true, force: true });
    await input.log(`${mib(bytes)} sealed (AES-256-GCM, the installation's key) into ${backups.description}`);
  },
};

export const backupRetentionStep: JobStep = {
  name: 'retention',
  timeoutMs: 600_000,
  async run(input) {
    const host = await findHost(input.context.db, input.hostId);
    const policy = backupPolicyFor(input.context.sizes.find((size) => size.name === host?.size) ?? (host ? { name: host.size } : undefined));
    // Upgrade snapshots are kept by their own rule (see synapse-upgrade-steps.ts), never counted here.
    const backups = await listHostBackups(input.context.db, input.hostId, 10_000, 'backup');
    const doomed = backupsPastRetention(backups.map((backup) => ({ id: backup.id, status: backup.status })), policy);
    for (const id of doomed) {
      await input.context.backups.remove(backupFolder({ id, host_id: input.hostId }));
      await markBackupDeleted(input.context.db, id);
    }
    await input.log(`keeping the newest ${policy.keep} backups${doomed.length ? `; deleted ${doomed.length} older` : ''}`);
  },
};

export const backupSteps: JobStep[] = [backupDatabaseStep, backupMediaStep, backupStoreStep, backupRetentionStep];

/** A failed backup is recorded on itself and its host (monitoring alerts on it); its work files go. */
export async function recordFailedBackup(context: HomeportContext, _hostId: string, jobId: string): Promise<void> {
  const row = await findBackupOfJob(context.db, jobId);
  if (!row) return;
  const job = await context.db.selectFrom('jobs').select('error').where('id', '=', jobId).executeTakeFirst();
  await finishBackup(context.db, row, { error: job?.error ?? 'the backup failed' });
  await context.backups.remove(backupFolder(row));
  await rm(backupWorkDir(context, 'backup', row.id), { recursive: true, force: true });
}
