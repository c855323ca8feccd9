// Installs an Element Web release for the edge to serve: fetched from its publisher, verified
// (the publisher's OpenPGP signature, or a SHA-256 the operator pins when there is none), every
// archive entry checked before anything is unpacked, unpacked beside the served release, and
// switched to with one atomic rename of the `current` link. A refused or broken download never
// touches what is served.
import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, readdir, readFile, readlink, rename, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import * as openpgp from 'openpgp';
import * as tar from 'tar';
import { fetch } from 'undici';
import { ArchiveRefused, archiveEntryProblem, checkArchiveEntries } from '../../domain/archive-entries.ts';
import { elementWebReleaseFiles, latestElementWebReleaseUrl, versionFromReleaseTagUrl } from '../../domain/element-web-release.ts';
import { archiveEntryOf, listArchiveEntries } from './tar-entries.ts';

/** A release is some tens of MB packed and a few hundred unpacked, in a few thousand files. */
const maxDownloadBytes = 256 * 1024 ** 2;
const archiveLimits = { maxEntryBytes: 64 * 1024 ** 2, maxEntries: 50_000 };
const maxUnpackedBytes = 2 * 1024 ** 3;
const fetchTimeoutMs = 10 * 60_000;

export interface ElementWebSource {
  /** The publisher's releases address, e.g. https://github.com/element-hq/element-web/releases. */
  releasesUrl: string;
  /** The publisher's armored OpenPGP public key that signs releases. */
  signingKeyUrl: string;
}

export interface InstalledElementWeb {
  version: string;
  sha256: string;
  /** Fingerprint of the key whose signature was verified; absent when a pinned SHA-256 vouched for it. */
  signedBy?: string;
  installedAt: string;
}

export class ElementWebRefused extends Error {}

function installRoot(dataDir: string): string {
  return join(dataDir, 'element-web');
}

/** The folder the edge serves installed releases from: a link to the current release. */
export function installedElementWebDir(dataDir: string): string {
  return join(installRoot(dataDir), 'current');
}

/** The release being served, read from its record beside it; null before the first install. */
export async function installedElementWeb(dataDir: string): Promise<InstalledElementWeb | null> {
  const target = await readlink(installedElementWebDir(dataDir)).catch(() => null);
  if (target === null) return null;
  const record = await readFile(`${join(installRoot(dataDir), target)}.json`, 'utf8').catch(() => null);
  return record === null ? null : JSON.parse(record) as InstalledElementWeb;
}

function fetchFailure(url: string, error: unknown): ElementWebRefused {
  return new ElementWebRefused(`${url} could not be fetched: ${(error as Error).message}`, { cause: error });
}

/** The newest release: the publisher's "latest" address redirects to its release page. */
async function latestVersion(releasesUrl: string): Promise<string> {
  let url = latestElementWebReleaseUrl(releasesUrl);
  for (let hops = 0; hops < 5; hops++) {
    const response = await fetch(url, { method: 'HEAD', redirect: 'manual', signal: AbortSignal.timeout(60_000) }).catch((error: unknown) => {
      throw fetchFailure(url, error);
    });
    const location = response.headers.get('location');
    if (response.status < 300 || response.status >= 400 || !location) break;
    url = new URL(location, url).toString();
    const version = versionFromReleaseTagUrl(url);
    if (version) return version;
  }
  throw new ElementWebRefused(`${latestElementWebReleaseUrl(releasesUrl)} did not lead to a release page; name the version to install`);
}

/** Streams `url` into `file` (at most maxDownloadBytes) and returns its SHA-256; null when the server says 404. */
async function download(url: string, file: string): Promise<string | null> {
  const response = await fetch(url, { redirect: 'follow', signal: AbortSignal.timeout(fetchTimeoutMs) }).catch((error: unknown) => {
    throw fetchFailure(url, error);
  });
  if (response.status === 404) return null;
  if (!response.ok || !response.body) throw new ElementWebRefused(`${url} answered HTTP ${response.status}`);
  const hash = createHash('sha256');
  let bytes = 0;
  const counted = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      bytes += chunk.length;
      if (bytes > maxDownloadBytes) return done(new ElementWebRefused(`${url} is larger than ${maxDownloadBytes} bytes`));
      hash.update(chunk);
      done(null, chunk);
    },
  });
  await pipeline(response.body, counted, createWriteStream(file, { mode: 0o600 }));
  return hash.digest('hex');
}

/** Verifies the detached signature over the archive with the publisher's key; returns the key's fingerprint. */
async function verifySignature(archive: string, signatureFile: string, signingKeyUrl: string): Promise<string> {
  const keyFile = `${signatureFile}.key`;
  if (await download(signingKeyUrl, keyFile) === null) throw new ElementWebRefused(`the signing key ${signingKeyUrl} does not exist (HTTP 404)`);
  try {
    const key = await openpgp.readKey({ armoredKey: await readFile(keyFile, 'utf8') });
    const signature = await openpgp.readSignature({ armoredSignature: await readFile(signatureFile, 'utf8') });
    const message = await openpgp.createMessage({ binary: new Uint8Array(await readFile(archive)) });
    const { signatures } = await openpgp.verify({ message, signature, verificationKeys: key });
    const [first] = signatures;
    if (!first) throw new Error('the signature file holds no signature');
    await first.verified;
    return key.getFingerprint();
  } catch (error) {
    if (error instanceof ElementWebRefused) throw error;
    throw new ElementWebRefused(`the release's signature does not verify with ${signingKeyUrl}: ${(error as Error).message}`, { cause: error });
  }
}

