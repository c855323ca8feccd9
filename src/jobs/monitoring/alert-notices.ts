// Tells the operator of each alert opened and resolved: a mail to the alert address and, when
// set, a webhook POST signed with HMAC-SHA256 (X-Homeport-Signature: sha256=<hex> of
// `<timestamp>.<body>`, the timestamp in X-Homeport-Timestamp), sent SSRF-safely and tried again
// with backoff. Each notice is sent once: a failure is logged, not repeated every pass.
import { createHmac } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { safeFetch } from '../../net/safe-fetch.ts';
import { markAnnounced, unannouncedAlerts } from '../../store/alerts.ts';
import type { AlertRow } from '../../store/schema.ts';
import { customerFetchOptions } from '../customer-url-fetch.ts';
import type { HomeportContext } from '../../homeport-context.ts';

const webhookAttempts = 4;
const firstRetryMs = 1000;

export function signWebhook(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

function noticeOf(alert: AlertRow, baseDomain: string) {
  const resolved = alert.resolved_at !== null;
  return {
    event: resolved ? 'alert.resolved' : 'alert.opened',
    installation: baseDomain,
    alert: {
      id: alert.id,
      kind: alert.kind,
      hostId: alert.host_id,
      summary: alert.summary,
      openedAt: new Date(alert.opened_at).toISOString(),
      resolvedAt: alert.resolved_at === null ? null : new Date(alert.resolved_at).toISOString(),
    },
  };
}

async function mailNotice(context: HomeportContext, alert: AlertRow): Promise<void> {
  const resolved = alert.resolved_at !== null;
  await context.mailer.send({
    to: context.config.monitoring.alertEmail,
    subject: `${resolved ? 'Resolved' : 'Alert'}: ${alert.kind} (${context.config.baseDomain})`,
    text: resolved
      ? `Resolved at ${new Date(alert.resolved_at as Date).toISOString()}:\n\n${alert.summary}\n\nOpened at ${new Date(alert.opened_at).toISOString()}.\n`
      : `${alert.summary}\n\nOpened at ${new Date(alert.opened_at).toISOString()}. You will get another mail once it is resolved.\nOpen alerts: ${context.config.publicUrl}/operator/alerts\n`,
  });
}

async function postWebhook(context: HomeportContext, url: string, secret: string, alert: AlertRow): Promise<void> {
  const body = JSON.stringify(noticeOf(alert, context.config.baseDomain));
  const options = await customerFetchOptions(context.config, { maxBytes: 64 * 1024, maxRedirects: 0 });
  let problem = '';
  for (let attempt = 0; attempt < webhookAttempts; attempt++) {
    if (attempt > 0) await sleep(firstRetryMs * 2 ** (attempt - 1));
    const timestamp = String(Math.floor(Date.now() / 1000));
    const result = await safeFetch(url, {
      ...options,
      post: { body, headers: { 'content-type': 'application/json', 'x-homeport-timestamp': timestamp, 'x-homeport-signature': signWebhook(secret, timestamp, body) } },
    });
    const status = result.hops.at(-1)?.status ?? 0;
    if (result.ok && status >= 200 && status < 300) return;
    problem = result.ok ? `answered ${status}` : `${result.failure}: ${result.detail}`;
    // A refused address or a bad URL will not change by asking again.
    if (!result.ok && (result.failure === 'refused-address' || result.failure === 'bad-url')) break;
  }
  throw new Error(`the alert webhook ${url} ${problem}`);
}

/** Announces every alert opened or resolved since the last pass. */
export async function announceAlerts(context: HomeportContext): Promise<void> {
  const { webhookUrl, webhookSecret } = context.config.monitoring;
  for (const alert of await unannouncedAlerts(context.db)) {
    const sent = await Promise.allSettled([
      mailNotice(context, alert),
      webhookUrl && webhookSecret ? postWebhook(context, webhookUrl, webhookSecret, alert) : Promise.resolve(),
    ]);
    for (const failed of sent.filter((outcome) => outcome.status === 'rejected')) {
      context.logger.error({ err: failed.reason, alert: alert.id, kind: alert.kind }, 'an alert notice could not be delivered');
    }
    await markAnnounced(context.db, alert);
  }
}
