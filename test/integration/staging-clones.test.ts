// A staging clone (a restore `--into` a new host) is part of its original's subscription: it says
// "staging clone of <label>" in the API and the CLI, takes no scheduled backups (its original's
// are the ones that count), and cancelling the original says beforehand that its clones go with
// it and then cancels them. Scheduled backups are checked every minute here.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { eventually } from '../support/eventually.ts';
import { HomeportProcess } from '../support/homeport-process.ts';

interface Point { id: string; trigger: string; status: string }
interface HostView { id: string; status: string; stagingCloneOf: string | null; clonedFromHostId: string | null }

describe('staging clones belong to their original', () => {
  let homeport: HomeportProcess;
  let token: string;

  const points = async (label: string): Promise<Point[]> => {
    const answer = await homeport.api<{ backups: Point[] }>('GET', `/api/v1/hosts/${label}/backups`, { token });
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    return answer.body.backups;
  };
  const scheduledBackupOf = (label: string) => eventually(async () => {
    const found = (await points(label)).find((point) => point.trigger === 'scheduled' && point.status === 'ready');
    assert.ok(found, `no finished scheduled backup of ${label} yet`);
    return found;
  }, 420_000, 2_000);

  before(async () => {
    homeport = await HomeportProcess.create('clones', { HOMEPORT_BACKUP_CHECK_MINUTES: '1' });
    await homeport.start();
    token = await homeport.createAccount('owner@example.org');
    const built = await homeport.cli(['host', 'create', 'acme', '--size', 'starter', '--seats', '10', '--wait'], token);
    assert.equal(built.code, 0, built.stdout + built.stderr);
  });
  after(async () => {
    await homeport?.cleanup();
  });

  test('a clone says whose it is, takes no scheduled backups, and is cancelled with its original', async () => {
    const backup = await scheduledBackupOf('acme');
    const cloned = await homeport.cli(['host', 'restore', 'acme', backup.id, '--confirm', 'acme', '--into', 'acme-staging', '--wait'], token);
    assert.equal(cloned.code, 0, cloned.stdout + cloned.stderr);
    const original = (await homeport.api<HostView>('GET', '/api/v1/hosts/acme', { token })).body;
    const clone = (await homeport.api<HostView>('GET', '/api/v1/hosts/acme-staging', { token })).body;
    assert.deepEqual([clone.status, clone.stagingCloneOf, clone.clonedFromHostId], ['running', 'acme', original.id]);
    assert.equal(original.stagingCloneOf, null);
    const shown = await homeport.cli(['host', 'show', 'acme-staging'], token);
    assert.match(shown.stdout, /^ {2}staging clone of acme: part of its subscription \(not billed\), no scheduled backups, cancelled with it$/m, shown.stdout);
    const listed = await homeport.cli(['host', 'list'], token);
    assert.match(listed.stdout, /^acme-staging .*\(staging clone of acme\)$/m);
    assert.doesNotMatch(listed.stdout, /^acme .*staging clone/m);

    // A host made after the clone is backed up on schedule: a scheduler pass saw the running clone and left it out.
    const other = await homeport.cli(['host', 'create', 'other', '--size', 'starter', '--seats', '10', '--wait'], token);
    assert.equal(other.code, 0, other.stdout + other.stderr);
    await scheduledBackupOf('other');
    assert.deepEqual(await points('acme-staging'), [], 'a staging clone takes no scheduled backups');

    // Cancelling the original says first what happens to the clone, then takes it along.
    const terms = await homeport.cli(['host', 'cancel', 'acme'], token);
    assert.match(terms.stdout, /^Its staging clone acme-staging is part of it and is cancelled with it\.$/m, terms.stdout);
    const termsApi = (await homeport.api<{ clones: string[] }>('GET', '/api/v1/hosts/other/cancellation-terms', { token })).body;
    assert.deepEqual(termsApi.clones, [], 'a host without clones has none to cancel');
    const cancelled = await homeport.cli(['host', 'cancel', 'acme', '--confirm', 'acme', '--wait'], token);
    assert.equal(cancelled.code, 0, cancelled.stdout + cancelled.stderr);
    assert.match(cancelled.stdout, /^staging clone acme-staging cancelled with it \(job [0-9a-f-]{36}\)$/m);
    for (const id of [original.id, clone.id]) {
      await eventually(async () => assert.equal((await homeport.api<HostView>('GET', `/api/v1/hosts/${id}`, { token })).body.status, 'cancelled'), 120_000);
    }
    assert.equal((await homeport.api<HostView>('GET', '/api/v1/hosts/other', { token })).body.status, 'running', 'other hosts are not touched');
  });
});
