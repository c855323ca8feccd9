// Every kind and state the API's schemas allow has words in src/contract/status-words.ts (and
// job-step-words.ts), the one place the panel and the CLI take them from; none is a raw name.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Backup } from '../../src/contract/backups.ts';
import { Export } from '../../src/contract/exports.ts';
import { HostStatus } from '../../src/contract/hosts.ts';
import { jobStatusWords } from '../../src/contract/job-step-words.ts';
import { JobSummary } from '../../src/contract/jobs.ts';
import { backupStatusWords, exportStatusWords, hostStatusWords, jobKindWords, rolloutHostStatusWords, rolloutStatusWords, wordsOr } from '../../src/contract/status-words.ts';
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
