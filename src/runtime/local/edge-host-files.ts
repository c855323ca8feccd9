// The files the edge serves for a host from the host's folder, and the links that lead the edge
// there: its well-known documents and its "no web client" page as files, and each of its names
// as a symbolic link `<names dir>/<name>` to the host's folder. Written here rather than into
// Caddy's configuration, so that a new host, a changed document or a changed name is a few file
// system operations and no Caddy change at all, however many hosts there are.
import { mkdir, readdir, readFile, readlink, rename, rm, symlink, unlink, writeFile } from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import { dirname, join } from 'node:path';
import {
  hostEdgeFilesDir, isEdgeName, linkedNames, noWebClientFile, noWebClientHtml, wellKnownFiles, type EdgeHost,
} from './caddy-config.ts';

/** Where the hosts' folders and the names' links are (CaddyEdge.baseConfigInput() has both). */
export interface EdgeDirs {
  hostsDir: string;
  namesDir: string;
}

/** The names linked to a host at its last change, kept in its edge folder so a name it lost is unlinked in O(1). */
const namesFile = 'names.json';

async function writeIfChanged(file: string, text: string): Promise<void> {
  if ((await readFile(file, 'utf8').catch(() => undefined)) === text) return;
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  // Aside, then renamed: the edge never serves half a file.
  const temporary = `${file}.${process.pid}.tmp`;
  await writeFile(temporary, text, { mode: 0o600 });
  await rename(temporary, file);
}

/**
 * Writes (aside, then renamed) what changed, removes documents no longer served, then links the
 * host's names to its folder and unlinks the names it no longer has. Links come last: a name
 * answers only once everything it serves is there.
 */
export async function writeEdgeHostFiles(dirs: EdgeDirs, host: EdgeHost): Promise<void> {
  const dir = hostEdgeFilesDir(dirs.hostsDir, host.id);
  for (const [name, text] of wellKnownFiles(host)) {
    const file = join(dir, name);
    if (text === undefined) await rm(file, { force: true });
    else await writeIfChanged(file, text);
  }
  await writeIfChanged(join(dirs.hostsDir, host.id, noWebClientFile), noWebClientHtml(host));
  const names = linkedNames(host).filter(isEdgeName);
  const before = await linkedBefore(dirs, host.id);
  await mkdir(dirs.namesDir, { recursive: true, mode: 0o700 });
  for (const name of names) await linkName(dirs, name, host.id);
  await unlinkNames(dirs, host.id, before.filter((name) => !names.includes(name)));
  await writeIfChanged(join(dir, namesFile), JSON.stringify(names));
}

/** Unlinks every name of the host (those of its last change, and `alsoNames`): it is served no more. */
export async function removeEdgeHostFiles(dirs: EdgeDirs, hostId: string, alsoNames: string[] = []): Promise<void> {
  await unlinkNames(dirs, hostId, [...new Set([...(await linkedBefore(dirs, hostId)), ...alsoNames])]);
  await rm(join(hostEdgeFilesDir(dirs.hostsDir, hostId), namesFile), { force: true });
}

/**
 * Removes every link that is not one of `hosts`' names (a host removed while Homeport was not
 * running, a folder removed before its names): once, when the whole edge is loaded.
 */
export async function sweepEdgeNames(dirs: EdgeDirs, hosts: EdgeHost[]): Promise<void> {
  const wanted = new Map(hosts.flatMap((host) => linkedNames(host).map((name) => [name, hostFolder(dirs, host.id)] as const)));
  for (const name of await readdir(dirs.namesDir).catch(() => [])) {
    const link = join(dirs.namesDir, name);
    if (wanted.get(name) !== (await readlink(link).catch(() => undefined))) await rm(link, { force: true });
  }
}

function hostFolder(dirs: EdgeDirs, hostId: string): string {
  return join(dirs.hostsDir, hostId);
}

async function linkedBefore(dirs: EdgeDirs, hostId: string): Promise<string[]> {
  const text = await readFile(join(hostEdgeFilesDir(dirs.hostsDir, hostId), namesFile), 'utf8').catch(() => '[]');
  try {
    const names = JSON.parse(text) as unknown;
    return Array.isArray(names) ? names.filter((name): name is string => typeof name === 'string' && isEdgeName(name)) : [];
  } catch {
    return [];
  }
}

/** Points the name at the host's folder: a new link made aside and renamed over the old one, so the name never answers 404 in between. */
async function linkName(dirs: EdgeDirs, name: string, hostId: string): Promise<void> {
  const link = join(dirs.namesDir, name);
  const target = hostFolder(dirs, hostId);
  if ((await readlink(link).catch(() => undefined)) === target) return;
  // Made outside the names folder: no request can name the link while it is made.
  const aside = join(dirname(dirs.namesDir), 'linking');
  await mkdir(aside, { recursive: true, mode: 0o700 });
  const temporary = join(aside, `${name}.${process.pid}.${randomUUID()}`);
  await symlink(target, temporary);
  await rename(temporary, link);
}

/** Unlinks those of the names that still lead to this host (a name taken over by another host is left alone). */
async function unlinkNames(dirs: EdgeDirs, hostId: string, names: string[]): Promise<void> {
  const target = hostFolder(dirs, hostId);
  for (const name of names.filter(isEdgeName)) {
    const link = join(dirs.namesDir, name);
    if ((await readlink(link).catch(() => undefined)) === target) await unlink(link).catch(() => undefined);
  }
}
