// Reads the Synapse schema version out of a dump or a SQLite homeserver.db without restoring it,
// and the schema version the installed Synapse supports, so an import refuses what cannot start.
import { execFile } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import { promisify } from 'node:util';
import type { SchemaState } from '../runtime.ts';
import { tableDataOfDump, type DumpFormat } from './host-archives.ts';

const run = promisify(execFile);

const copyHeader = /^COPY (?:public\.)?(\w+) \(([^)]*)\) FROM stdin;$/;

/** The value of `column` in the first row after a `COPY table (columns) FROM stdin;` line, by the column's name. */
function copyValue(header: string, row: string | undefined, column: string): number | undefined {
  const columns = copyHeader.exec(header)?.[2]?.split(',').map((name) => name.trim().replace(/^"|"$/g, ''));
  const index = columns?.indexOf(column) ?? -1;
  if (index < 0 || row === undefined || row === '\\.') return undefined;
  const value = Number(row.split('\t')[index]);
  return Number.isFinite(value) ? value : undefined;
}

function firstCopyValue(text: string, table: string, column: string): number | undefined {
  const lines = text.split('\n');
  const start = lines.findIndex((line) => copyHeader.exec(line)?.[1] === table);
  return start >= 0 ? copyValue(lines[start]!, lines[start + 1], column) : undefined;
}

async function plainDumpSchema(file: string): Promise<SchemaState> {
  const state: SchemaState = { version: undefined, compatVersion: undefined };
  const lines = createInterface({ input: createReadStream(file).pipe(createGunzip()), crlfDelay: Infinity });
  let header: string | undefined;
  for await (const line of lines) {
    if (header) {
      if (copyHeader.exec(header)?.[1] === 'schema_version') state.version = copyValue(header, line, 'version');
      else state.compatVersion = copyValue(header, line, 'compat_version');
      header = undefined;
      if (state.version !== undefined && state.compatVersion !== undefined) break;
      continue;
    }
    const table = copyHeader.exec(line)?.[1];
    if (table === 'schema_version' || table === 'schema_compat_version') header = line;
  }
  lines.close();
  return state;
}

export async function dumpSchemaState(dump: { format: DumpFormat; path: string }): Promise<SchemaState> {
  if (dump.format === 'plain-gzip') return plainDumpSchema(dump.path);
  const version = firstCopyValue(await tableDataOfDump({ format: dump.format, path: dump.path }, 'schema_version'), 'schema_version', 'version');
  const compatVersion = firstCopyValue(await tableDataOfDump({ format: dump.format, path: dump.path }, 'schema_compat_version'), 'schema_compat_version', 'compat_version');
  return { version, compatVersion };
}

const sqliteProbe = `
import json, sqlite3, sys
db = sqlite3.connect("file:" + sys.argv[1] + "?mode=ro", uri=True)
def one(query):
    try:
        row = db.execute(query).fetchone()
        return "" if row is None else str(row[0])
    except sqlite3.Error:
        return ""
def names(query):
    try:
        return [row[0] for row in db.execute(query).fetchall()]
    except sqlite3.Error:
        return []
print(one("SELECT version FROM schema_version"))
print(one("SELECT compat_version FROM schema_compat_version"))
print(json.dumps(names("SELECT update_name FROM background_updates ORDER BY ordering, update_name")))
`;

export async function sqliteSchemaState(venvPython: string, file: string): Promise<SchemaState> {
  const { stdout } = await run(venvPython, ['-c', sqliteProbe, file]);
  const [version, compat, pending] = stdout.split('\n');
  return {
    version: version ? Number(version) : undefined,
    compatVersion: compat ? Number(compat) : undefined,
    pendingBackgroundUpdates: JSON.parse(pending || '[]') as string[],
  };
}

let installed: number | undefined;

export async function installedSchemaVersion(venvPython: string): Promise<number> {
  if (installed === undefined) {
    const { stdout } = await run(venvPython, ['-c', 'from synapse.storage.schema import SCHEMA_VERSION; print(SCHEMA_VERSION)']);
    installed = Number(stdout.trim());
  }
  return installed;
}
