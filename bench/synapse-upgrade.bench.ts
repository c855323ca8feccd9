// Benchmark: downtime per host of a Synapse upgrade (1.162.0 -> the pinned release) in a rollout
// of two hosts at once: Homeport's own measure (Synapse stopped until the new release answered a
// client) and what a client polling /_matrix/client/versions through the edge saw (its longest
// gap between two good answers). Needs 1.162.0 installed beside HOMEPORT_SYNAPSE_VENV (the first
// run installs it through `homeport synapse install`). Prints; asserts nothing.
import { HomeportProcess } from '../test/support/homeport-process.ts';
import { synapseVersion as pinnedRelease } from '../src/runtime/local/synapse-venv.ts';

const oldRelease = '1.162.0';
const labels = ['bench-a', 'bench-b'];

interface Progress {
  rollout: { status: string; error: string | null };
  hosts: Array<{ label: string; status: string; downtimeMs: number | null }>;
}

const homeport = await HomeportProcess.create('upbench', { HOMEPORT_SYNAPSE_VERSION: oldRelease });
try {
  const installed = await homeport.cli(['synapse', 'install', oldRelease]);
  if (installed.code !== 0) throw new Error(installed.stderr);
  await homeport.start();
  const token = await homeport.createAccount('bench@example.org');
  const created = await homeport.cli(['account', 'create', '--email', 'ops@example.org', '--name', 'Ops', '--operator', '--with-token']);
  const operator = /^token (\S+)$/m.exec(created.stdout)?.[1] ?? '';
  const ids = await Promise.all(labels.map(async (label) =>
    (await homeport.api<{ host: { id: string } }>('POST', '/api/v1/hosts', { token, body: { label, size: 'starter', seats: 5 } })).body.host.id));
  await Promise.all(ids.map((id) => homeport.waitForHostStatus(token, id, 'running')));

  const fetchEdge = await homeport.edgeFetch();
  const longestGap = new Map<string, number>();
  let polling = true;
  const pollers = labels.map(async (label) => {
    let lastGood = Date.now();
    while (polling) {
      const ok = await fetchEdge(homeport.edgeUrl(label, '/_matrix/client/versions'), { signal: AbortSignal.timeout(2_000) })
        .then((response) => response.ok, () => false);
      if (ok) {
        longestGap.set(label, Math.max(longestGap.get(label) ?? 0, Date.now() - lastGood));
        lastGood = Date.now();
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  });

  const started = Date.now();
  const answer = await homeport.api<Progress & { rollout: { id: string } }>('POST', '/api/v1/operator/upgrades', {
    token: operator, body: { release: pinnedRelease, batchSize: labels.length, urgent: true },
  });
  if (answer.status !== 201) throw new Error(JSON.stringify(answer.body));
  let progress: Progress;
  for (;;) {
    progress = (await homeport.api<Progress>('GET', `/api/v1/operator/upgrades/${answer.body.rollout.id}`, { token: operator })).body;
    if (progress.rollout.status !== 'running') break;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  polling = false;
  await Promise.all(pollers);
  console.log(`Synapse ${oldRelease} -> ${pinnedRelease}, ${labels.length} hosts (canary, then a batch): rollout ${progress.rollout.status} in ${((Date.now() - started) / 1000).toFixed(1)} s${progress.rollout.error ? `: ${progress.rollout.error}` : ''}`);
  for (const host of progress.hosts) {
    const seen = longestGap.get(host.label);
    console.log(`  ${host.label}: ${host.status}, downtime ${host.downtimeMs === null ? '-' : `${(host.downtimeMs / 1000).toFixed(1)} s`} (Homeport: stop to first client answer); longest gap a client saw through the edge ${seen === undefined ? '-' : `${(seen / 1000).toFixed(1)} s`}`);
  }
} finally {
  await homeport.cleanup();
}
