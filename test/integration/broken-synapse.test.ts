// A Synapse that cannot start fails its build step with the reason in the job log, instead of
// leaving the customer waiting for a timeout.
import assert from 'node:assert/strict';
import { appendFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { eventually } from '../support/eventually.ts';
import { HomeportProcess } from '../support/homeport-process.ts';

let homeport: HomeportProcess | undefined;
after(async () => {
  await homeport?.cleanup();
});

test('a Synapse that keeps exiting fails the "healthy" step with its own error message', async () => {
  homeport = await HomeportProcess.create('broken');
  await appendFile(join(homeport.dataDir, 'synapse-extra.yaml'), 'max_upload_size: lots of megabytes\n');
  await homeport.start();
  const token = await homeport.createAccount('broken@example.org');
  const created = await homeport.api<{ job: { id: string } }>('POST', '/api/v1/hosts', { token, body: { label: 'acme', size: 'starter', seats: 5 } });
  const job = await eventually(async () => {
    const { body } = await homeport!.api<{ error: string | null; steps: { name: string; status: string }[]; logs: { message: string }[] }>('GET', `/api/v1/jobs/${created.body.job.id}`, { token });
    assert.ok(body.error, 'the attempt has failed');
    return body;
  }, 90_000, 500);
  assert.match(job.error ?? '', /Synapse exited 3 times while starting; its last output: .*max_upload_size/);
  assert.equal(job.steps.find((step) => step.name === 'healthy')?.status, 'failed');
  assert.ok(job.logs.some((line) => /healthy: Synapse exited 3 times/.test(line.message)));
});
