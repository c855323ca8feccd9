// The contract every host runtime keeps (issue 16): the local runtime and the Kubernetes runtime
// run the same tests, through HostRuntime and HostPortability only, so jobs and the reconciler may
// count on the same behaviour from either. One host is taken through its life: created and
// started, healthy, reachable through its endpoint (and nothing else), changed and restarted,
// stopped, put to sleep and woken by a request, removed without a trace.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { HostPortability, HostRuntime, HostSpec } from '../../src/runtime/runtime.ts';
import { parseSigningKey } from '../../src/synapse/signing-key.ts';

export interface RuntimeUnderTest {
  runtime: HostRuntime & HostPortability;
  /** A spec for a host the runtime has never seen: its own id, names, database and secrets. */
  newHostSpec(): Promise<HostSpec>;
  /** What is left of the host where this runtime keeps hosts (processes, files, objects, databases, roles), described. */
  leftovers(spec: HostSpec): Promise<string[]>;
  /** Stops everything the runtime under test started. */
  close(): Promise<void>;
}

/** Generous: a Synapse's first start makes its whole schema, on a machine other tests share. */
const healthTimeoutMs = 600_000;

/** What the host's endpoint answers for `path`: its status and body, or the error of a refused connection. */
async function ask(endpoint: URL, path: string): Promise<{ status: number; body: string } | { error: string }> {
  try {
    const response = await fetch(new URL(path, endpoint), { signal: AbortSignal.timeout(healthTimeoutMs) });
    return { status: response.status, body: await response.text() };
  } catch (error) {
    return { error: String((error as Error).cause ?? error) };
  }
}

/** The server name and key ids the host signs with, as it publishes them: proves the endpoint reaches this host. */
async function publishedIdentity(endpoint: URL): Promise<{ serverName: string; keyIds: string[] }> {
  const answer = await ask(endpoint, '/_matrix/key/v2/server');
  assert.ok('status' in answer && answer.status === 200, `the host's keys: ${JSON.stringify(answer)}`);
  const keys = JSON.parse(answer.body) as { server_name: string; verify_keys: Record<string, unknown> };
  return { serverName: keys.server_name, keyIds: Object.keys(keys.verify_keys) };
}

export function hostRuntimeContract(name: string, setUp: () => Promise<RuntimeUnderTest>): void {
  describe(`host runtime contract: ${name}`, () => {
    let under: RuntimeUnderTest;
    let spec: HostSpec;
    let endpoint: URL;

    before(async () => {
      under = await setUp();
      spec = await under.newHostSpec();
    });
    after(async () => {
      await under?.close();
    });

    test('a created host starts, answers /health and is reached through its endpoint', async () => {
      const { runtime } = under;
      await runtime.allocate(spec.id);
      await runtime.allocate(spec.id);
      await runtime.ensureDatabase(spec.database);
      await runtime.writeConfig(spec);
      await runtime.start(spec);
      await runtime.waitHealthy(spec, healthTimeoutMs);
      assert.equal(runtime.processState(spec.id), 'running');
      endpoint = await runtime.hostEndpoint(spec.id);
      assert.deepEqual(await ask(endpoint, '/health'), { status: 200, body: 'OK' });
      const identity = await publishedIdentity(endpoint);
      assert.equal(identity.serverName, spec.serverName);
      assert.deepEqual(identity.keyIds, [parseSigningKey(spec.secrets.signingKey).keyId]);
    });

    test('a changed host runs its new configuration after a restart, with the same identity', async () => {
      const { runtime } = under;
      const before = await publishedIdentity(endpoint);
      spec = { ...spec, seats: spec.seats + 5, maxUploadSize: '7M' };
      await runtime.writeConfig(spec);
      assert.equal((await runtime.writtenConfig(spec.id)).max_upload_size, '7M');
      await runtime.stop(spec.id);
      await runtime.start(spec);
      await runtime.waitHealthy(spec, healthTimeoutMs);
      assert.equal(runtime.processState(spec.id), 'running');
      assert.deepEqual(await runtime.hostEndpoint(spec.id), endpoint, 'the endpoint does not move when the host restarts');
      assert.deepEqual(await publishedIdentity(endpoint), before);
    });

    test('a stopped host answers nothing and says so', async () => {
      const { runtime } = under;
      await runtime.stop(spec.id);
      assert.equal(runtime.processState(spec.id), 'stopped');
      const answer = await ask(endpoint, '/health');
      assert.ok('error' in answer || answer.status !== 200, `a stopped host answered ${JSON.stringify(answer)}`);
    });

    test('a sleeping host is woken by a request to its endpoint, which it then answers', async () => {
      const { runtime } = under;
      await runtime.start(spec);
      await runtime.waitHealthy(spec, healthTimeoutMs);
      await runtime.sleep(spec);
      assert.equal(runtime.processState(spec.id), 'sleeping');
      // The request itself wakes the host: it is held, not refused, until Synapse answers.
      assert.deepEqual(await ask(endpoint, '/health'), { status: 200, body: 'OK' });
      await runtime.wake(spec.id);
      assert.equal(runtime.processState(spec.id), 'running');
      assert.equal((await publishedIdentity(endpoint)).serverName, spec.serverName);
    });

    test('a removed host leaves nothing behind, and removing it again is harmless', async () => {
      const { runtime } = under;
      assert.notDeepEqual(await under.leftovers(spec), [], 'a running host is found where the runtime keeps hosts');
      await runtime.remove(spec.id, spec.database);
      assert.equal(runtime.processState(spec.id), 'stopped');
      assert.deepEqual(await under.leftovers(spec), []);
      const answer = await ask(endpoint, '/health');
      assert.ok('error' in answer || answer.status !== 200, `a removed host answered ${JSON.stringify(answer)}`);
      await runtime.remove(spec.id, spec.database);
      assert.deepEqual(await under.leftovers(spec), []);
    });
  });
}
