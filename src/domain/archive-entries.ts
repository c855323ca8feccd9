// What an archive from a customer may hold: regular files and directories at plain relative paths
// inside one folder, each of a bounded size. Everything else (links that would make extraction
// read or write elsewhere, devices, absolute or `..` paths) makes the whole archive refused, and
// every entry is judged before anything is unpacked.

export type ArchiveEntryKind = 'file' | 'directory' | 'symbolic link' | 'hard link' | 'device' | 'other';

export interface ArchiveEntry {
  path: string;
  kind: ArchiveEntryKind;
  size: number;
}

export interface ArchiveLimits {
  maxEntryBytes: number;
  maxEntries: number;
}

/** Above any media file Synapse stores (uploads are capped far lower) or any table file of a dump. */
export const archiveLimits: ArchiveLimits = { maxEntryBytes: 8 * 1024 ** 3, maxEntries: 10_000_000 };

export class ArchiveRefused extends Error {}

/** Why this entry is refused, or undefined when it may be unpacked. */
export function archiveEntryProblem(entry: ArchiveEntry, limits: ArchiveLimits = archiveLimits): string | undefined {
  const name = JSON.stringify(entry.path);
  if (entry.kind !== 'file' && entry.kind !== 'directory') return `${name} is a ${entry.kind}; only files and folders are accepted`;
  if (entry.path === '' || /[\0\\]/.test(entry.path)) return `${name} is not a plain relative path`;
  if (entry.path.startsWith('/')) return `${name} is an absolute path`;
  if (entry.path.split('/').includes('..')) return `${name} climbs out of its folder with ..`;
  if (!Number.isSafeInteger(entry.size) || entry.size < 0 || entry.size > limits.maxEntryBytes) {
    return `${name} is ${entry.size} bytes, more than the ${limits.maxEntryBytes} bytes an entry may hold`;
  }
  return undefined;
}

/** The path's parts without `.` and empty ones: `./a//b/` is [a, b]. */
export function pathParts(path: string): string[] {
  return path.split('/').filter((part) => part !== '' && part !== '.');
}

/**
 * Refuses the archive unless every entry is acceptable and lies inside `folder` (parts; the
 * folders leading to it are allowed as entries themselves). Returns the bytes it unpacks to.
 */
export function checkArchiveEntries(entries: Iterable<ArchiveEntry>, folder: string[] = [], limits: ArchiveLimits = archiveLimits): number {
  let count = 0;
  let total = 0;
  for (const entry of entries) {
    const problem = archiveEntryProblem(entry, limits);
    if (problem) throw new ArchiveRefused(problem);
    const parts = pathParts(entry.path);
    const inside = folder.every((part, index) => index >= parts.length || parts[index] === part)
      && (parts.length > folder.length || entry.kind === 'directory');
    if (!inside) throw new ArchiveRefused(`${JSON.stringify(entry.path)} lies outside ${folder.join('/') || 'the archive'}/`);
    if (++count > limits.maxEntries) throw new ArchiveRefused(`more than ${limits.maxEntries} entries`);
    total += entry.size;
  }
  return total;
}
