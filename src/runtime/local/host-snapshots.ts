// A host's restore point before a Synapse upgrade: a copy of its database made by PostgreSQL
// itself (CREATE DATABASE ... TEMPLATE, a file-level copy, far faster than a dump) and a copy of
// its configuration files. Taken and restored only while the host's Synapse is stopped.
import { copyFile, mkdir, rm, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import pg from 'pg';
import type { HomeserverPaths } from '../../synapse/homeserver-config.ts';

const snapshotName = /^[a-z0-9_]{1,40}$/;

export interface SnapshotTarget {
  admin: pg.Pool;
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
  await admin.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(scratch)} WITH (FORCE)`);
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
  await admin.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(database.name)} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${pg.escapeIdentifier(database.name)} TEMPLATE ${pg.escapeIdentifier(name)} OWNER ${pg.escapeIdentifier(database.user)}`);
}

export async function dropSnapshot(target: SnapshotTarget, snapshot: string): Promise<void> {
  const name = databaseOf(snapshot);
  await target.admin.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(`${name}_wip`)} WITH (FORCE)`);
  await target.admin.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`);
  await rm(filesDir(target, snapshot), { recursive: true, force: true });
}
