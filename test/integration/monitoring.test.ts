// Monitoring against the real components: a host whose Synapse is stopped (SIGSTOP: it runs but
// answers nothing, so nothing restarts it) is recorded down, and once down past the grace period
// raises one "host down" alert, mailed to the operator through a real SMTP server and POSTed,
// signed, to a webhook on loopback; once it answers again both say it recovered. A host with its
// seats in use past the threshold and a data disk past its threshold raise their alerts too. A
// customer sees their own host's status page only; the operator sees every alert. Before
// monitoring none of these routes, mails or webhooks existed.
import assert from 'node:assert/strict';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { SMTPServer } from 'smtp-server';
import { LocalMonitoring } from '../../src/runtime/local/local-monitoring.ts';
import { createOperatorToken } from '../support/billing-tests.ts';
import { eventually } from '../support/eventually.ts';
import { hostAdmin, openHomeportDatabase } from '../support/host-admin.ts';
import { HomeportProcess } from '../support/homeport-process.ts';
import { loginThroughEdge } from '../support/matrix-user.ts';
import { synapseProcesses } from '../support/processes.ts';
import { freePort } from '../support/throwaway-postgres.ts';

const webhookSecret = 'monitoring test webhook secret';
/** Down for this long before it is an alert; checks every 2 s. */
const graceSeconds = 6;
/** A host down takes the grace period and a pass or two; on a busy machine, more. */
const alertTimeoutMs = 120_000;
/** The certificate test asks no host's health: it needs no endpoint. */
const noEndpoint = (): Promise<URL> => Promise.reject(new Error('no host endpoint in this test'));

interface Mail { to: string[]; subject: string; text: string }
interface Notice { event: string; alert: { id: string; kind: string; hostId: string | null; summary: string; resolvedAt: string | null } }
interface StatusReport { state: string | null; responseMs: number | null; uptime: { day: number | null; week: number | null }; checks: { state: string }[]; incidents: { kind: string; resolvedAt: string | null }[] }

