// A host's restore point before a Synapse upgrade: a copy of its database made by PostgreSQL
// itself (CREATE DATABASE ... TEMPLATE, a file-level copy, far faster than a dump) and a copy of
// its configuration files. Taken and restored only while the host's Synapse is stopped.
import { copyFile, mkdir, rm, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import pg from 'pg';
import type { HomeserverPaths } from '../../synapse/homeserver-config.ts';
import { connectionStringFor } from './host-databases.ts';
import type { RetiredDatabases } from './retired-databases.ts';

const snapshotName = /^[a-z0-9_]{1,40}$/;

export interface SnapshotTarget {
  admin: pg.Pool;
  /** A database replaced or dropped here is retired: renamed at once, dropped later without holding up the host. */
  retired: RetiredDatabases;
  database: { name: string; user: string };
  paths: HomeserverPaths;
}

function databaseOf(snapshot: string): string {
  if (!snapshotName.test(snapshot)) throw new Error(`"${snapshot}" is not a snapshot name`);
  return `snapshot_${snapshot}`;
}

function filesDir(target: SnapshotTarget, snapshot: string): string {
  return join(target.paths.hostDir, 'snapshots', snapshot);
}

const configFiles = (paths: HomeserverPaths) => [paths.homeserverConfig, paths.logConfig, paths.signingKey];

/** Nothing may be connected to a database PostgreSQL copies or drops. */
async function disconnectAll(admin: pg.Pool, database: string): Promise<void> {
  await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [database]);
}

async function databaseExists(admin: pg.Pool, name: string): Promise<boolean> {
  return Boolean((await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])).rowCount);
}

export async function hasSnapshot(target: SnapshotTarget, snapshot: string): Promise<boolean> {
  return databaseExists(target.admin, databaseOf(snapshot));
}

/** Copies the database under a scratch name first and renames it when whole: a snapshot that exists is complete. */
export async function takeSnapshot(target: SnapshotTarget, snapshot: string): Promise<{ databaseBytes: number }> {
  const { admin } = target;
  const name = databaseOf(snapshot);
  const scratch = `${name}_wip`;
  await mkdir(filesDir(target, snapshot), { recursive: true, mode: 0o700 });
  for (const file of configFiles(target.paths)) await copyFile(file, join(filesDir(target, snapshot), basename(file)));
  await target.retired.retireDatabase(scratch);
  await disconnectAll(admin, target.database.name);
  await admin.query(`CREATE DATABASE ${pg.escapeIdentifier(scratch)} TEMPLATE ${pg.escapeIdentifier(target.database.name)}`);
  await admin.query(`ALTER DATABASE ${pg.escapeIdentifier(scratch)} RENAME TO ${pg.escapeIdentifier(name)}`);
  // Nobody but Homeport's admin role may open a restore point.
  await admin.query(`ALTER DATABASE ${pg.escapeIdentifier(name)} WITH ALLOW_CONNECTIONS false`);
  const size = await admin.query<{ bytes: string }>('SELECT pg_database_size($1)::text AS bytes', [name]);
  return { databaseBytes: Number(size.rows[0]?.bytes ?? 0) };
}

/**
 * Puts the snapshot back: the host's database becomes a copy of it again (owned by the host's
 * role, as before) and its configuration files are copied back. The snapshot stays; repeatable.
 */
export async function restoreSnapshot(target: SnapshotTarget, snapshot: string): Promise<void> {
  const { admin, database } = target;
  const name = databaseOf(snapshot);
  if (!(await databaseExists(admin, name))) throw new Error(`the snapshot ${snapshot} does not exist`);
  for (const file of configFiles(target.paths)) {
    const saved = join(filesDir(target, snapshot), basename(file));
    if (await stat(saved).then(() => true, () => false)) await copyFile(saved, file);
  }
  await target.retired.retireDatabase(database.name);
  await admin.query(`CREATE DATABASE ${pg.escapeIdentifier(database.name)} TEMPLATE ${pg.escapeIdentifier(name)} OWNER ${pg.escapeIdentifier(database.user)}`);
}

/**
 * Makes another host's database (a staging clone's) a copy of the snapshot: its tables, sequences,
 * views and functions are handed from the snapshotted host's role (`fromRole`) to the target's, one
 * by one (REASSIGN OWNED would also hand over the original's own database). Configuration files are
 * not copied: the clone has its own. Repeatable.
 */
export async function cloneSnapshot(target: SnapshotTarget, snapshot: string, fromRole: string): Promise<void> {
  const { admin, database } = target;
  const name = databaseOf(snapshot);
  if (!(await databaseExists(admin, name))) throw new Error(`the snapshot ${snapshot} does not exist`);
  await target.retired.retireDatabase(database.name);
  await admin.query(`CREATE DATABASE ${pg.escapeIdentifier(database.name)} TEMPLATE ${pg.escapeIdentifier(name)} OWNER ${pg.escapeIdentifier(database.user)}`);
  const client = new pg.Client({ connectionString: connectionStringFor(admin, database.name) });
  await client.connect();
  try {
    const to = pg.escapeIdentifier(database.user);
    // Tables first: a sequence owned by a column moves with its table and cannot be moved alone.
    const relations = await client.query<{ kind: string; name: string }>(`
      SELECT c.relkind AS kind, format('%I.%I', n.nspname, c.relname) AS name
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relowner = (SELECT oid FROM pg_roles WHERE rolname = $1) AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S')
        AND NOT (c.relkind = 'S' AND EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')))
      ORDER BY c.relkind = 'S', c.relname`, [fromRole]);
    const words: Record<string, string> = { r: 'TABLE', p: 'TABLE', f: 'FOREIGN TABLE', v: 'VIEW', m: 'MATERIALIZED VIEW', S: 'SEQUENCE' };
    for (const relation of relations.rows) await client.query(`ALTER ${words[relation.kind] ?? 'TABLE'} ${relation.name} OWNER TO ${to}`);
    const routines = await client.query<{ kind: string; name: string }>(
      "SELECT p.prokind AS kind, p.oid::regprocedure::text AS name FROM pg_proc p WHERE p.proowner = (SELECT oid FROM pg_roles WHERE rolname = $1) AND p.prokind IN ('f', 'p')", [fromRole]);
    for (const routine of routines.rows) await client.query(`ALTER ${routine.kind === 'p' ? 'PROCEDURE' : 'FUNCTION'} ${routine.name} OWNER TO ${to}`);
    const schemas = await client.query<{ name: string }>('SELECT nspname AS name FROM pg_namespace WHERE nspowner = (SELECT oid FROM pg_roles WHERE rolname = $1)', [fromRole]);
    for (const schema of schemas.rows) await client.query(`ALTER SCHEMA ${pg.escapeIdentifier(schema.name)} OWNER TO ${to}`);
    const left = await client.query<{ count: string }>(`
      SELECT count(*)::text AS count FROM pg_shdepend
      WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) AND deptype = 'o' AND refobjid = (SELECT oid FROM pg_roles WHERE rolname = $1)`, [fromRole]);
    if (Number(left.rows[0]?.count ?? 0) > 0) throw new Error(`${left.rows[0]?.count} objects of the snapshot ${snapshot} are still owned by ${fromRole} (of a kind Homeport does not hand over)`);
  } finally {
    await client.end();
  }
}

export async function dropSnapshot(target: SnapshotTarget, snapshot: string): Promise<void> {
  const name = databaseOf(snapshot);
  await target.retired.retireDatabase(`${name}_wip`);
  await target.retired.retireDatabase(name);
  await rm(filesDir(target, snapshot), { recursive: true, force: true });
}
