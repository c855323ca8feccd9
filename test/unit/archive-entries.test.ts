// Archives from customers are hostile: only files and folders at plain paths inside one folder.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ArchiveRefused, checkArchiveEntries, type ArchiveEntry } from '../../src/domain/archive-entries.ts';

const file = (path: string, size = 10): ArchiveEntry => ({ path, kind: 'file', size });
const dir = (path: string): ArchiveEntry => ({ path, kind: 'directory', size: 0 });
const refused = (entries: ArchiveEntry[], reason: RegExp, folder: string[] = []) =>
  assert.throws(() => checkArchiveEntries(entries, folder), (error: Error) => error instanceof ArchiveRefused && reason.test(error.message));

test('accepts files and folders inside the folder, with the folders leading to it, and counts their bytes', () => {
  const media = ['var', 'lib', 'synapse', 'media_store'];
  assert.equal(checkArchiveEntries([dir('var/'), dir('var/lib/synapse/media_store/'), file('var/lib/synapse/media_store/local_content/ab/cd/x', 7)], media), 7);
  assert.equal(checkArchiveEntries([dir('./'), file('./local_content/ab/cd/x', 5), file('./remote_content/a/b', 6)]), 11);
});

test('refuses links, devices, absolute and .. paths, entries outside the folder and oversized entries', () => {
  refused([file('local_content/a'), { path: 'local_content/zz/zz/x', kind: 'symbolic link', size: 0 }], /"local_content\/zz\/zz\/x" is a symbolic link/);
  refused([{ path: 'local_content/h', kind: 'hard link', size: 0 }], /hard link/);
  refused([{ path: 'dev/null', kind: 'device', size: 0 }], /device/);
  refused([file('/etc/passwd')], /absolute path/);
  refused([file('local_content/../../x')], /climbs out/);
  refused([file('media_store/local_content/a'), file('elsewhere/b')], /outside media_store\//, ['media_store']);
  refused([file('local_content/big', 9 * 1024 ** 3)], /more than/);
});
