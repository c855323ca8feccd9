// Every kind and state the API's schemas allow has words in src/contract/status-words.ts (and
// job-step-words.ts), the one place the panel and the CLI take them from; none is a raw name.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Backup } from '../../src/contract/backups.ts';
import { Export } from '../../src/contract/exports.ts';
import { HostStatus } from '../../src/contract/hosts.ts';
import { jobStatusWords, stepStatusWords } from '../../src/contract/job-step-words.ts';
import { InvoiceSummary } from '../../src/contract/billing.ts';
import { Job, JobSummary } from '../../src/contract/jobs.ts';
import { backupStatusWords, callsStateWords, exportStatusWords, hostStatusWords, invoiceStatusWords, invoiceSubject, jobKindWords, paymentMethodWords, rolloutHostStatusWords, rolloutStatusWords, wordsOr } from '../../src/contract/status-words.ts';
import { Rollout, RolloutHostProgress } from '../../src/contract/synapse-upgrades.ts';

/** The literals of a schema's union (`Type.Union([Type.Literal('a'), …])`). */
function literals(schema: unknown): string[] {
  const anyOf = (schema as { anyOf?: { const?: unknown }[] }).anyOf ?? [];
  const values = anyOf.map((member) => member.const).filter((value): value is string => typeof value === 'string');
  assert.ok(values.length > 1, `not a union of literals: ${JSON.stringify(schema)}`);
  return values;
}

const cases: [string, unknown, Readonly<Record<string, string>>][] = [
  ['host status', HostStatus, hostStatusWords],
  ['job kind', JobSummary.properties.kind, jobKindWords],
  ['job status', JobSummary.properties.status, jobStatusWords],
  ['job step status', Job.properties.steps.items.properties.status, stepStatusWords],
  ['payment method', InvoiceSummary.properties.paymentMethod, paymentMethodWords],
  ['export status', Export.properties.status, exportStatusWords],
  ['backup status', Backup.properties.status, backupStatusWords],
  ['rollout status', Rollout.properties.status, rolloutStatusWords],
  ['rollout host status', RolloutHostProgress.properties.status, rolloutHostStatusWords],
];

for (const [what, schema, words] of cases) {
  test(`every ${what} the API can answer has words, and no words are left for one it cannot`, () => {
    const values = literals(schema);
    for (const value of values) {
      const said = words[value];
      assert.ok(said, `the ${what} "${value}" has no words`);
      assert.doesNotMatch(said, /[_]|^[a-z]+-[a-z]+$/, `the ${what} "${value}" reads as a developer name: ${said}`);
    }
    assert.deepEqual(Object.keys(words).sort(), [...values].sort(), `words for a ${what} the API does not have`);
  });
}

test('a state a newer server adds is still readable: capitalised, without underscores', () => {
  assert.equal(wordsOr(hostStatusWords, 'running'), 'Running');
  assert.equal(wordsOr(hostStatusWords, 'moving_away'), 'Moving away');
});

test("the CLI's job lines say the job's kind and state in these words", async () => {
  const { finishedJobLine, queuedJobLine } = await import('../../src/cli/job-progress.ts');
  assert.equal(queuedJobLine({ id: 'j1', kind: 'build', status: 'queued' }), 'job j1: Build, waiting to start');
  assert.equal(queuedJobLine({ id: 'j1', kind: 'upgrade', status: 'running' }), 'job j1: Synapse upgrade, in progress');
  assert.equal(finishedJobLine({ status: 'succeeded', error: null }), 'job finished');
  assert.equal(finishedJobLine({ status: 'failed', error: 'the disk is full' }), 'job failed: the disk is full');
});

const invoice = {
  number: 'HP-2026-000007', kind: 'purchase', hostLabel: 'gracehost', couponCode: null, status: 'open' as const, paymentMethod: 'invoice' as const,
  paidAt: null, dueAt: '2026-12-26T10:00:00.000Z', paymentReference: 'HP-2026-000007', paymentError: null,
};
const day = (iso: string) => iso.slice(0, 10);

test('an invoice reads the same in the panel and the CLI: what it is for, with the host, and whether anything is due', async () => {
  assert.equal(invoiceSubject(invoice), 'New host gracehost');
  assert.equal(invoiceSubject({ ...invoice, kind: 'seats', couponCode: 'LAUNCH10' }), 'More seats for gracehost · coupon LAUNCH10');
  assert.equal(invoiceStatusWords(invoice, day), 'Due by 2026-12-26 by bank transfer, reference HP-2026-000007');
  assert.equal(invoiceStatusWords({ ...invoice, status: 'void' }, day), 'Void: nothing is due', 'a voided invoice is never "open"');
  assert.equal(invoiceStatusWords({ ...invoice, status: 'paid', paidAt: '2026-12-06T09:00:00.000Z' }, day), 'Paid on 2026-12-06');
  assert.equal(invoiceStatusWords({ ...invoice, paymentMethod: 'card', paymentError: 'Your card was declined.' }, day), 'Due: the card payment failed (Your card was declined.)');
  const { invoiceLine } = await import('../../src/cli/billing-commands.ts');
  const line = invoiceLine({ ...invoice, status: 'void', id: 'i', issuedAt: '2026-12-05T10:00:00.000Z', periodStart: '', periodEnd: '', currency: 'EUR', subtotalMinor: 2500, discountMinor: 0, taxRatePercent: 19, taxMinor: 475, totalMinor: 2975, reverseCharge: false, taxNote: null, accountEmail: 'grace@example.org' });
  assert.equal(line, 'HP-2026-000007\t2026-12-05\tNew host gracehost\t€29.75\tVoid: nothing is due\tgrace@example.org');
});

test("a host's calls read as not offered when the installation has none, never as broken", () => {
  assert.equal(callsStateWords({ offered: false, enabled: true, working: false }), 'Not offered on this service');
  assert.equal(callsStateWords({ offered: true, enabled: false, working: false }), 'Switched off');
  assert.equal(callsStateWords({ offered: true, enabled: true, working: true }), 'Working');
  assert.equal(callsStateWords({ offered: true, enabled: true, working: false }), 'Not working');
});
