// Reads the Synapse schema version out of a dump or a SQLite homeserver.db without restoring it,
// and the schema version the installed Synapse supports, so an import refuses what cannot start.
import { execFile } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import { promisify } from 'node:util';
import { tableDataOfDump, type DumpFormat } from './host-archives.ts';

const run = promisify(execFile);

export interface SchemaState {
  version: number | undefined;
  /** The oldest Synapse schema that can run this database (Synapse refuses to start when it is newer than its own). */
  compatVersion: number | undefined;
}

function firstCopyValue(text: string, table: string, column: number): number | undefined {
  const lines = text.split('\n');
  const start = lines.findIndex((line) => line.startsWith(`COPY public.${table} `) || line.startsWith(`COPY ${table} `));
  const row = start >= 0 ? lines[start + 1] : undefined;
  if (!row || row === '\\.') return undefined;
  const value = Number(row.split('\t')[column]);
  return Number.isFinite(value) ? value : undefined;
}

async function plainDumpSchema(file: string): Promise<SchemaState> {
  const state: SchemaState = { version: undefined, compatVersion: undefined };
  const lines = createInterface({ input: createReadStream(file).pipe(createGunzip()), crlfDelay: Infinity });
  let reading: 'version' | 'compat' | undefined;
  for await (const line of lines) {
    if (reading) {
      const fields = line.split('\t');
      if (reading === 'version') state.version = Number(fields[1]);
      else state.compatVersion = Number(fields[0]);
      reading = undefined;
      if (state.version !== undefined && state.compatVersion !== undefined) break;
      continue;
    }
    if (/^COPY (public\.)?schema_version /.test(line)) reading = 'version';
    else if (/^COPY (public\.)?schema_compat_version /.test(line)) reading = 'compat';
  }
  lines.close();
  return state;
}

export async function dumpSchemaState(dump: { format: DumpFormat; path: string }): Promise<SchemaState> {
  if (dump.format === 'plain-gzip') return plainDumpSchema(dump.path);
  const version = firstCopyValue(await tableDataOfDump({ format: dump.format, path: dump.path }, 'schema_version'), 'schema_version', 1);
  const compatVersion = firstCopyValue(await tableDataOfDump({ format: dump.format, path: dump.path }, 'schema_compat_version'), 'schema_compat_version', 0);
  return { version, compatVersion };
}

const sqliteProbe = `
import sqlite3, sys
db = sqlite3.connect("file:" + sys.argv[1] + "?mode=ro", uri=True)
def one(query):
    try:
        row = db.execute(query).fetchone()
        return "" if row is None else str(row[0])
    except sqlite3.Error:
        return ""
print(one("SELECT version FROM schema_version"))
print(one("SELECT compat_version FROM schema_compat_version"))
`;

export async function sqliteSchemaState(venvPython: string, file: string): Promise<SchemaState> {
  const { stdout } = await run(venvPython, ['-c', sqliteProbe, file]);
  const [version, compat] = stdout.split('\n');
  return { version: version ? Number(version) : undefined, compatVersion: compat ? Number(compat) : undefined };
}

let installed: number | undefined;

export async function installedSchemaVersion(venvPython: string): Promise<number> {
  if (installed === undefined) {
    const { stdout } = await run(venvPython, ['-c', 'from synapse.storage.schema import SCHEMA_VERSION; print(SCHEMA_VERSION)']);
    installed = Number(stdout.trim());
  }
  return installed;
}
