// Creates and drops a host's own PostgreSQL database and role, each step safe to repeat.
import pg from 'pg';

export interface HostDatabase {
  name: string;
  user: string;
  password: string;
}

const identifier = /^[a-z_][a-z0-9_]{0,62}$/;

function checkIdentifier(value: string): string {
  if (!identifier.test(value)) throw new Error(`"${value}" is not a safe PostgreSQL identifier`);
  return pg.escapeIdentifier(value);
}

export async function ensureHostDatabase(admin: pg.Pool, database: HostDatabase): Promise<void> {
  const role = checkIdentifier(database.user);
  const name = checkIdentifier(database.name);
  const password = pg.escapeLiteral(database.password);
  const roleExists = await admin.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [database.user]);
  // The password is (re)set every time so a role left by an interrupted build matches the stored secret.
  await admin.query(`${roleExists.rowCount ? 'ALTER' : 'CREATE'} ROLE ${role} LOGIN PASSWORD ${password}`);
  const databaseExists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [database.name]);
  if (!databaseExists.rowCount) {
    // Synapse refuses any collation but C, and template0 is the only template that allows choosing it.
    await admin.query(`CREATE DATABASE ${name} ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0 OWNER ${role}`);
  }
}

export async function dropHostDatabase(admin: pg.Pool, database: Pick<HostDatabase, 'name' | 'user'>): Promise<void> {
  const role = checkIdentifier(database.user);
  const name = checkIdentifier(database.name);
  await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.query(`DROP ROLE IF EXISTS ${role}`);
}
