// What this machine has left and what each host's processes and database use of it: memory from
// /proc (the kernel's own accounting), connections from PostgreSQL's pg_stat_activity.
import { readFile } from 'node:fs/promises';
import type pg from 'pg';

/** MemTotal and MemAvailable of /proc/meminfo, in bytes. */
export async function machineMemory(): Promise<{ totalBytes: number; availableBytes: number }> {
  const meminfo = await readFile('/proc/meminfo', 'utf8');
  return { totalBytes: kibibytesOf(meminfo, 'MemTotal') * 1024, availableBytes: kibibytesOf(meminfo, 'MemAvailable') * 1024 };
}

/** Resident memory (VmRSS) of a process, in bytes; 0 when it is gone. */
export async function processMemoryBytes(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
  return kibibytesOf(status, 'VmRSS') * 1024;
}

function kibibytesOf(text: string, field: string): number {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB$`, 'm').exec(text);
  return match ? Number(match[1]) : 0;
}

/**
 * Client connections per database (of the names asked), the server's max_connections, the ones
 * reserved for superusers, and all client connections in use.
 */
export async function databaseConnections(pool: pg.Pool, databaseNames: string[]): Promise<{ perDatabase: Map<string, number>; max: number; reserved: number; used: number }> {
  const settings = await pool.query<{ name: string; setting: string }>(
    "SELECT name, setting FROM pg_settings WHERE name IN ('max_connections', 'superuser_reserved_connections')",
  );
  const setting = (name: string) => Number(settings.rows.find((row) => row.name === name)?.setting ?? 0);
  const counts = await pool.query<{ datname: string | null; n: string }>(
    "SELECT datname, count(*) AS n FROM pg_stat_activity WHERE backend_type = 'client backend' GROUP BY datname",
  );
  const wanted = new Set(databaseNames);
  const perDatabase = new Map<string, number>();
  let used = 0;
  for (const row of counts.rows) {
    used += Number(row.n);
    if (row.datname !== null && wanted.has(row.datname)) perDatabase.set(row.datname, Number(row.n));
  }
  return { perDatabase, max: setting('max_connections'), reserved: setting('superuser_reserved_connections'), used };
}
