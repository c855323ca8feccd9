// Synapse upgrades with two real releases from PyPI: hosts built on 1.162.0 (installed through
// `homeport synapse install`, cached beside HOMEPORT_SYNAPSE_VENV) are rolled out to the pinned
// 1.163.2, whose schema delta 94/11 creates `destination_rooms_sticky_events_backlog`. The canary
// upgrades; the second host, whose database already holds a table of that name, cannot migrate,
// so it is rolled back to its snapshot and 1.162.0 and the rollout halts. Both keep every message.
// The snapshots are restore points: alpha's is restored into a staging clone and into alpha itself.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { MatrixClient } from 'matrix-js-sdk';
import { synapseVersion as pinnedRelease } from '../../src/runtime/local/synapse-venv.ts';
import { eventually } from '../support/eventually.ts';
import { textMessages } from '../support/host-content.ts';
import { HomeportProcess } from '../support/homeport-process.ts';
import { hostAdmin, openHomeportDatabase } from '../support/host-admin.ts';
import { loginThroughEdge } from '../support/matrix-user.ts';
import { ensurePanelBuilt, firstOperator, launchChromium, logInToPanel, openPanelPage, operatorCredentials, operatorPassword, setPasswordByReset } from '../support/panel-browser.ts';
import { PanelClient } from '../support/panel-client.ts';

const oldRelease = '1.162.0';

interface RolloutAnswer {
  rollout: { id: string; status: string; error: string | null };
  hosts: Array<{ label: string; canary: boolean; status: string; batch: number | null; downtimeMs: number | null; error: string | null }>;
}