/** Checks every entry (files and folders inside `folder` only), then unpacks the folder's contents into `dir`. */
async function unpack(archive: string, folder: string, dir: string): Promise<void> {
  const { entries, unreadable } = await listArchiveEntries(archive);
  // An entry's own fault says more than where reading stopped.
  const bytes = checkArchiveEntries(entries, [folder], archiveLimits);
  if (unreadable) throw unreadable;
  if (bytes > maxUnpackedBytes) throw new ArchiveRefused(`it unpacks to ${bytes} bytes, more than ${maxUnpackedBytes}`);
  await mkdir(dir, { recursive: true, mode: 0o755 });
  let refused: string | undefined;
  await tar.x({
    file: archive, cwd: dir, strict: true, strip: 1, preserveOwner: false, noChmod: true,
    // Checked again as it is unpacked: the file may have changed since it was listed.
    filter: (_path, entry) => {
      const problem = archiveEntryProblem(archiveEntryOf(entry as tar.ReadEntry), archiveLimits);
      refused ??= problem;
      return problem === undefined;
    },
  });
  if (refused) throw new ArchiveRefused(refused);
  const index = await stat(join(dir, 'index.html')).catch(() => null);
  if (!index?.isFile()) throw new ArchiveRefused(`it has no ${folder}/index.html: not an Element Web release`);
}

/** Points `current` at `release` in one rename, so the edge never sees a half-switched folder. */
async function switchCurrent(root: string, release: string): Promise<void> {
  const link = join(root, 'current');
  const temporary = `${link}.${process.pid}.tmp`;
  await rm(temporary, { force: true });
  await symlink(release, temporary);
  await rename(temporary, link);
}

/** Keeps the served release and the one before it (to go back to); removes older ones and leftovers. */
async function pruneReleases(root: string, keep: string[]): Promise<void> {
  for (const name of await readdir(root)) {
    if (name === 'current' || keep.some((kept) => name === kept || name === `${kept}.json`)) continue;
    await rm(join(root, name), { recursive: true, force: true });
  }
}

export interface InstallElementWebOptions {
  dataDir: string;
  source: ElementWebSource;
  /** The release to install; the newest when left out. */
  version?: string;
  /** The archive's SHA-256 as the operator got it from the publisher: required when no signature is published. */
  sha256?: string;
}

/** Installs a release and serves it at once (the edge follows the `current` link); throws ElementWebRefused or ArchiveRefused. */
export async function installElementWeb(options: InstallElementWebOptions): Promise<InstalledElementWeb> {
  const root = installRoot(options.dataDir);
  await mkdir(root, { recursive: true, mode: 0o755 });
  const version = options.version ?? await latestVersion(options.source.releasesUrl);
  const files = elementWebReleaseFiles(options.source.releasesUrl, version);
  const release = `${version}-${Date.now()}-${randomBytes(3).toString('hex')}`;
  const work = join(root, `.download-${release}`);
  await mkdir(work, { mode: 0o700 });
  try {
    const archive = join(work, basename(files.archiveUrl));
    const sha256 = await download(files.archiveUrl, archive);
    if (sha256 === null) throw new ElementWebRefused(`there is no Element Web release ${version} (${files.archiveUrl}: HTTP 404)`);
    if (options.sha256 !== undefined && options.sha256.toLowerCase() !== sha256) {
      throw new ElementWebRefused(`the archive's SHA-256 is ${sha256}, not the ${options.sha256} given`);
    }
    const signatureFile = join(work, basename(files.signatureUrl));
    const signed = await download(files.signatureUrl, signatureFile) !== null;
    if (!signed && options.sha256 === undefined) {
      throw new ElementWebRefused(`release ${version} has no published signature (${files.signatureUrl}); give the archive's SHA-256 from the publisher to install it anyway`);
    }
    const signedBy = signed ? await verifySignature(archive, signatureFile, options.source.signingKeyUrl) : undefined;
    await unpack(archive, files.folder, join(work, 'release'));
    const installed: InstalledElementWeb = { version, sha256, ...(signedBy ? { signedBy } : {}), installedAt: new Date().toISOString() };
    await rename(join(work, 'release'), join(root, release));
    await writeFile(join(root, `${release}.json`), `${JSON.stringify(installed, null, 2)}\n`);
    const previous = await readlink(join(root, 'current')).catch(() => null);
    await switchCurrent(root, release);
    await pruneReleases(root, previous ? [release, previous] : [release]);
    return installed;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
