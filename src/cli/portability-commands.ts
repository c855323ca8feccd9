// `homeport host export|exports|download|import`: take a host out with all its data, or bring
// one in from a Homeport export or a self-hosted Synapse's files (operator).
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readdir, readFile, rename, stat } from 'node:fs/promises';
import { resolve, join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import type { Command } from 'commander';
import type { Static } from 'typebox';
import type { Estimate, Export } from '../contract/exports.ts';
import type { Host } from '../contract/hosts.ts';
import type { ImportUpload } from '../contract/imports.ts';
import type { JobSummary } from '../contract/jobs.ts';
import type { ApiClient } from './api-client.ts';
import { apiForCommand, hostPath, print } from './command-api.ts';
import { finishedJobLine, followJob } from './job-progress.ts';
import { exportStatusWords, wordsOr } from '../contract/status-words.ts';

type EstimateView = Static<typeof Estimate>;
type ExportView = Static<typeof Export>;
type UploadView = Static<typeof ImportUpload>;

const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

function printEstimate(estimate: EstimateView): void {
  print(`database ${mib(estimate.databaseBytes)} at ${mib(estimate.dumpBytesPerSecond)}/s, media ${mib(estimate.mediaBytes)} at ${mib(estimate.archiveBytesPerSecond)}/s`);
  print(`estimated downtime: ${estimate.downtimeSeconds} s (Synapse is stopped while the database and media are copied)`);
}

function printExport(item: ExportView): void {
  print(`export ${item.id}  ${wordsOr(exportStatusWords, item.status)}${item.encrypted ? '  encrypted' : ''}  created ${item.createdAt}${item.expiresAt ? `  deleted after ${item.expiresAt}` : ''}`);
  for (const file of item.files) print(`  ${file.name.padEnd(40)} ${mib(file.size).padStart(12)}  sha256 ${file.sha256}`);
}

/** `--encrypt` without a file: HOMEPORT_EXPORT_PASSPHRASE, else the first line of standard input when it is piped. */
async function passphraseFromEnvironmentOrStdin(): Promise<string> {
  const fromEnvironment = process.env.HOMEPORT_EXPORT_PASSPHRASE;
  if (fromEnvironment) return fromEnvironment;
  if (process.stdin.isTTY) throw new Error('--encrypt needs the passphrase: --passphrase-file FILE, HOMEPORT_EXPORT_PASSPHRASE, or piped on standard input');
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  const line = Buffer.concat(chunks).toString('utf8').split('\n')[0] ?? '';
  if (line === '') throw new Error('the passphrase on standard input is empty');
  return line;
}

/** A secret from a file (first line), never from the command line where `ps` shows it. */
async function secretFromFile(file: string): Promise<string> {
  const text = (await readFile(file, 'utf8')).split('\n')[0] ?? '';
  if (text === '') throw new Error(`${file} is empty`);
  return text;
}

async function sha256Of(file: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(file), hash);
  return hash.digest('hex');
}

/** Downloads each file, resuming a partial `.part` with an HTTP range, and checks its SHA-256. */
async function downloadExport(apiUrl: string, item: ExportView, dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  for (const file of item.files) {
    const target = join(dir, file.name);
    const done = await stat(target).then((info) => info.size === file.size, () => false);
    if (done && (await sha256Of(target)) === file.sha256) {
      print(`${file.name} already downloaded`);
      continue;
    }
    const partial = `${target}.part`;
    const have = await stat(partial).then((info) => (info.size < file.size ? info.size : 0), () => 0);
    const response = await fetch(new URL(file.url, apiUrl), { headers: have > 0 ? { range: `bytes=${have}-` } : {} });
    if (!response.ok || !response.body) throw new Error(`downloading ${file.name} failed: HTTP ${response.status}`);
    const resumed = response.status === 206;
    await pipeline(Readable.fromWeb(response.body as unknown as NodeReadableStream), createWriteStream(partial, { flags: resumed ? 'a' : 'w', mode: 0o600 }));
    if ((await sha256Of(partial)) !== file.sha256) throw new Error(`${file.name} does not match its SHA-256 after downloading; run the command again`);
    await rename(partial, target);
    print(`${file.name} downloaded${resumed ? ` (resumed at byte ${have})` : ''}`);
  }
}