describe('Synapse upgrades', () => {
  let homeport: HomeportProcess;
  let token: string;
  let operator: string;
  const ids: Record<string, string> = {};
  const rooms: Record<string, string> = {};
  const sent: Record<string, string[]> = {};
  const passwords: Record<string, string> = {};

  async function login(label: string): Promise<MatrixClient> {
    return loginThroughEdge(homeport, label, 'alice', passwords[label] ?? '');
  }

  async function hostRow(label: string): Promise<{ synapse_release: string | null; synapse_version: string | null; status: string }> {
    const opened = await openHomeportDatabase(homeport);
    try {
      return await opened.db.selectFrom('hosts').select(['synapse_release', 'synapse_version', 'status']).where('label', '=', label).where('status', '<>', 'cancelled').executeTakeFirstOrThrow();
    } finally {
      await opened.close();
    }
  }

  before(async () => {
    homeport = await HomeportProcess.create('upgrade', { HOMEPORT_SYNAPSE_VERSION: oldRelease });
    // The same command an operator types; a second run finds the cached venv and only checks it.
    const installed = await homeport.cli(['synapse', 'install', oldRelease]);
    assert.equal(installed.code, 0, installed.stderr);
    assert.match(installed.stdout, new RegExp(`Synapse ${oldRelease.replaceAll('.', '\\.')} (is|was already) installed`));
    await homeport.start();
    token = await homeport.createAccount('upgrade@example.org');
    const created = await homeport.cli(['account', 'create', '--email', 'ops@example.org', '--name', 'Ops', '--operator', '--with-token']);
    operator = /^token (\S+)$/m.exec(created.stdout)?.[1] ?? '';
    assert.ok(operator, created.stdout + created.stderr);
  });
  after(async () => {
    await homeport?.cleanup();
  });

  test('new hosts run the release the installation gives them, each with messages', async () => {
    for (const label of ['alpha', 'beta']) {
      const answer = await homeport.api<{ host: { id: string } }>('POST', '/api/v1/hosts', { token, body: { label, size: 'starter', seats: 5 } });
      assert.equal(answer.status, 202, JSON.stringify(answer.body));
      ids[label] = answer.body.host.id;
    }
    for (const label of ['alpha', 'beta']) {
      await homeport.waitForHostStatus(token, ids[label] ?? '', 'running');
      assert.deepEqual(await hostRow(label), { synapse_release: oldRelease, synapse_version: oldRelease, status: 'running' });
      passwords[label] = `alice keeps her messages on ${label}`;
      const admin = await hostAdmin(homeport, ids[label] ?? '');
      await admin.upsertUser(`@alice:${label}.${homeport.baseDomain}`, { password: passwords[label] });
      const alice = await login(label);
      rooms[label] = (await alice.createRoom({ name: 'history' })).room_id;
      sent[label] = [];
      for (let index = 0; index < 20; index += 1) {
        const body = `${label} message ${index}`;
        await alice.sendTextMessage(rooms[label] ?? '', body);
        sent[label]?.push(body);
      }
    }
    const listed = await homeport.cli(['synapse', 'list'], operator);
    assert.match(listed.stdout, new RegExp(`^${oldRelease.replaceAll('.', '\\.')}\\s+2 hosts$`, 'm'), listed.stdout + listed.stderr);
    assert.match(listed.stdout, new RegExp(`^${pinnedRelease.replaceAll('.', '\\.')}\\s+0 hosts$`, 'm'));
  });

  test('refuses a release that is not installed, and a downgrade', async () => {
    const missing = await homeport.api<{ detail: string }>('POST', '/api/v1/operator/upgrades', { token: operator, body: { release: '1.150.0' } });
    assert.equal(missing.status, 422);
    assert.match(missing.body.detail, /homeport synapse install 1\.150\.0/);
    const customer = await homeport.api('POST', '/api/v1/operator/upgrades', { token, body: { release: pinnedRelease } });
    assert.equal(customer.status, 404);
  });

  test('the canary upgrades while a host outside its maintenance window waits', async () => {
    // Beta's window is never now: it must wait however long the canary takes.
    const hour = (new Date().getUTCHours() + 12) % 24;
    const window = await homeport.api<{ startHour: number }>('PUT', `/api/v1/hosts/${ids.beta}/maintenance-window`, { token, body: { startHour: hour } });
    assert.equal(window.status, 200);
    assert.equal((await homeport.api('PUT', `/api/v1/hosts/${ids.beta}/maintenance-window`, { token, body: { startHour: 24 } })).status, 400);
    // A table of the name 1.163.2's migration creates: beta cannot migrate and must be rolled back.
    const opened = await openHomeportDatabase(homeport, await databaseOf('beta'));
    await opened.pool.query('CREATE TABLE destination_rooms_sticky_events_backlog (blocking_the_migration text)');
    await opened.close();

    const started = await homeport.cli(['synapse', 'upgrade', pinnedRelease, '--canary', 'alpha', '--batch-size', '1'], operator);
    assert.equal(started.code, 0, started.stderr);
    const rolloutId = /^rollout (\S+):/m.exec(started.stdout)?.[1] ?? '';
    const progress = await eventually(async () => {
      const answer = await homeport.api<RolloutAnswer>('GET', `/api/v1/operator/upgrades/${rolloutId}`, { token: operator });
      assert.equal(answer.body.hosts.find((host) => host.label === 'alpha')?.status, 'upgraded', JSON.stringify(answer.body));
      return answer.body;
    }, 600_000, 1_000);
    assert.equal(progress.rollout.status, 'running');
    const alpha = progress.hosts.find((host) => host.label === 'alpha');
    assert.ok(alpha?.canary && alpha.batch === 0 && typeof alpha.downtimeMs === 'number' && alpha.downtimeMs > 0, JSON.stringify(alpha));
    assert.deepEqual(await hostRow('alpha'), { synapse_release: pinnedRelease, synapse_version: pinnedRelease, status: 'running' });
    const beta = progress.hosts.find((host) => host.label === 'beta');
    assert.equal(beta?.status, 'pending');
    assert.equal(beta?.batch, null);

    // Every message is there after the migration, and the new release takes new ones.
    const client = await login('alpha');
    await client.sendTextMessage(rooms.alpha ?? '', 'alpha after the upgrade');
    sent.alpha?.push('alpha after the upgrade');
    assert.deepEqual(await textMessages(client, rooms.alpha ?? ''), sent.alpha);
  });

  test('a host that does not come back is rolled back to its snapshot and the rollout halts', async () => {
    // Opening the window now lets the waiting rollout take beta.
    assert.equal((await homeport.api('PUT', `/api/v1/hosts/${ids.beta}/maintenance-window`, { token, body: { startHour: null } })).status, 200);
    const followed = await homeport.cli(['synapse', 'upgrades', '--wait'], operator);
    assert.equal(followed.code, 1, followed.stdout + followed.stderr);
    assert.match(followed.stdout, /rollout halted: host beta did not come back on Synapse/);
    assert.match(followed.stdout, /beta\s+batch 1\s+1\.162\.0\s+Rolled back/);
    assert.deepEqual(await hostRow('beta'), { synapse_release: oldRelease, synapse_version: oldRelease, status: 'running' });
    const client = await login('beta');
    assert.deepEqual(await textMessages(client, rooms.beta ?? ''), sent.beta);
    await client.sendTextMessage(rooms.beta ?? '', 'beta after the rollback');
    const listed = await homeport.cli(['synapse', 'list'], operator);
    assert.match(listed.stdout, new RegExp(`^${oldRelease.replaceAll('.', '\\.')}\\s+1 hosts$`, 'm'));
    assert.match(listed.stdout, new RegExp(`^${pinnedRelease.replaceAll('.', '\\.')}\\s+1 hosts$`, 'm'));
  });

  test('a rollout started from the operator console, with Homeport killed in the middle of the host upgrade, resumes after a restart: the host ends on the new release with every message', async () => {
    // The table that blocked beta's migration is gone: its next upgrade can succeed.
    const blocked = await openHomeportDatabase(homeport, await databaseOf('beta'));
    await blocked.pool.query('DROP TABLE destination_rooms_sticky_events_backlog');
    await blocked.close();
    // This rollout is started from the operator console, as an operator would.
    await ensurePanelBuilt();
    const { email } = await firstOperator(homeport);
    const browser = await launchChromium();
    try {
      const { page } = await openPanelPage(browser, homeport);
      await page.goto(`${homeport.apiUrl}/login`);
      await page.getByLabel('Email').fill(email);
      await page.getByLabel('Password').fill(operatorPassword);
      await page.getByRole('button', { name: 'Log in' }).click();
      await page.getByRole('navigation', { name: 'Main' }).waitFor();
      await page.goto(`${homeport.apiUrl}/operator/upgrades`);
      const form = page.getByTestId('start-rollout');
      await form.getByLabel('Release', { exact: true }).fill(pinnedRelease);
      await form.getByLabel('Canary host').fill('beta');
      await form.getByRole('button', { name: 'Start rollout' }).click();
      await form.getByText(`Rollout of Synapse ${pinnedRelease} started: beta first, then 0 more`).waitFor();
    } finally {
      await browser.close();
    }
    let killedIn = '';
    const deadline = Date.now() + 300_000;
    while (!killedIn && Date.now() < deadline) {
      const step = await runningUpgradeStep('beta');
      if (step === 'stop and snapshot' || step === 'switch release and check') {
        await homeport.kill9();
        killedIn = step;
      } else {
        await new Promise((done) => setTimeout(done, 25));
      }
    }
    assert.ok(killedIn, "beta's upgrade reached its stop or switch step");
    console.log(`# killed Homeport during the upgrade step "${killedIn}"`);
    await homeport.start();
    const followed = await homeport.cli(['synapse', 'upgrades', '--wait'], operator);
    assert.equal(followed.code, 0, followed.stdout + followed.stderr);
    assert.deepEqual(await hostRow('beta'), { synapse_release: pinnedRelease, synapse_version: pinnedRelease, status: 'running' });
    const client = await eventually(() => login('beta'), 60_000);
    sent.beta?.push('beta after the rollback');
    assert.deepEqual(await textMessages(client, rooms.beta ?? ''), sent.beta);
  });

  test('the snapshot taken before each upgrade is a restore point: listed with its kind in the API, the CLI and the panel; restored into a staging clone and into the host itself, each on the release it was taken on', async () => {
    interface Point { id: string; kind: string; trigger: string; status: string; description: string; synapseRelease: string | null }
    const points = async (label: string) => (await homeport.api<{ backups: Point[] }>('GET', `/api/v1/hosts/${label}/backups`, { token })).body.backups;
    const before = `before upgrade to Synapse ${pinnedRelease}`;
    const alphaPoints = await points('alpha');
    const snapshot = alphaPoints.find((point) => point.kind === 'snapshot');
    assert.ok(snapshot, JSON.stringify(alphaPoints));
    const { kind, trigger, status, description, synapseRelease } = snapshot;
    assert.deepEqual({ kind, trigger, status, description, synapseRelease }, { kind: 'snapshot', trigger: 'before-upgrade', status: 'ready', description: before, synapseRelease: oldRelease });
    // Beta was snapshotted twice: before the upgrade that was rolled back and before the one that succeeded.
    assert.deepEqual((await points('beta')).filter((point) => point.kind === 'snapshot').map((point) => point.description), [before, before]);
    const listed = await homeport.cli(['host', 'backups', 'alpha'], token);
    assert.equal(listed.code, 0, listed.stderr);
    const escape = (text: string) => text.replaceAll('.', '\\.');
    assert.match(listed.stdout, new RegExp(`^${snapshot.id}\\s+complete\\s+\\S+\\s+[\\d.]+ MiB\\s+snapshot\\s+${escape(before)} \\(Synapse ${escape(oldRelease)}\\)$`, 'm'), listed.stdout);

    // The customer sees it in the panel's backups section and can choose it as a restore point.
    await ensurePanelBuilt();
    // The first operator chose their password in the console test above.
    const client = new PanelClient(homeport.apiUrl);
    assert.equal((await client.logIn(operatorCredentials(homeport).email, operatorPassword)).status, 200);
    await setPasswordByReset(homeport, client, 'upgrade@example.org', 'customer-chosen-password-1');
    const browser = await launchChromium();
    try {
      const { page } = await openPanelPage(browser, homeport);
      await logInToPanel(page, homeport, 'upgrade@example.org', 'customer-chosen-password-1');
      await page.goto(`${homeport.apiUrl}/hosts/alpha/exports`);
      const section = page.getByTestId('backups');
      await section.getByText(`snapshot ${before} (Synapse ${oldRelease})`).waitFor();
      assert.ok((await section.getByLabel('Restore point').locator('option').allTextContents()).some((text) => text.endsWith(`snapshot ${before}`)));
    } finally {
      await browser.close();
    }

    // Into a staging clone: the database as it was before the upgrade, on the release it ran then; alpha untouched.
    const atSnapshot = sent.alpha?.filter((body) => body !== 'alpha after the upgrade');
    const cloned = await homeport.cli(['host', 'restore', 'alpha', snapshot.id, '--confirm', 'alpha', '--into', 'alpha-staging', '--wait'], token);
    assert.equal(cloned.code, 0, cloned.stdout + cloned.stderr);
    assert.deepEqual(await hostRow('alpha-staging'), { synapse_release: oldRelease, synapse_version: oldRelease, status: 'running' });
    const staging = await loginThroughEdge(homeport, 'alpha-staging', 'alice', passwords.alpha ?? '');
    assert.equal(staging.getUserId(), `@alice:alpha.${homeport.baseDomain}`);
    assert.deepEqual(await textMessages(staging, rooms.alpha ?? ''), atSnapshot);
    assert.deepEqual(await textMessages(await login('alpha'), rooms.alpha ?? ''), sent.alpha, 'the original keeps what was written after the upgrade');

    // Into alpha itself: back on the release the snapshot was taken on, with the data of that moment.
    const restored = await homeport.cli(['host', 'restore', 'alpha', snapshot.id, '--confirm', 'alpha', '--wait'], token);
    assert.equal(restored.code, 0, restored.stdout + restored.stderr);
    assert.deepEqual(await hostRow('alpha'), { synapse_release: oldRelease, synapse_version: oldRelease, status: 'running' });
    const alice = await eventually(() => login('alpha'), 60_000);
    assert.deepEqual(await textMessages(alice, rooms.alpha ?? ''), atSnapshot);
    await alice.sendTextMessage(rooms.alpha ?? '', 'alpha after the restore');
    const cancelled = await homeport.cli(['host', 'cancel', 'alpha-staging', '--confirm', 'alpha-staging', '--wait'], token);
    assert.equal(cancelled.code, 0, cancelled.stdout + cancelled.stderr);
  });

  /** The step beta's newest upgrade job is running, if any. */
  async function runningUpgradeStep(label: string): Promise<string | undefined> {
    const opened = await openHomeportDatabase(homeport);
    try {
      const job = await opened.db.selectFrom('jobs').innerJoin('hosts', 'hosts.id', 'jobs.host_id').select('jobs.id')
        .where('hosts.label', '=', label).where('jobs.kind', '=', 'upgrade').orderBy('jobs.created_at', 'desc').executeTakeFirst();
      if (!job) return undefined;
      const detail = await homeport.api<{ steps: { name: string; status: string }[] }>('GET', `/api/v1/jobs/${job.id}`, { token });
      return detail.body.steps.find((step) => step.status === 'running')?.name;
    } finally {
      await opened.close();
    }
  }

  async function databaseOf(label: string): Promise<string> {
    const opened = await openHomeportDatabase(homeport);
    try {
      return (await opened.db.selectFrom('hosts').select('database_name').where('label', '=', label).executeTakeFirstOrThrow()).database_name;
    } finally {
      await opened.close();
    }
  }
});
