// Each host's health checks, kept for the retention period: the status page's history and uptime.
import { sql } from 'kysely';
import type { Db } from './database.ts';
import type { HealthState, HostHealthCheckRow } from './schema.ts';

export interface HealthCheck {
  hostId: string;
  state: HealthState;
  responseMs: number | null;
  at: Date;
}

/** Rows per INSERT: four parameters each, well inside PostgreSQL's 65,535. */
const checksPerInsert = 1_000;

/** A pass's checks, a thousand rows per statement. */
export async function recordHealthChecks(db: Db, checks: HealthCheck[]): Promise<void> {
  for (let index = 0; index < checks.length; index += checksPerInsert) {
    const rows = checks.slice(index, index + checksPerInsert).map((check) => ({ host_id: check.hostId, state: check.state, response_ms: check.responseMs, checked_at: check.at }));
    await db.insertInto('host_health_checks').values(rows).execute();
  }
}

export async function pruneHealthChecks(db: Db, before: Date): Promise<void> {
  await db.deleteFrom('host_health_checks').where('checked_at', '<', before).execute();
}

/** When the host's current run of failed checks began; undefined when its last check was not down. */
export async function downSince(db: Db, hostId: string): Promise<Date | undefined> {
  const lastNotDown = db.selectFrom('host_health_checks').select(sql<Date>`max(checked_at)`.as('at')).where('host_id', '=', hostId).where('state', '<>', 'down');
  const row = await db.selectFrom('host_health_checks')
    .select(sql<Date | null>`min(checked_at)`.as('since'))
    .where('host_id', '=', hostId)
    .where('state', '=', 'down')
    .where(sql<boolean>`checked_at > coalesce((${lastNotDown}), '-infinity'::timestamptz)`)
    .executeTakeFirst();
  return row?.since ?? undefined;
}

export async function latestHealthCheck(db: Db, hostId: string): Promise<HostHealthCheckRow | undefined> {
  return db.selectFrom('host_health_checks').selectAll().where('host_id', '=', hostId).orderBy('checked_at', 'desc').orderBy('id', 'desc').limit(1).executeTakeFirst();
}

export async function recentHealthChecks(db: Db, hostId: string, since: Date, limit: number): Promise<HostHealthCheckRow[]> {
  return db.selectFrom('host_health_checks').selectAll().where('host_id', '=', hostId).where('checked_at', '>=', since).orderBy('checked_at', 'desc').limit(limit).execute();
}

/** Checks since `since`, and how many of them found the host down. */
export async function healthCounts(db: Db, hostId: string, since: Date): Promise<{ total: number; down: number }> {
  const row = await db.selectFrom('host_health_checks')
    .select([sql<string>`count(*)`.as('total'), sql<string>`count(*) FILTER (WHERE state = 'down')`.as('down')])
    .where('host_id', '=', hostId)
    .where('checked_at', '>=', since)
    .executeTakeFirstOrThrow();
  return { total: Number(row.total), down: Number(row.down) };
}

/** Every host's last check (the operator's overview), newest hosts first. */
export async function latestHealthChecks(db: Db): Promise<(HostHealthCheckRow & { label: string })[]> {
  return db.selectFrom('host_health_checks')
    .innerJoin('hosts', 'hosts.id', 'host_health_checks.host_id')
    .distinctOn('host_health_checks.host_id')
    .selectAll('host_health_checks')
    .select('hosts.label')
    .orderBy('host_health_checks.host_id')
    .orderBy('host_health_checks.checked_at', 'desc')
    .execute();
}