/**
 * Sends every file of a local folder into a new import upload and answers its id. A file the
 * upload already holds in part (an interrupted run with `--upload-id`) is resumed where it stopped.
 */
async function uploadFolder(api: ApiClient, dir: string, existing: string | undefined): Promise<string> {
  const entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name));
  const folders = entries.filter((entry) => entry.isDirectory()).map((entry) => entry.name);
  if (folders.length > 0) throw new Error(`${dir} holds folders (${folders.join(', ')}): an upload takes files only; zip a pg_dump directory dump (its .zip is accepted)`);
  const upload = existing
    ? await api.request<UploadView>('GET', `/api/v1/operator/import-uploads/${encodeURIComponent(existing)}`)
    : await api.request<UploadView>('POST', '/api/v1/operator/import-uploads');
  print(`upload ${upload.id}`);
  for (const entry of entries.filter((item) => item.isFile())) {
    const path = join(dir, entry.name);
    const size = (await stat(path)).size;
    const sent = upload.files.find((file) => file.name === entry.name)?.size;
    if (sent === size) {
      print(`  ${entry.name}: already uploaded`);
      continue;
    }
    const offset = sent !== undefined && sent < size ? sent : 0;
    const body = Readable.toWeb(createReadStream(path, { start: offset })) as ReadableStream<Uint8Array>;
    const written = await api.putStream<{ size: number }>(`/api/v1/operator/import-uploads/${upload.id}/files/${encodeURIComponent(entry.name)}?offset=${offset}`, body, size - offset);
    if (written.size !== size) throw new Error(`${entry.name}: Homeport holds ${written.size} of ${size} bytes; run again with --upload-id ${upload.id} to resume`);
    print(`  ${entry.name}: ${mib(size)}${offset ? ` (resumed at ${mib(offset)})` : ''}`);
  }
  return upload.id;
}

async function follow(api: ApiClient, jobId: string, jobsPath?: string): Promise<boolean> {
  const finished = await followJob(api, jobId, print, 300, jobsPath);
  print(finishedJobLine(finished));
  if (finished.status !== 'failed') return true;
  process.exitCode = 1;
  return false;
}

