// The monitoring pass: every host's health is checked and recorded (up, down, or sleeping, which
// is not down), then each alert condition is judged (a host down past the grace period, its
// seats near the limit, its certificate expiring, the data disk filling): an alert opens when its
// condition appears and resolves when it is gone, and both are announced to the operator.
// A sleeping host costs the pass no query of its own: its seats and its certificate are looked
// at again only when due, so its spec (and its sealed secrets) is loaded only then, and the pass's
// health checks are written together at its end.
import {
  alertSummaries, certificateExpiring, diskUsedPercent, downTooLong, seatRecountDue, seatsNearLimit,
} from '../../domain/monitoring.ts';
import type { HostSpec } from '../../runtime/runtime.ts';
import { openAlert, openAlertsOf, resolveAlert, type AlertCondition } from '../../store/alerts.ts';
import { downSince, pruneHealthChecks, recordHealthChecks, type HealthCheck } from '../../store/host-health.ts';
import { hostsWithStatus } from '../../store/hosts.ts';
import type { AlertKind, HealthState, HostRow } from '../../store/schema.ts';
import { seatsInUse } from '../commands/host-seats.ts';
import { hostAddresses, loadHostSpec } from '../host-spec.ts';
import type { HomeportContext } from '../../homeport-context.ts';
import { RepeatingPass } from '../repeating-pass.ts';
import { announceAlerts } from './alert-notices.ts';

const checkConcurrency = 8;
const probeTimeoutMs = 5_000;
/** A certificate changes at most a few times a month: looked at again after this long. */
const certificateRecheckMs = 6 * 3_600_000;
/** Hosts whose process and health are theirs to judge. */
const watchedStatuses: HostRow['status'][] = ['running', 'degraded', 'sleeping'];
/** A host being rebuilt or exported belongs to its job: not checked, and its alerts are kept as they are until it is back. */
const busyStatuses: HostRow['status'][] = ['rebuilding', 'exporting'];
/** Kinds judged by this pass: an open alert of one of them without its condition now is resolved. */
const judgedKinds: AlertKind[] = ['host-down', 'seats-near-limit', 'certificate-expiring', 'disk-filling', 'backup-failed'];
export const diskSubject = 'data-disk';

