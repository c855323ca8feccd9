// Every step of every job has customer words (the panel and the CLI show them instead of the names).
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { jobStepWords } from '../../src/contract/job-step-words.ts';

const kinds = ['build', 'rebuild', 'cancel', 'export', 'import', 'backup', 'restore', 'upgrade'] as const;

test('says what a step does for the customer, with the kind of job deciding where it differs', () => {
  assert.equal(jobStepWords('build', 'allocate'), 'Reserve room for your server');
  assert.equal(jobStepWords('build', 'edge routes'), 'Publish its web address');
  assert.equal(jobStepWords('cancel', 'edge routes'), 'Take its web address offline');
  assert.equal(jobStepWords('export', 'start Synapse'), 'Start your server again');
  assert.equal(jobStepWords('build', 'a step added later'), 'A step added later');
});

test('every step name the jobs define has words of its own, never a developer name', () => {
  const names = stepNames();
  assert.ok(names.size > 25, `found only ${names.size} step names`);
  for (const name of names) {
    const worded = kinds.filter((kind) => jobStepWords(kind, name) !== name.charAt(0).toUpperCase() + name.slice(1));
    assert.ok(worded.length > 0, `the step "${name}" has no customer words`);
    for (const kind of kinds) assert.doesNotMatch(jobStepWords(kind, name), /Synapse|edge|allocate|admin access/i, `${kind} ${name}`);
  }
});

/** The names of the JobStep objects under src/jobs (`{ name: '…', timeoutMs: …`). */
function stepNames(): Set<string> {
  const found = new Set<string>();
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir)) {
      const path = join(dir, entry);
      if (statSync(path).isDirectory()) walk(path);
      else if (path.endsWith('.ts')) for (const match of readFileSync(path, 'utf8').matchAll(/name: '([^']+)',\s*timeoutMs/g)) found.add(match[1]!);
    }
  };
  walk(new URL('../../src/jobs', import.meta.url).pathname);
  return found;
}