export function registerPortabilityCommands(program: Command): void {
  const host = program.commands.find((command) => command.name() === 'host');
  if (!host) throw new Error('the host command must be registered first');

  host.command('export').description('export a host: config, database and media files with checksums (the host stops meanwhile)').argument('<host>', 'label or id')
    .option('--estimate', 'only show the downtime estimate')
    .option('--encrypt', 'encrypt every file with a passphrase (OpenPGP; `gpg --decrypt` opens them), from HOMEPORT_EXPORT_PASSPHRASE or standard input')
    .option('--passphrase-file <file>', 'encrypt with the passphrase in this file (implies --encrypt)')
    .option('--wait', 'follow the export until it ends')
    .option('--download <dir>', 'after the export, download its files into this folder (implies --wait)')
    .action(async (ref: string, options: { estimate?: boolean; encrypt?: boolean; passphraseFile?: string; wait?: boolean; download?: string }, command: Command) => {
      const api = apiForCommand(command);
      if (options.estimate) {
        printEstimate(await api.request<EstimateView>('GET', `${hostPath(ref)}/exports/estimate`));
        return;
      }
      const passphrase = options.passphraseFile ? await secretFromFile(options.passphraseFile) : options.encrypt ? await passphraseFromEnvironmentOrStdin() : undefined;
      const body = passphrase === undefined ? {} : { passphrase };
      const started = await api.request<{ export: ExportView; job: Static<typeof JobSummary>; estimate: EstimateView }>('POST', `${hostPath(ref)}/exports`, body);
      printEstimate(started.estimate);
      print(`export ${started.export.id} started (job ${started.job.id})`);
      if (!options.wait && !options.download) return;
      if (!(await follow(api, started.job.id))) return;
      const ready = await api.request<ExportView>('GET', `${hostPath(ref)}/exports/${started.export.id}`);
      printExport(ready);
      if (options.download) await downloadExport(command.optsWithGlobals<{ apiUrl: string }>().apiUrl, ready, resolve(options.download));
    });

  host.command('exports').description("list a host's exports and their files").argument('<host>', 'label or id')
    .action(async (ref: string, _options, command: Command) => {
      const { exports } = await apiForCommand(command).request<{ exports: ExportView[] }>('GET', `${hostPath(ref)}/exports`);
      if (exports.length === 0) print('no exports yet: `homeport host export <host>`');
      for (const item of exports) printExport(item);
    });

  host.command('download').description("download an export's files (resumes partial downloads, checks SHA-256)").argument('<host>', 'label or id').argument('<export>', 'export id')
    .requiredOption('--to <dir>', 'the folder to download into')
    .action(async (ref: string, exportId: string, options: { to: string }, command: Command) => {
      const item = await apiForCommand(command).request<ExportView>('GET', `${hostPath(ref)}/exports/${encodeURIComponent(exportId)}`);
      if (item.status !== 'ready') throw new Error(`export ${exportId} is ${wordsOr(exportStatusWords, item.status)}, not ready to download`);
      await downloadExport(command.optsWithGlobals<{ apiUrl: string }>().apiUrl, item, resolve(options.to));
    });

  host.command('import').description('operator: import a host from a Homeport export or a self-hosted Synapse folder (on the Homeport machine, or sent with --upload)')
    .requiredOption('--from <dir>', 'the folder with the files')
    .option('--upload', 'send the folder\'s files to Homeport first (the CLI runs on another machine than Homeport)')
    .option('--upload-id <id>', 'with --upload: resume an interrupted upload instead of starting a new one')
    .requiredOption('--label <label>', 'the new host\'s label')
    .requiredOption('--account <email>', 'the customer account that owns the host')
    .requiredOption('--size <size>', 'a size from `homeport sizes`')
    .requiredOption('--seats <n>', 'monthly active user seats', (value) => Number(value))
    .requiredOption('--verify-user <user>', 'a user of the server whose login proves the import')
    .requiredOption('--verify-password-file <file>', "a file holding that user's password")
    .option('--passphrase-file <file>', "a file holding an encrypted export's passphrase")
    .option('--client-domain <domain>', 'where clients reach the host, when the server name is not <label>.<base domain>')
    .option('--wait', 'follow the import until it ends')
    .option('--no-billing', 'a complimentary host: no subscription, no invoices (by default the account is billed once the import succeeds)')
    .action(async (options: { from: string; upload?: boolean; uploadId?: string; label: string; account: string; size: string; seats: number; verifyUser: string; verifyPasswordFile: string; passphraseFile?: string; clientDomain?: string; wait?: boolean; billing: boolean }, command: Command) => {
      const api = apiForCommand(command);
      if (options.uploadId && !options.upload) throw new Error('--upload-id goes with --upload');
      const source = options.upload ? { upload: await uploadFolder(api, resolve(options.from), options.uploadId) } : { from: resolve(options.from) };
      const body: Record<string, unknown> = {
        ...source, label: options.label, accountEmail: options.account, size: options.size, seats: options.seats,
        verifyUser: options.verifyUser, verifyPassword: await secretFromFile(options.verifyPasswordFile),
      };
      if (options.passphraseFile) body.passphrase = await secretFromFile(options.passphraseFile);
      if (options.clientDomain) body.clientDomain = options.clientDomain;
      if (!options.billing) body.billing = 'none';
      const imported = await api.request<{ host: Static<typeof Host>; job: Static<typeof JobSummary> }>('POST', '/api/v1/operator/imports', body);
      print(`importing ${imported.host.serverName} as host ${imported.host.label} (${imported.host.id}), job ${imported.job.id}`);
      if (options.wait) await follow(api, imported.job.id, '/api/v1/operator/jobs');
    });
}
