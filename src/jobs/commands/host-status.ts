// A host's status page: its last health check, uptime over a day and a week, the last day's
// checks and its recent incidents (alerts about it).
import type { Static } from 'typebox';
import type { HostStatusReport } from '../../contract/monitoring.ts';
import { uptimeShare } from '../../domain/monitoring.ts';
import { hostAlerts } from '../../store/alerts.ts';
import { healthCounts, latestHealthCheck, recentHealthChecks } from '../../store/host-health.ts';
import type { AlertRow, HostRow } from '../../store/schema.ts';
import type { HomeportContext } from '../../homeport-context.ts';

const iso = (value: Date | string) => new Date(value).toISOString();
const dayMs = 86_400_000;
const shownChecks = 200;
const shownIncidents = 20;

export function incidentView(alert: AlertRow) {
  return { id: alert.id, kind: alert.kind, summary: alert.summary, openedAt: iso(alert.opened_at), resolvedAt: alert.resolved_at === null ? null : iso(alert.resolved_at) };
}

export async function hostStatusReport(context: HomeportContext, host: HostRow, now = new Date()): Promise<Static<typeof HostStatusReport>> {
  const { db } = context;
  const dayAgo = new Date(now.getTime() - dayMs);
  const [latest, day, week, checks, alerts] = await Promise.all([
    latestHealthCheck(db, host.id),
    healthCounts(db, host.id, dayAgo),
    healthCounts(db, host.id, new Date(now.getTime() - 7 * dayMs)),
    recentHealthChecks(db, host.id, dayAgo, shownChecks),
    hostAlerts(db, host.id, shownIncidents),
  ]);
  return {
    state: latest?.state ?? null,
    checkedAt: latest ? iso(latest.checked_at) : null,
    responseMs: latest?.response_ms ?? null,
    uptime: { day: uptimeShare(day), week: uptimeShare(week) },
    checks: checks.map((check) => ({ at: iso(check.checked_at), state: check.state, responseMs: check.response_ms })),
    incidents: alerts.map(incidentView),
  };
}
