// The contract every host runtime keeps (issue 16): the local runtime and the Kubernetes runtime
// run the same tests, through HostRuntime only, so jobs and the reconciler may
// count on the same behaviour from either. One host is taken through its life: created and
// started, healthy, reachable through its endpoint (and nothing else), changed and restarted,
// its state read back by a restarted Homeport (which adopts it rather than starting another),
// stopped, put to sleep and woken (across a Homeport restart too), removed without a trace; and a
// second host's build survives Homeport restarting mid-build and converges.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { HostRuntime, HostSpec } from '../../src/runtime/runtime.ts';
import { parseSigningKey } from '../../src/synapse/signing-key.ts';
import { eventually } from '../support/eventually.ts';

export interface RuntimeUnderTest {
  runtime: HostRuntime;
  /** The host's configuration as the runtime keeps it for the host (homeserver.yaml, parsed), read where it is kept. */
  writtenConfig(spec: HostSpec): Promise<Record<string, unknown>>;
  /**
   * Whether the test can send requests to a host at its endpoint and get Synapse's answers
   * (false where hosts run no Synapse, e.g. Kubernetes on kwok's fake nodes): without, the
   * contract checks states and what the runtime keeps, not answers.
   */
  servesRequests: boolean;
  /**
   * Homeport restarted: the runtime is dropped as a Homeport that exits drops it (hosts keep
   * running) and a new one is made on the same machine or cluster, which `runtime` then is.
   */
  restart(): Promise<void>;
  /** What runs the host now (a process id, a pod's uid), undefined when nothing does: tells an adopted host from a started one. */
  instanceOf(spec: HostSpec): Promise<string | undefined>;
  /** A spec for a host the runtime has never seen: its own id, names, database and secrets. */
  newHostSpec(): Promise<HostSpec>;
  /** What is left of the host where this runtime keeps hosts (processes, files, objects, databases, roles), described. */
  leftovers(spec: HostSpec): Promise<string[]>;
  /** Stops everything the runtime under test started. */
  close(): Promise<void>;
}

/** Generous: a Synapse's first start makes its whole schema, on a machine other tests share. */
const healthTimeoutMs = 600_000;

/** Nothing is left of the host: at once on the local runtime, once the garbage collector ran on a cluster. */
async function noLeftovers(under: RuntimeUnderTest, spec: HostSpec): Promise<void> {
  await eventually(async () => assert.deepEqual(await under.leftovers(spec), []), 180_000, 500);
}

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

