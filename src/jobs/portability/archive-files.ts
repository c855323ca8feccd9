// The file formats of an export, with well-kept libraries: zip (yazl/yauzl) for the database
// dump directory, OpenPGP (openpgp, symmetric AES-256, readable by `gpg --decrypt`) for
// passphrase encryption, and SHA-256 checksums. Everything streams; nothing is held in memory.
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { dirname, join, normalize, relative } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import * as openpgp from 'openpgp';
import yauzl from 'yauzl';
import { ArchiveRefused, checkArchiveEntries, type ArchiveEntry, type ArchiveEntryKind } from '../../domain/archive-entries.ts';
import yazl from 'yazl';

export async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(file), hash);
  return hash.digest('hex');
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name)).sort();
}

/**
 * Zips `dir` as `<prefix>/...` into `file`, written under a temporary name and renamed when
 * complete. pg_dump already compresses its table files, so they are stored, not deflated again.
 */
export async function zipDirectory(dir: string, prefix: string, file: string): Promise<void> {
  const zip = new yazl.ZipFile();
  for (const path of await filesUnder(dir)) {
    const name = `${prefix}/${relative(dir, path)}`;
    zip.addFile(path, name, { compress: !path.endsWith('.gz') });
  }
  zip.end();
  const partial = `${file}.part`;
  await pipeline(zip.outputStream, createWriteStream(partial, { mode: 0o600 }));
  await rename(partial, file);
}

function openZip(file: string): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) => {
    yauzl.open(file, { lazyEntries: true, autoClose: true, strictFileNames: true }, (error, zip) => (error ? reject(error) : resolve(zip)));
  });
}

/** The file type in the Unix mode a zip made on Unix keeps in the high half of the external attributes. */
function zipEntryKind(entry: yauzl.Entry): ArchiveEntryKind {
  const type = (entry.externalFileAttributes >>> 16) & 0o170000;
  if (type === 0o120000) return 'symbolic link';
  if (type === 0o020000 || type === 0o060000 || type === 0o010000 || type === 0o140000) return 'device';
  if (type === 0o040000 || entry.fileName.endsWith('/')) return 'directory';
  return 'file';
}

/** The entries of a zip, without unpacking; a corrupt zip (or one yauzl refuses a name of) is refused with the reason. */
export async function zipEntries(file: string): Promise<ArchiveEntry[]> {
  try {
    const zip = await openZip(file);
    return await new Promise((resolve, reject) => {
      const entries: ArchiveEntry[] = [];
      zip.on('entry', (entry: yauzl.Entry) => {
        entries.push({ path: entry.fileName, kind: zipEntryKind(entry), size: entry.uncompressedSize });
        zip.readEntry();
      });
      zip.once('end', () => resolve(entries));
      zip.once('error', reject);
      zip.readEntry();
    });
  } catch (error) {
    throw new ArchiveRefused(`not a readable zip archive: ${(error as Error).message}`, { cause: error });
  }
}

/** Checks every entry of a zip (files and folders only, plain relative paths, bounded sizes); returns the bytes it unpacks to. */
export async function checkZip(file: string): Promise<number> {
  return checkArchiveEntries(await zipEntries(file));
}

/**
 * Unpacks a zip into `dir` (replaced) once every entry has passed checkZip. Files are created
 * exclusively (O_EXCL), so nothing already there, a link least of all, is written through.
 */
export async function unzipInto(file: string, dir: string): Promise<void> {
  await checkZip(file);
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const zip = await openZip(file);
  await new Promise<void>((resolve, reject) => {
    zip.once('error', reject);
    zip.once('end', () => resolve());
    zip.on('entry', (entry: yauzl.Entry) => {
      const target = join(dir, normalize(entry.fileName));
      if (relative(dir, target).startsWith('..') || zipEntryKind(entry) !== (entry.fileName.endsWith('/') ? 'directory' : 'file')) {
        reject(new ArchiveRefused(`zip entry ${entry.fileName} changed after the zip was checked`));
        return;
      }
      if (entry.fileName.endsWith('/')) {
        mkdir(target, { recursive: true }).then(() => zip.readEntry(), reject);
        return;
      }
      zip.openReadStream(entry, (error, stream) => {
        if (error) {
          reject(error);
          return;
        }
        mkdir(dirname(target), { recursive: true })
          .then(() => pipeline(stream, createWriteStream(target, { mode: 0o600, flags: 'wx' })))
          .then(() => zip.readEntry(), reject);
      });
    });
    zip.readEntry();
  });
}

const pgpConfig = { preferredSymmetricAlgorithm: openpgp.enums.symmetric.aes256, aeadProtect: false, allowUnauthenticatedStream: true };

/** Encrypts `input` with a passphrase into `output` (OpenPGP binary, AES-256), via a temporary file. */
export async function encryptFile(input: string, output: string, passphrase: string): Promise<void> {
  const message = await openpgp.createMessage({ binary: Readable.toWeb(createReadStream(input)) as ReadableStream<Uint8Array> });
  const encrypted = await openpgp.encrypt({ message, passwords: [passphrase], format: 'binary', config: pgpConfig });
  const partial = `${output}.part`;
  await pipeline(Readable.fromWeb(encrypted as unknown as NodeReadableStream), createWriteStream(partial, { mode: 0o600 }));
  await rename(partial, output);
}

export class WrongPassphrase extends Error {}

/** Decrypts an OpenPGP file made with a passphrase; a wrong passphrase is a WrongPassphrase. */
export async function decryptFile(input: string, output: string, passphrase: string): Promise<void> {
  const partial = `${output}.part`;
  try {
    const message = await openpgp.readMessage({ binaryMessage: Readable.toWeb(createReadStream(input)) as ReadableStream<Uint8Array> });
    const { data } = await openpgp.decrypt({ message, passwords: [passphrase], format: 'binary', config: pgpConfig });
    await pipeline(Readable.fromWeb(data as unknown as NodeReadableStream), createWriteStream(partial, { mode: 0o600 }));
  } catch (error) {
    await rm(partial, { force: true });
    const text = error instanceof Error ? error.message : String(error);
    if (/decrypt|session key|password|passphrase/i.test(text)) throw new WrongPassphrase(`cannot decrypt ${input.split('/').at(-1)}: wrong passphrase or not an OpenPGP file (${text})`, { cause: error });
    throw error;
  }
  await rename(partial, output);
}

export async function fileSize(file: string): Promise<number> {
  return (await stat(file)).size;
}
