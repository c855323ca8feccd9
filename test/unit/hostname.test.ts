// The rules for host labels.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { explainLabelProblem, labelProblem } from '../../src/domain/hostname.ts';

test('accepts ordinary labels', () => {
  for (const label of ['acme', 'abc', 'a-b', 'team42', 'a'.repeat(40), '123']) assert.equal(labelProblem(label), undefined, label);
});

test('names the problem of each bad label', () => {
  const cases: [string, string][] = [
    ['ACME', 'invalid-characters'], ['a b', 'invalid-characters'], ['acme.corp', 'invalid-characters'], ['café', 'invalid-characters'],
    ['ac', 'too-short'], ['', 'too-short'], ['a'.repeat(41), 'too-long'],
    ['-acme', 'hyphen-at-edge'], ['acme-', 'hyphen-at-edge'],
    ['xn--abc', 'punycode'], ['ab--cd', 'punycode'],
    ['admin', 'reserved'], ['www', 'reserved'], ['matrix', 'reserved'],
  ];
  for (const [label, problem] of cases) assert.equal(labelProblem(label), problem, label);
});

test('explains a problem in words a customer understands', () => {
  assert.equal(explainLabelProblem('ac', 'too-short'), 'The hostname "ac" must be at least 3 characters.');
  assert.match(explainLabelProblem('www', 'reserved'), /is reserved/);
});