/** `skip`: why the runtime cannot be tested on this machine (its tools are missing). */
export function hostRuntimeContract(name: string, setUp: () => Promise<RuntimeUnderTest>, options: { skip?: string | false } = {}): void {
  describe(`host runtime contract: ${name}`, { skip: options.skip }, () => {
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
      endpoint = await runtime.hostEndpoint(spec.id);
      await runtime.allocate(spec.id);
      assert.deepEqual(await runtime.hostEndpoint(spec.id), endpoint, 'allocating again changes nothing');
      await runtime.ensureDatabase(spec.database);
      await runtime.writeConfig(spec);
      await runtime.start(spec);
      await runtime.waitHealthy(spec, healthTimeoutMs);
      assert.equal(await runtime.processState(spec.id), 'running');
      if (!under.servesRequests) return;
      assert.deepEqual(await ask(endpoint, '/health'), { status: 200, body: 'OK' });
      const identity = await publishedIdentity(endpoint);
      assert.equal(identity.serverName, spec.serverName);
      assert.deepEqual(identity.keyIds, [parseSigningKey(spec.secrets.signingKey).keyId]);
    });

    test('a changed host runs its new configuration after a restart, with the same identity', async () => {
      const { runtime } = under;
      const before = under.servesRequests ? await publishedIdentity(endpoint) : undefined;
      spec = { ...spec, seats: spec.seats + 5, maxUploadSize: '7M' };
      await runtime.writeConfig(spec);
      assert.equal((await under.writtenConfig(spec)).max_upload_size, '7M');
      await runtime.stop(spec.id);
      await runtime.start(spec);
      await runtime.waitHealthy(spec, healthTimeoutMs);
      assert.equal(await runtime.processState(spec.id), 'running');
      assert.deepEqual(await runtime.hostEndpoint(spec.id), endpoint, 'the endpoint does not move when the host restarts');
      if (before) assert.deepEqual(await publishedIdentity(endpoint), before);
    });

    test("a restarted Homeport reads the host's state back and adopts it: the same instance, endpoint and configuration", async () => {
      const instance = await under.instanceOf(spec);
      assert.ok(instance, 'something runs the host');
      await under.restart();
      const { runtime } = under;
      // The reconciler's view of a running host after a restart: it runs, or is started (adopted) once.
      if ((await runtime.processState(spec.id)) !== 'running') await runtime.start(spec);
      await runtime.waitHealthy(spec, healthTimeoutMs);
      assert.equal(await runtime.processState(spec.id), 'running');
      assert.equal(await under.instanceOf(spec), instance, 'adopted, not started a second time');
      assert.deepEqual(await runtime.hostEndpoint(spec.id), endpoint);
      assert.equal((await under.writtenConfig(spec)).max_upload_size, '7M');
      if (under.servesRequests) assert.equal((await publishedIdentity(endpoint)).serverName, spec.serverName);
    });

    test('a stopped host answers nothing and says so', async () => {
      const { runtime } = under;
      await runtime.stop(spec.id);
      assert.equal(await runtime.processState(spec.id), 'stopped');
      assert.equal(await under.instanceOf(spec), undefined, 'nothing runs the host');
      if (!under.servesRequests) return;
      const answer = await ask(endpoint, '/health');
      assert.ok('error' in answer || answer.status !== 200, `a stopped host answered ${JSON.stringify(answer)}`);
    });

    test('a sleeping host is woken by a request to its endpoint, which it then answers', async () => {
      const { runtime } = under;
      await runtime.start(spec);
      await runtime.waitHealthy(spec, healthTimeoutMs);
      await runtime.sleep(spec);
      assert.equal(await runtime.processState(spec.id), 'sleeping');
      assert.equal(await under.instanceOf(spec), undefined, 'a sleeping host costs no process');
      // The request itself wakes the host: it is held, not refused, until Synapse answers.
      if (under.servesRequests) assert.deepEqual(await ask(endpoint, '/health'), { status: 200, body: 'OK' });
      await runtime.wake(spec.id);
      assert.equal(await runtime.processState(spec.id), 'running');
      if (under.servesRequests) assert.equal((await publishedIdentity(endpoint)).serverName, spec.serverName);
    });

    test('a host asleep when Homeport restarts stays asleep, is put back to sleep as the reconciler does, and wakes', async () => {
      await under.runtime.sleep(spec);
      assert.equal(await under.runtime.processState(spec.id), 'sleeping');
      await under.restart();
      const { runtime } = under;
      // Never running by itself: a runtime that keeps the state says sleeping, one that does not says stopped.
      const afterRestart = await runtime.processState(spec.id);
      assert.ok(['sleeping', 'stopped'].includes(afterRestart), `state after the restart: ${afterRestart}`);
      assert.equal(await under.instanceOf(spec), undefined, 'the restart woke nothing');
      // The reconciler's step for a host whose desired state is asleep.
      if ((await runtime.processState(spec.id)) === 'stopped') await runtime.sleep(spec);
      assert.equal(await runtime.processState(spec.id), 'sleeping');
      if (under.servesRequests) assert.deepEqual(await ask(endpoint, '/health'), { status: 200, body: 'OK' });
      await runtime.wake(spec.id);
      assert.equal(await runtime.processState(spec.id), 'running');
      assert.ok(await under.instanceOf(spec), 'woken: something runs the host again');
    });

    test('a build interrupted by a Homeport restart, its steps repeated by the new one, converges to one running host', async () => {
      const second = await under.newHostSpec();
      await under.runtime.allocate(second.id);
      const secondEndpoint = await under.runtime.hostEndpoint(second.id);
      await under.runtime.ensureDatabase(second.database);
      await under.runtime.writeConfig(second);
      await under.runtime.start(second);
      // Mid-build: started, not healthy yet (a first start creates Synapse's whole schema).
      const startedBefore = await under.instanceOf(second);
      await under.restart();
      const { runtime } = under;
      // The build job resumes: every step again, each doing only what is missing.
      await runtime.allocate(second.id);
      assert.deepEqual(await runtime.hostEndpoint(second.id), secondEndpoint, 'the resumed build keeps what was allocated');
      await runtime.ensureDatabase(second.database);
      await runtime.writeConfig(second);
      await runtime.start(second);
      await runtime.waitHealthy(second, healthTimeoutMs);
      assert.equal(await runtime.processState(second.id), 'running');
      if (startedBefore) assert.equal(await under.instanceOf(second), startedBefore, 'the host started before the restart was adopted, not started twice');
      if (under.servesRequests) assert.equal((await publishedIdentity(secondEndpoint)).serverName, second.serverName);
      await runtime.remove(second.id, second.database);
      await noLeftovers(under, second);
    });

    test('a removed host leaves nothing behind, and removing it again is harmless', async () => {
      const { runtime } = under;
      assert.notDeepEqual(await under.leftovers(spec), [], 'a running host is found where the runtime keeps hosts');
      await runtime.remove(spec.id, spec.database);
      assert.equal(await runtime.processState(spec.id), 'stopped');
      await noLeftovers(under, spec);
      const answer = await ask(endpoint, '/health');
      assert.ok('error' in answer || answer.status !== 200, `a removed host answered ${JSON.stringify(answer)}`);
      await runtime.remove(spec.id, spec.database);
      await noLeftovers(under, spec);
    });
  });
}
