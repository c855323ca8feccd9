// A gzip tar archive's entries as the archive rules judge them (src/domain/archive-entries.ts),
// read with node-tar without unpacking anything.
import * as tar from 'tar';
import { ArchiveRefused, type ArchiveEntry, type ArchiveEntryKind } from '../../domain/archive-entries.ts';

const kinds: Partial<Record<string, ArchiveEntryKind>> = {
  File: 'file', OldFile: 'file', ContiguousFile: 'file', Directory: 'directory',
  SymbolicLink: 'symbolic link', Link: 'hard link', CharacterDevice: 'device', BlockDevice: 'device', FIFO: 'device',
};

export function archiveEntryOf(entry: tar.ReadEntry): ArchiveEntry {
  return { path: entry.path, kind: kinds[entry.type] ?? 'other', size: entry.size ?? 0 };
}

/** Every entry's header, read without unpacking, and why reading stopped early if it did. */
export async function listArchiveEntries(file: string): Promise<{ entries: ArchiveEntry[]; unreadable?: ArchiveRefused }> {
  const entries: ArchiveEntry[] = [];
  try {
    await tar.t({ file, strict: true, onReadEntry: (entry) => { entries.push(archiveEntryOf(entry)); } });
    return { entries };
  } catch (error) {
    return { entries, unreadable: new ArchiveRefused(`not a readable gzip tar archive: ${(error as Error).message}`, { cause: error }) };
  }
}
