// Schemathesis (PyPI, pinned in scripts/install-schemathesis.sh) fuzzes the running API from its own
// OpenAPI document with every check it has, once with a customer's token on the customer routes
// and once with an operator's on the operator routes: no server error, no answer the document does
// not describe (status, content type, schema, headers), no schema-valid request refused as malformed.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { HomeportProcess } from '../support/homeport-process.ts';

const run = promisify(execFile);
const installer = resolve(import.meta.dirname, '..', '..', 'scripts', 'install-schemathesis.sh');

/**
 * Domain rules the schema cannot state (a label already taken, an unknown size or coupon) answer
 * 409/410/422 to schema-valid requests; a body past the 1 MiB limit is refused with 413 (the terms
 * may have 200,000 characters, which JSON escapes can make larger). The operator routes' cross-field
 * rules (percent or amount off, one import source, not suspending yourself) answer 400 to
 * schema-valid requests.
 */
const config = `
[checks.positive_data_acceptance]
expected-statuses = ["2xx", "401", "403", "404", "409", "410", "422", "429"]

[checks.negative_data_rejection]
expected-statuses = ["400", "401", "403", "404", "405", "406", "409", "413", "414", "415", "422", "428", "429"]

[[operations]]
include-tag = "operator"
checks.positive_data_acceptance.expected-statuses = ["2xx", "400", "401", "403", "404", "409", "410", "422", "429"]
`;

describe('API fuzzing with Schemathesis', () => {
  let homeport: HomeportProcess;
  let schemathesis: string;
  let configFile: string;
  let customerToken: string;
  let operatorToken: string;

  before(async () => {
    const installed = await run(installer, [], { timeout: 600_000 });
    schemathesis = join(installed.stdout.trim(), 'bin', 'schemathesis');
    homeport = await HomeportProcess.create('fuzz');
    await homeport.start();
    customerToken = await homeport.createAccount('customer@example.org');
    const created = await homeport.cli(['account', 'create', '--email', 'operator@example.org', '--name', 'Operator', '--operator', '--with-token']);
    operatorToken = /^token (\S+)$/m.exec(created.stdout)?.[1] ?? '';
    assert.ok(operatorToken, created.stderr);
    configFile = join(homeport.dataDir, 'schemathesis.toml');
    await writeFile(configFile, config);
  });
  after(async () => {
    await homeport?.cleanup();
  });

  async function fuzz(token: string, selection: string[]): Promise<void> {
    const args = [
      '--config-file', configFile, 'run', `${homeport.apiUrl}/api/v1/openapi.json`,
      '--checks', 'all', '-H', `Authorization: Bearer ${token}`, ...selection,
      // Bounded: a fixed seed and a few examples per operation keep each run near a minute. One
      // worker: CPython 3.11's parser can fail in concurrent threads (AST recursion depth mismatch).
      '--max-examples', '10', '--seed', '1', '--no-color', '--generation-database', 'none', '--output-truncate', 'true',
    ];
    // In the data directory: Schemathesis keeps its state (.schemathesis/) where it runs.
    const result = await run(schemathesis, args, { cwd: homeport.dataDir, timeout: 600_000, maxBuffer: 64 * 1024 * 1024 }).then(
      (done) => ({ code: 0, output: done.stdout + done.stderr }),
      (failed: { code: number; stdout: string; stderr: string }) => ({ code: failed.code, output: failed.stdout + failed.stderr }),
    );
    assert.equal(result.code, 0, result.output.slice(-20_000));
    assert.match(result.output, /No issues found|0 failures|passed/i, result.output.slice(-5000));
  }

  test('customer routes with a customer token', async () => {
    await fuzz(customerToken, ['--exclude-tag', 'operator']);
    assert.doesNotMatch(homeport.output, /unexpected error/, 'no request was a logged 500');
  });

  test('operator routes with an operator token', async () => {
    // Operator routes answer 404 to anyone but an operator, so that they cannot be discovered: a
    // request without a token gets 404, and the ignored_auth check, which knows only 401 and 403,
    // does not apply. test/integration/bad-input.test.ts and the access tests cover that refusal.
    await fuzz(operatorToken, ['--include-tag', 'operator', '--exclude-checks', 'ignored_auth']);
    assert.doesNotMatch(homeport.output, /unexpected error/, 'no request was a logged 500');
  });
});