describe('monitoring', () => {
  let homeport: HomeportProcess;
  let smtp: SMTPServer;
  let receiver: Server;
  const mails: Mail[] = [];
  const notices: Notice[] = [];
  const badSignatures: string[] = [];
  /** The webhook's first request is answered 503: Homeport must try it again. */
  let webhookRequests = 0;
  let owner: string;
  let hostId: string;
  let stopped: number[] = [];

  before(async () => {
    const smtpPort = await freePort();
    smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
          const data = Buffer.concat(chunks).toString('utf8');
          // Quoted-printable: soft line breaks joined, =XX escapes decoded.
          const text = data.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
          mails.push({ to: session.envelope.rcptTo.map((r) => r.address), subject: /^Subject: (.*)$/m.exec(data)?.[1] ?? '', text });
          callback();
        });
      },
    });
    await new Promise<void>((resolve) => smtp.listen(smtpPort, '127.0.0.1', resolve));
    receiver = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        webhookRequests += 1;
        if (webhookRequests === 1) {
          response.writeHead(503).end();
          return;
        }
        const body = Buffer.concat(chunks).toString('utf8');
        const expected = Buffer.from(`sha256=${createHmac('sha256', webhookSecret).update(`${String(request.headers['x-homeport-timestamp'])}.${body}`).digest('hex')}`);
        const given = Buffer.from(String(request.headers['x-homeport-signature']));
        if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
          badSignatures.push(body);
          response.writeHead(401).end();
          return;
        }
        notices.push(JSON.parse(body) as Notice);
        response.writeHead(204).end();
      });
    });
    const webhookPort = await freePort();
    await new Promise<void>((resolve) => receiver.listen(webhookPort, '127.0.0.1', resolve));
    homeport = await HomeportProcess.create('monitor', {
      HOMEPORT_SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
      HOMEPORT_ALERT_EMAIL: 'alerts@example.org',
      HOMEPORT_ALERT_WEBHOOK_URL: `http://127.0.0.1:${webhookPort}/homeport-alerts`,
      HOMEPORT_ALERT_WEBHOOK_SECRET: webhookSecret,
      // The webhook is on loopback, which outbound fetches refuse unless the operator allows it.
      HOMEPORT_FETCH_ALLOW: '127.0.0.1',
      HOMEPORT_MONITOR_INTERVAL_SECONDS: '2',
      HOMEPORT_ALERT_DOWN_GRACE_SECONDS: String(graceSeconds),
      // 1 seat of 5 in use is past 20%; any disk in use is past 0.01%.
      HOMEPORT_ALERT_SEAT_PERCENT: '20',
      HOMEPORT_ALERT_DISK_PERCENT: '0.01',
    });
    await homeport.start();
    owner = await homeport.createAccount('owner@example.org');
    const created = await homeport.api<{ host: { id: string } }>('POST', '/api/v1/hosts', { token: owner, body: { label: 'watched', size: 'starter', seats: 5 } });
    hostId = created.body.host.id;
    await homeport.waitForHostStatus(owner, hostId, 'running');
  });

  after(async () => {
    for (const pid of stopped) {
      try {
        process.kill(pid, 'SIGCONT');
      } catch {
        // Already gone.
      }
    }
    await homeport?.cleanup();
    await new Promise<void>((resolve) => smtp?.close(() => resolve()));
    await new Promise<void>((resolve) => receiver?.close(() => resolve()));
  });

  const status = async (token: string) => homeport.api<StatusReport>('GET', `/api/v1/hosts/${hostId}/status`, { token });
  const noticeOf = (event: string, kind: string) => notices.find((notice) => notice.event === event && notice.alert.kind === kind && notice.alert.hostId === hostId);
  const mailOf = (subject: RegExp) => mails.find((mail) => mail.to.includes('alerts@example.org') && subject.test(mail.subject));

  test('a running host is recorded up, with its response time, on its status page', async () => {
    const report = await eventually(async () => {
      const answer = await status(owner);
      assert.equal(answer.status, 200);
      assert.equal(answer.body.state, 'up');
      return answer.body;
    }, alertTimeoutMs);
    assert.equal(typeof report.responseMs, 'number');
    assert.equal(report.uptime.day, 1);
    assert.equal(report.incidents.some((incident) => incident.kind === 'host-down'), false);
  });

  test('a stopped Synapse is one "host down" alert by mail and signed webhook, and a recovery notice of each once it answers again', async () => {
    stopped = await synapseProcesses(homeport.dataDir, hostId);
    assert.ok(stopped.length > 0, "the host's Synapse runs");
    for (const pid of stopped) process.kill(pid, 'SIGSTOP');

    await eventually(async () => assert.equal((await status(owner)).body.state, 'down'), alertTimeoutMs);
    const opened = await eventually(async () => {
      const notice = noticeOf('alert.opened', 'host-down');
      assert.ok(notice, 'the webhook got the alert');
      assert.ok(mailOf(/^Alert: host-down/), 'the operator got the alert by mail');
      return notice;
    }, alertTimeoutMs);
    assert.match(opened.alert.summary, /Host watched has been down since/);
    assert.equal(opened.alert.resolvedAt, null);
    assert.match(mailOf(/^Alert: host-down/)?.text ?? '', /Host watched has been down since/);
    assert.deepEqual(badSignatures, []);

    for (const pid of stopped) process.kill(pid, 'SIGCONT');
    stopped = [];
    const resolved = await eventually(async () => {
      const notice = noticeOf('alert.resolved', 'host-down');
      assert.ok(notice, 'the webhook got the recovery');
      assert.ok(mailOf(/^Resolved: host-down/), 'the operator got the recovery by mail');
      return notice;
    }, alertTimeoutMs);
    assert.equal(resolved.alert.id, opened.alert.id, 'the recovery is of the same alert');
    assert.ok(resolved.alert.resolvedAt);
    // However many passes found it down, the cause was announced once and its end once.
    assert.equal(notices.filter((notice) => notice.alert.kind === 'host-down').length, 2);
    assert.equal(mails.filter((mail) => /host-down/.test(mail.subject)).length, 2);

    const report = (await status(owner)).body;
    assert.equal(report.state, 'up');
    assert.ok(report.uptime.day !== null && report.uptime.day < 1 && report.uptime.day > 0, `uptime over a day: ${report.uptime.day}`);
    assert.ok(report.checks.some((check) => check.state === 'down'));
    const incident = report.incidents.find((candidate) => candidate.kind === 'host-down');
    assert.ok(incident?.resolvedAt, 'the incident shows as resolved');
  });

  test('a host with its seats in use past the threshold raises a seat alert', async () => {
    const admin = await hostAdmin(homeport, hostId);
    await admin.upsertUser(`@alice:watched.${homeport.baseDomain}`, { password: 'alice counts as a seat' });
    await (await loginThroughEdge(homeport, 'watched', 'alice', 'alice counts as a seat')).whoami();
    const notice = await eventually(async () => {
      const found = noticeOf('alert.opened', 'seats-near-limit');
      assert.ok(found);
      assert.ok(mailOf(/^Alert: seats-near-limit/));
      return found;
    }, alertTimeoutMs);
    assert.match(notice.alert.summary, /Host watched uses 1 of its 5 seats/);
  });

  test('the data disk past its threshold raises one disk alert', async () => {
    const notice = await eventually(async () => {
      const found = notices.find((candidate) => candidate.event === 'alert.opened' && candidate.alert.kind === 'disk-filling');
      assert.ok(found);
      assert.ok(mailOf(/^Alert: disk-filling/));
      return found;
    }, alertTimeoutMs);
    assert.match(notice.alert.summary, /The data directory's filesystem is [\d.]+% full/);
    assert.equal(notice.alert.hostId, null);
    assert.equal(notices.filter((candidate) => candidate.alert.kind === 'disk-filling').length, 1, 'a lasting condition is one alert');
    assert.equal(webhookRequests, notices.length + badSignatures.length + 1, 'the notice refused once was sent again, and arrived');
  });

  test('a failed backup raises a backup alert, resolved once a backup of the host succeeds again', async () => {
    // What a backup job records on its host when it fails for good, and later when one succeeds.
    const recordBackup = async (outcome: 'failed' | 'succeeded', error: string | null) => {
      const opened = await openHomeportDatabase(homeport);
      try {
        await opened.db.updateTable('hosts').set({ last_backup_status: outcome, last_backup_at: new Date(), last_backup_error: error }).where('id', '=', hostId).execute();
      } finally {
        await opened.close();
      }
    };
    await recordBackup('failed', 'the backup folder is not writable');
    const opened = await eventually(async () => {
      const found = noticeOf('alert.opened', 'backup-failed');
      assert.ok(found);
      assert.ok(mailOf(/^Alert: backup-failed/));
      return found;
    }, alertTimeoutMs);
    assert.match(opened.alert.summary, /The last backup of host watched .* failed: the backup folder is not writable/);
    await recordBackup('succeeded', null);
    await eventually(async () => assert.ok(noticeOf('alert.resolved', 'backup-failed')), alertTimeoutMs);
  });

  test("the certificate the edge serves for a host is read over TLS, as a client sees it", async () => {
    const monitoring = new LocalMonitoring({ edgeHost: '127.0.0.1', edgeHttpsPort: homeport.edgePort, dataDir: homeport.dataDir }, noEndpoint);
    const certificate = await monitoring.edgeCertificate(`watched.${homeport.baseDomain}`);
    assert.ok(certificate, 'the edge serves a certificate for the host');
    assert.match(certificate.issuer, /Caddy Local Authority/);
    assert.ok(certificate.validTo.getTime() > Date.now() && certificate.validFrom.getTime() <= Date.now());
    assert.equal(await new LocalMonitoring({ edgeHost: '127.0.0.1', edgeHttpsPort: await freePort(), dataDir: homeport.dataDir }, noEndpoint).edgeCertificate('watched.example'), undefined, 'no edge: no certificate');
  });

  test('a customer sees only their own status; the operator sees every alert', async () => {
    const other = await homeport.createAccount('other@example.org');
    assert.equal((await status(other)).status, 404);
    assert.equal((await homeport.api('GET', '/api/v1/operator/alerts', { token: owner })).status, 404);
    assert.equal((await homeport.api('GET', '/api/v1/operator/health', { token: other })).status, 404);

    const operator = await createOperatorToken(homeport);
    const open = await homeport.api<{ alerts: { kind: string; hostLabel: string | null; resolvedAt: string | null }[] }>('GET', '/api/v1/operator/alerts', { token: operator });
    assert.equal(open.status, 200);
    const kinds = open.body.alerts.map((alert) => alert.kind).sort();
    assert.deepEqual(kinds, ['disk-filling', 'seats-near-limit']);
    const all = await homeport.api<{ alerts: { kind: string; resolvedAt: string | null }[] }>('GET', '/api/v1/operator/alerts?all=true', { token: operator });
    assert.ok(all.body.alerts.some((alert) => alert.kind === 'host-down' && alert.resolvedAt !== null));
    const health = await homeport.api<{ hosts: { hostId: string; state: string }[] }>('GET', '/api/v1/operator/health', { token: operator });
    assert.equal(health.body.hosts.find((host) => host.hostId === hostId)?.state, 'up');
    assert.equal((await homeport.api('GET', `/api/v1/operator/hosts/${hostId}/status`, { token: operator })).status, 200);
  });
});