export class HostMonitor {
  readonly #context: HomeportContext;
  readonly #certificates = new Map<string, { checkedAt: number; expiring: AlertCondition | undefined }>();
  readonly #seats = new Map<string, { countedAt: Date; whileSleeping: boolean; used: number }>();
  readonly #passes = new RepeatingPass(() => this.checkOnce(), (error) => {
    this.#context.logger.warn({ err: error }, 'monitoring pass failed; trying again');
  });

  constructor(context: HomeportContext) {
    this.#context = context;
  }

  /** One pass over every host and the machine; safe to repeat at any time. */
  async checkOnce(now = new Date()): Promise<void> {
    const { db, config } = this.#context;
    const hosts = await hostsWithStatus(db, watchedStatuses);
    const conditions: AlertCondition[] = [];
    // A host that could not be judged now keeps its alerts as they are.
    const unjudged = new Set((await hostsWithStatus(db, busyStatuses)).map((host) => host.id));
    const checks: HealthCheck[] = [];
    for (let index = 0; index < hosts.length; index += checkConcurrency) {
      await Promise.all(hosts.slice(index, index + checkConcurrency).map(async (host) => {
        const found = await this.#checkHost(host, now, checks);
        if (found === 'unjudged') unjudged.add(host.id);
        else conditions.push(...found);
      }));
    }
    await recordHealthChecks(db, checks);
    // What is kept of hosts no longer watched (cancelled, moved away) is let go.
    const watched = new Set(hosts.map((host) => host.id));
    for (const kept of [this.#seats, this.#certificates]) {
      for (const hostId of kept.keys()) if (!watched.has(hostId) && !unjudged.has(hostId)) kept.delete(hostId);
    }
    const disk = await this.#context.monitoring.dataDisk();
    if (diskUsedPercent(disk) >= config.monitoring.diskPercent) conditions.push({ kind: 'disk-filling', subject: diskSubject, hostId: null, summary: alertSummaries.diskFilling(disk) });
    await this.#settleAlerts(conditions, unjudged);
    await pruneHealthChecks(db, new Date(now.getTime() - config.monitoring.retentionDays * 86_400_000));
    await announceAlerts(this.#context);
  }

  async #checkHost(host: HostRow, now: Date, checks: HealthCheck[]): Promise<AlertCondition[] | 'unjudged'> {
    const { db, config, logger } = this.#context;
    try {
      let loaded: Promise<HostSpec> | undefined;
      const spec = () => (loaded ??= loadHostSpec(this.#context, host.id));
      const { state, responseMs } = await this.#health(host, spec);
      checks.push({ hostId: host.id, state, responseMs, at: now });
      const conditions: AlertCondition[] = [];
      // Only a host down now has a run of failed checks; this pass's check is written at its end.
      const since = state === 'down' ? (await downSince(db, host.id)) ?? now : undefined;
      if (since && downTooLong(since, now, config.monitoring.downGraceSeconds)) {
        conditions.push({ kind: 'host-down', subject: host.id, hostId: host.id, summary: alertSummaries.hostDown(host.label, since) });
      }
      const used = await this.#seatsInUse(host, spec, state === 'sleeping', now);
      // A staging clone's users are its original's (counted there): no second seat alert for them.
      if (used !== null && host.cloned_from_host_id === null && seatsNearLimit(used, host.seats, config.monitoring.seatPercent)) {
        conditions.push({ kind: 'seats-near-limit', subject: host.id, hostId: host.id, summary: alertSummaries.seatsNearLimit(host.label, used, host.seats) });
      }
      // Open until a backup of the host succeeds again.
      if (host.last_backup_status === 'failed') {
        conditions.push({ kind: 'backup-failed', subject: host.id, hostId: host.id, summary: alertSummaries.backupFailed(host.label, host.last_backup_at, host.last_backup_error) });
      }
      const certificate = await this.#certificateCondition(host, now);
      if (certificate) conditions.push(certificate);
      return conditions;
    } catch (error) {
      logger.warn({ host: host.label, err: error }, 'could not check the host');
      return 'unjudged';
    }
  }

  /** The host's seats in use: counted again only when due (seatRecountDue), else the last count. */
  async #seatsInUse(host: HostRow, spec: () => Promise<HostSpec>, sleeping: boolean, now: Date): Promise<number | null> {
    const last = this.#seats.get(host.id);
    if (last && !seatRecountDue(last, sleeping, now)) return last.used;
    const used = await seatsInUse(this.#context, host, await spec());
    if (used === null) this.#seats.delete(host.id);
    else this.#seats.set(host.id, { countedAt: now, whileSleeping: sleeping, used });
    return used;
  }

  async #health(host: HostRow, spec: () => Promise<HostSpec>): Promise<{ state: HealthState; responseMs: number | null }> {
    const { runtime, monitoring } = this.#context;
    // Asking a sleeping host would wake it: it sleeps on purpose, so it is not down.
    if (host.status === 'sleeping' || (await runtime.processState(host.id)) === 'sleeping') return { state: 'sleeping', responseMs: null };
    const probe = await monitoring.probeHealth(await spec(), probeTimeoutMs);
    return probe.healthy ? { state: 'up', responseMs: probe.responseMs } : { state: 'down', responseMs: null };
  }

  async #certificateCondition(host: HostRow, now: Date): Promise<AlertCondition | undefined> {
    const known = this.#certificates.get(host.id);
    if (known && now.getTime() - known.checkedAt < certificateRecheckMs) return known.expiring;
    const { edgeHostname } = hostAddresses(this.#context.config, host);
    const certificate = await this.#context.monitoring.edgeCertificate(edgeHostname);
    const expiring = certificate && certificateExpiring(certificate, now, this.#context.config.monitoring.certificateDays)
      ? { kind: 'certificate-expiring' as const, subject: host.id, hostId: host.id, summary: alertSummaries.certificateExpiring(edgeHostname, certificate.validTo) }
      : undefined;
    this.#certificates.set(host.id, { checkedAt: now.getTime(), expiring });
    return expiring;
  }

  /** Opens the alerts whose condition holds, resolves the open ones whose condition is gone. */
  async #settleAlerts(conditions: AlertCondition[], unjudged: Set<string>): Promise<void> {
    const { db } = this.#context;
    for (const condition of conditions) await openAlert(db, condition);
    const holding = new Set(conditions.map((condition) => `${condition.kind} ${condition.subject}`));
    for (const alert of await openAlertsOf(db, judgedKinds)) {
      if (!holding.has(`${alert.kind} ${alert.subject}`) && !unjudged.has(alert.subject)) await resolveAlert(db, alert.kind, alert.subject);
    }
  }

  start(): void {
    this.#passes.start(this.#context.config.monitoring.intervalSeconds * 1000);
  }

  stop(): Promise<void> {
    return this.#passes.stop();
  }
}
