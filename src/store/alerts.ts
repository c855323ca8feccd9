// Alerts: at most one open per kind and subject (a host, the disk), so a condition that lasts is
// one alert, not one a pass; each is announced once when opened and once when resolved.
import { sql } from 'kysely';
import type { Db } from './database.ts';
import type { AlertKind, AlertRow } from './schema.ts';

export interface AlertCondition {
  kind: AlertKind;
  subject: string;
  hostId: string | null;
  summary: string;
}

/** Opens the alert unless one of its kind and subject is open already. */
export async function openAlert(db: Db, condition: AlertCondition): Promise<void> {
  await sql`INSERT INTO alerts (kind, subject, host_id, summary) VALUES (${condition.kind}, ${condition.subject}, ${condition.hostId}, ${condition.summary})
    ON CONFLICT (kind, subject) WHERE resolved_at IS NULL DO NOTHING`.execute(db);
}

export async function resolveAlert(db: Db, kind: AlertKind, subject: string): Promise<void> {
  await db.updateTable('alerts').set({ resolved_at: sql`now()` }).where('kind', '=', kind).where('subject', '=', subject).where('resolved_at', 'is', null).execute();
}

/** Open alerts of these kinds, to resolve those whose condition is gone. */
export async function openAlertsOf(db: Db, kinds: AlertKind[]): Promise<AlertRow[]> {
  return db.selectFrom('alerts').selectAll().where('kind', 'in', kinds).where('resolved_at', 'is', null).execute();
}

/** Alerts whose opening or recovery is still to be announced, oldest first. */
export async function unannouncedAlerts(db: Db): Promise<AlertRow[]> {
  return db.selectFrom('alerts').selectAll()
    .where((eb) => eb.or([
      eb.and([eb('resolved_at', 'is', null), eb('notified_at', 'is', null)]),
      // An alert resolved before it was ever announced is not worth a recovery notice either.
      eb.and([eb('resolved_at', 'is not', null), eb('notified_at', 'is not', null), eb('recovery_notified_at', 'is', null)]),
    ]))
    .orderBy('opened_at')
    .execute();
}

export async function markAnnounced(db: Db, alert: AlertRow): Promise<void> {
  const column = alert.resolved_at === null ? 'notified_at' : 'recovery_notified_at';
  await db.updateTable('alerts').set({ [column]: sql`now()` }).where('id', '=', alert.id).execute();
}

export async function listAlerts(db: Db, options: { open: boolean; limit: number }): Promise<(AlertRow & { host_label: string | null })[]> {
  let query = db.selectFrom('alerts').leftJoin('hosts', 'hosts.id', 'alerts.host_id').selectAll('alerts').select('hosts.label as host_label')
    .orderBy('alerts.opened_at', 'desc').limit(options.limit);
  if (options.open) query = query.where('alerts.resolved_at', 'is', null);
  return query.execute();
}

export async function hostAlerts(db: Db, hostId: string, limit: number): Promise<AlertRow[]> {
  return db.selectFrom('alerts').selectAll().where('host_id', '=', hostId).orderBy('opened_at', 'desc').limit(limit).execute();
}
