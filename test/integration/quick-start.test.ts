// The README's quick start, run line by line as written against a running Homeport: it must end
// with a running host and a Matrix user who logs in.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, test } from 'node:test';
import { HomeportProcess } from '../support/homeport-process.ts';
import { loginThroughEdge } from '../support/matrix-user.ts';

const run = promisify(execFile);
const repoRoot = resolve(import.meta.dirname, '..', '..');

/** The shell lines of the quick start's CLI block (the one that creates the account), comments removed. */
async function quickStartLines(): Promise<string[]> {
  const readme = await readFile(join(repoRoot, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Quick start'), readme.indexOf('\n## ', readme.indexOf('## Quick start') + 1));
  const block = [...section.matchAll(/```sh\n([\s\S]*?)```/g)].map((match) => match[1] ?? '').find((text) => text.includes('account create'));
  assert.ok(block, 'the quick start has a CLI block that creates an account');
  return block.split('\n').map((line) => line.replace(/\s+#.*$/, '').trim()).filter((line) => line.length > 0);
}

describe('the README quick start', () => {
  let homeport: HomeportProcess;

  before(async () => {
    homeport = await HomeportProcess.create('quick', {}, { withoutSeller: true });
    await homeport.start();
  });
  after(async () => {
    await homeport?.cleanup();
  });

  test('ends with a running host and a Matrix user who logs in', async () => {
    const env: NodeJS.ProcessEnv = { ...homeport.env, HOMEPORT_API_URL: homeport.apiUrl };
    let lastOutput = '';
    for (const line of await quickStartLines()) {
      if (line.startsWith('export HOMEPORT_TOKEN=')) {
        const token = /^token (\S+)$/m.exec(lastOutput)?.[1];
        assert.ok(token, `a token was printed before "${line}"`);
        env.HOMEPORT_TOKEN = token;
        continue;
      }
      const { stdout } = await run('bash', ['-c', line], { cwd: repoRoot, env, timeout: 600_000 }).catch((error: unknown) => {
        const failed = error as { stdout?: string; stderr?: string };
        throw new Error(`"${line}" failed:\n${failed.stdout ?? ''}${failed.stderr ?? ''}`);
      });
      lastOutput = stdout;
    }
    const password = /^password: (\S+)$/m.exec(lastOutput)?.[1];
    assert.ok(password, 'the last line printed the new user\'s password');
    const client = await loginThroughEdge(homeport, 'acme', 'alice', password);
    const { room_id: roomId } = await client.createRoom({ name: 'hello' });
    assert.match(roomId, /^!/);
    client.stopClient();
  });
});
