// A host's media store as a gzip tar, read and written with node-tar: every entry of an archive
// is checked (src/domain/archive-entries.ts) before anything is unpacked, extraction writes only
// files and folders and never follows a link, and an export never stores a link either.
import { mkdir, rm } from 'node:fs/promises';
import * as tar from 'tar';
import { ArchiveRefused, checkArchiveEntries, pathParts, archiveEntryProblem, type ArchiveEntry } from '../../domain/archive-entries.ts';
import { archiveEntryOf, listArchiveEntries } from './tar-entries.ts';

const mediaDirs = /^(local_content|local_thumbnails|remote_content|remote_thumbnail|url_cache|url_cache_thumbnails)$/;

/**
 * The folder the media store sits in inside the archive: ours hold `./local_content/...`, a
 * self-hosted `tar -czf media.tar.gz /var/lib/synapse/media_store` holds
 * `var/lib/synapse/media_store/local_content/...`.
 */
function mediaFolder(entries: ArchiveEntry[]): { folder: string[]; strip: number } {
  for (const entry of entries) {
    // node-tar's strip counts every part of the raw path, `.` included.
    const raw = entry.path.split('/');
    const strip = raw.findIndex((part) => mediaDirs.test(part));
    if (strip >= 0) return { folder: pathParts(raw.slice(0, strip).join('/')), strip };
  }
  return { folder: [], strip: 0 };
}

export interface CheckedMediaArchive {
  /** How many leading path parts, above the media store, unpacking drops. */
  strip: number;
  /** What it unpacks to. */
  bytes: number;
}

/** Refuses (ArchiveRefused) a media archive with anything but files and folders under one media store. */
export async function checkMediaArchive(file: string): Promise<CheckedMediaArchive> {
  const { entries, unreadable } = await listArchiveEntries(file);
  const { folder, strip } = mediaFolder(entries);
  // An entry's own fault (e.g. a size claimed but never written) says more than where reading stopped.
  const bytes = checkArchiveEntries(entries, folder);
  if (unreadable) throw unreadable;
  return { strip, bytes };
}

/**
 * Unpacks a checked media archive into `dir` (replaced). The archive is checked again here (it
 * may have changed since the import was planned), and the extraction itself still skips and
 * reports anything but a file or folder, so no link is ever created or followed.
 */
export async function extractMediaArchive(file: string, dir: string): Promise<void> {
  const { strip } = await checkMediaArchive(file);
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true, mode: 0o700 });
  let refused: string | undefined;
  await tar.x({
    file, cwd: dir, strict: true, strip, preserveOwner: false, noChmod: true,
    filter: (_path, entry) => {
      const problem = archiveEntryProblem(archiveEntryOf(entry as tar.ReadEntry));
      refused ??= problem;
      return problem === undefined;
    },
  });
  if (refused) {
    await rm(dir, { recursive: true, force: true });
    throw new ArchiveRefused(`the media archive changed after it was checked: ${refused}`);
  }
}

/** Archives the files and folders of `dir` (entries `./...`); returns what it left out (links, sockets...). */
export async function archiveMediaDirectory(dir: string, file: string): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const skipped: string[] = [];
  await tar.c({
    file, gzip: true, cwd: dir, portable: true,
    filter: (path, stat) => {
      const kept = 'isFile' in stat && (stat.isFile() || stat.isDirectory());
      if (!kept) skipped.push(path);
      return kept;
    },
  }, ['.']);
  return skipped;
}
