// Backups kept in a folder of this machine (HOMEPORT_BACKUP_DIR): written to a `.part` file and
// renamed when whole, so a file under its final name is always complete.
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { dirname, resolve, sep } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { BackupStore } from '../runtime.ts';

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
    if (!/^[0-9a-f-]+(\/[0-9a-f-]+)?(\/[a-z0-9.-]+)?$/.test(name)) throw new Error(`not a backup file name: ${name}`);
    const path = resolve(this.#root, name);
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

  async remove(prefix: string): Promise<void> {
    await rm(this.#path(prefix), { recursive: true, force: true });
  }
}
