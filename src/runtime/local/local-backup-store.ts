// Backups kept in a folder of this machine (HOMEPORT_BACKUP_DIR): written to a `.part` file and
// renamed when whole, so a file under its final name is always complete.
import { createReadStream, createWriteStream } from 'node:fs';
import { access, mkdir, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { checkBackupName, type BackupStore } from '../runtime.ts';

export class LocalBackupStore implements BackupStore {
  readonly #root: string;

  constructor(root: string) {
    this.#root = resolve(root);
  }

  get description(): string {
    return `local folder ${this.#root}`;
  }

  /** Names come from Homeport's own ids; anything leaving the folder is a bug, refused loudly. */
  #path(name: string): string {
    const path = resolve(this.#root, checkBackupName(name));
    if (!path.startsWith(this.#root + sep)) throw new Error(`not a backup file name: ${name}`);
    return path;
  }

  async write(name: string, content: NodeJS.ReadableStream, signal?: AbortSignal): Promise<{ bytes: number }> {
    const path = this.#path(name);
    await mkdir(dirname(path), { recursive: true, mode: 0o700 });
    const part = `${path}.part`;
    await pipeline(content, createWriteStream(part, { mode: 0o600 }), { signal });
    await rename(part, path);
    return { bytes: (await stat(path)).size };
  }

  async read(name: string): Promise<NodeJS.ReadableStream> {
    const path = this.#path(name);
    await stat(path);
    return createReadStream(path);
  }

  async list(prefix: string): Promise<{ name: string; bytes: number }[]> {
    const root = this.#path(prefix);
    const entries = await readdir(root, { recursive: true, withFileTypes: true }).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT' || error.code === 'ENOTDIR') return [];
      throw error;
    });
    const files: { name: string; bytes: number }[] = [];
    for (const entry of entries) {
      if (!entry.isFile() || entry.name.endsWith('.part')) continue;
      const path = join(entry.parentPath, entry.name);
      files.push({ name: relative(this.#root, path).split(sep).join('/'), bytes: (await stat(path)).size });
    }
    return files.sort((a, b) => a.name.localeCompare(b.name));
  }

  async remove(prefix: string): Promise<void> {
    await rm(this.#path(prefix), { recursive: true, force: true });
  }

  async check(): Promise<void> {
    await mkdir(this.#root, { recursive: true, mode: 0o700 });
    const probe = join(this.#root, `.homeport-check-${process.pid}`);
    await writeFile(probe, '');
    await access(probe);
    await rm(probe, { force: true });
  }
}
