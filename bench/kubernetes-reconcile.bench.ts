// Benchmark: the reconcile loop on the Kubernetes runtime. A real API server with kwok's fake
// nodes and a real PostgreSQL (test/support/kubernetes-runtime-fixture.ts, as the runtime contract
// starts them); N hosts (HOMEPORT_BENCH_KUBERNETES_HOSTS, default 100) are created through the
// runtime, then Homeport restarts (a new runtime, a new watch, as the contract's restart) and
// converges them as the reconciler does at start: the edge applied whole (the routes every host's
// build applied are held by the API server already; once more with every Ingress deleted, so
// that every route is applied again), then each host, eight
// at a time, started when it reads back stopped, until every host reads back running (ready).
// kwok's nodes run no Synapse, so "converged" is the state the runtime reads back, not /health.
// The baseline, in the same run and on the same cluster: the same at N/10 hosts; the figures
// are per host, and the ratios say how the per-host time grows with the cluster.
// Prints the figures; asserts nothing. Skipped (exit 0) when the Kubernetes test tools are not built.
import { NetworkingV1Api } from '@kubernetes/client-node';
import { createLogger } from '../src/logger.ts';
import { HostsDatabaseServer } from '../src/runtime/kubernetes/hosts-database-server.ts';
import { KubernetesRuntime } from '../src/runtime/kubernetes/kubernetes-runtime.ts';
import { ensureHostDatabase } from '../src/runtime/local/host-databases.ts';
import { RetiredDatabases } from '../src/runtime/local/retired-databases.ts';
import { databaseConnections } from '../src/runtime/local/machine-capacity.ts';
import type { EdgeRoute, HostSpec } from '../src/runtime/runtime.ts';
import { contractHostSpec } from '../test/support/contract-host-spec.ts';
import { kubernetesTestsSkipped } from '../test/support/kubernetes-tools.ts';
import { startKubernetesRuntimeFixture } from '../test/support/kubernetes-runtime-fixture.ts';

const skipped = kubernetesTestsSkipped();
if (skipped) {
  console.log(JSON.stringify({ benchmark: 'kubernetes-reconcile', skipped }, null, 2));
  process.exit(0);
}

const hosts = Number(process.env.HOMEPORT_BENCH_KUBERNETES_HOSTS ?? 100);
if (!Number.isInteger(hosts) || hosts < 10) throw new Error('HOMEPORT_BENCH_KUBERNETES_HOSTS: a whole number of at least 10');
const baselineHosts = Math.max(1, Math.round(hosts / 10));
/** As the reconciler (src/jobs/host-reconciler.ts): hosts looked at a few at a time. */
const concurrency = 8;
const readyTimeoutMs = 600_000;
const namespace = 'homeport-hosts';

function newHostSpec(): HostSpec {
  return contractHostSpec('homeport.test');
}

function route(spec: HostSpec): EdgeRoute {
  return {
    id: spec.id, edgeHostname: spec.edgeHostname, publicBaseUrl: spec.publicBaseUrl, supportEmail: null,
    customNames: [], previousNames: [], movedNames: [], delegatedServer: `${spec.serverName}:443`,
    clientConfig: { default_server_config: { 'm.homeserver': { base_url: spec.publicBaseUrl } } }, homeportUserId: `@homeport:${spec.serverName}`,
  };
}

async function eachAtATime<T>(items: T[], step: (item: T) => Promise<void>): Promise<void> {
  for (let index = 0; index < items.length; index += concurrency) await Promise.all(items.slice(index, index + concurrency).map(step));
}

const seconds = (ms: number) => Number((ms / 1000).toFixed(2));
const perHost = (ms: number, count: number) => Number((ms / count).toFixed(1));

