// What is left of a host's database on a PostgreSQL server: the database and role under their
// names, and retired copies of them (renamed `retired_…_<name>` at removal, dropped a while later).
import type pg from 'pg';

export async function databaseLeftovers(admin: pg.Pool, database: { name: string; user: string }): Promise<string[]> {
  const found: string[] = [];
  const databases = await admin.query<{ name: string }>(
    "SELECT datname AS name FROM pg_database WHERE datname = $1 OR (datname LIKE 'retired\\_%' AND datname LIKE '%\\_' || $1)", [database.name]);
  for (const row of databases.rows) found.push(`database ${row.name}`);
  const roles = await admin.query<{ name: string }>(
    "SELECT rolname AS name FROM pg_roles WHERE rolname = $1 OR (rolname LIKE 'retired\\_%' AND rolname LIKE '%\\_' || $1)", [database.user]);
  for (const row of roles.rows) found.push(`role ${row.name}`);
  return found;
}
