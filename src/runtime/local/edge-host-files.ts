// The files the edge serves for a host from the host's folder: its well-known documents. Written
// here rather than into Caddy's configuration, so that a changed document (a support contact, the
// federation switched off) is one file written and no Caddy change at all.
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { hostEdgeFilesDir, wellKnownFiles, type EdgeHost } from './caddy-config.ts';

/** Writes (aside, then renamed: never half a file) what changed, and removes documents no longer served. */
export async function writeEdgeHostFiles(hostsDir: string, host: EdgeHost): Promise<void> {
  const dir = hostEdgeFilesDir(hostsDir, host.id);
  for (const [name, text] of wellKnownFiles(host)) {
    const file = join(dir, name);
    if (text === undefined) {
      await rm(file, { force: true });
      continue;
    }
    if ((await readFile(file, 'utf8').catch(() => undefined)) === text) continue;
    await mkdir(dirname(file), { recursive: true, mode: 0o700 });
    const temporary = `${file}.${process.pid}.tmp`;
    await writeFile(temporary, text, { mode: 0o600 });
    await rename(temporary, file);
  }
}