// Pods: 110 per kwok node; one media volume per host.
const fixture = await startKubernetesRuntimeFixture({ namespace, nodes: Math.ceil(hosts / 100) + 1, volumes: hosts });
try {
  const { adminPool } = fixture;
  const retiredDatabases = new RetiredDatabases(adminPool, createLogger('warn'));
  const databases = new HostsDatabaseServer(adminPool, {
    ensure: (database) => ensureHostDatabase(adminPool, database),
    drop: (database) => retiredDatabases.retireHostDatabase(database),
    connections: (names) => databaseConnections(adminPool, names),
  });
  const open = async () => {
    const runtime = new KubernetesRuntime({
      kubeConfig: fixture.asHomeport, settings: fixture.settings, databases, trustedKeyServers: [], logger: createLogger('warn'),
    });
    await runtime.open();
    return runtime;
  };
  let runtime = await open();
  const specs: HostSpec[] = [];

  /** Creates hosts as a host's build does (database, configuration, start, routes), and waits until all read back running. */
  const create = async (count: number) => {
    const added = Array.from({ length: count }, newHostSpec);
    const started = performance.now();
    await eachAtATime(added, async (spec) => {
      await runtime.allocate(spec.id);
      await runtime.ensureDatabase(spec.database);
      await runtime.writeConfig(spec);
      await runtime.start(spec);
      // As a build does (applyHostEdgeFromDatabase): the host's routes, so that a restart finds them held.
      const refusal = await runtime.applyEdgeHost(spec.id, route(spec));
      if (refusal) throw new Error(`the edge refused a new host: ${refusal.reason}`);
    });
    const applied = performance.now();
    await Promise.all(added.map((spec) => runtime.waitHealthy(spec, readyTimeoutMs)));
    specs.push(...added);
    return { hosts: count, totalSeconds: seconds(performance.now() - started), appliedSeconds: seconds(applied - started), perHostMs: perHost(performance.now() - started, count) };
  };

  /** Homeport restarts: a new runtime reads every host back, re-applies the edge whole and converges every host. */
  const restart = async () => {
    await runtime.close();
    const started = performance.now();
    runtime = await open();
    const readBack = performance.now();
    const refusals = await runtime.applyEdge(specs.map(route));
    if (refusals.length > 0) throw new Error(`the edge refused ${refusals.length} hosts: ${JSON.stringify(refusals[0])}`);
    const edge = performance.now();
    let startedAgain = 0;
    await eachAtATime(specs, async (spec) => {
      if ((await runtime.processState(spec.id)) === 'stopped') {
        startedAgain++;
        await runtime.start(spec);
      }
      await runtime.waitHealthy(spec, readyTimeoutMs);
    });
    const total = performance.now() - started;
    const states = await Promise.all(specs.map((spec) => runtime.processState(spec.id)));
    const notRunning = states.filter((state) => state !== 'running').length;
    if (notRunning > 0) throw new Error(`${notRunning} hosts do not read back running after the restart`);
    return {
      hosts: specs.length, startedAgain,
      totalSeconds: seconds(total), readBackSeconds: seconds(readBack - started), edgeSeconds: seconds(edge - readBack),
      hostsSeconds: seconds(performance.now() - edge), perHostMs: perHost(total, specs.length),
    };
  };

  const baselineCreate = await create(baselineHosts);
  const baselineRestart = await restart();
  const create2 = await create(hosts - baselineHosts);
  const fullRestart = await restart();
  // The worst case: every route to apply again (all Ingresses gone, e.g. deleted by hand).
  await fixture.cluster.kubeConfig().makeApiClient(NetworkingV1Api).deleteCollectionNamespacedIngress({ namespace });
  const routesMissingRestart = await restart();
  await runtime.close();
  console.log(JSON.stringify({
    benchmark: 'kubernetes-reconcile', hosts, baselineHosts, concurrency,
    baseline: { create: baselineCreate, restart: baselineRestart },
    // The hosts beyond the baseline's, created on a cluster already holding the baseline's.
    create: create2,
    restart: fullRestart,
    restartWithEveryRouteMissing: routesMissingRestart,
    createPerHostVsBaseline: Number((create2.perHostMs / baselineCreate.perHostMs).toFixed(2)),
    restartPerHostVsBaseline: Number((fullRestart.perHostMs / baselineRestart.perHostMs).toFixed(2)),
  }, null, 2));
} finally {
  await fixture.stop();
}
