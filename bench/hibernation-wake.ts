// Benchmark: the first-request latency of a sleeping host through the edge (a client's
// GET /_matrix/client/versions, measured from the client), p50/p99 over a number of wakes, next
// to the latency of the same request to the host awake. Prints figures, asserts nothing.
// `node bench/hibernation-wake.ts [wakes]` (default 20).
import { HomeportProcess } from '../test/support/homeport-process.ts';
import { synapseProcesses } from '../test/support/processes.ts';

const wakes = Number(process.argv[2] ?? 20);

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

function summary(name: string, samples: number[]): string {
  const sorted = [...samples].sort((a, b) => a - b);
  return `${name}: n=${sorted.length} p50=${percentile(sorted, 50).toFixed(0)} ms p99=${percentile(sorted, 99).toFixed(0)} ms max=${(sorted.at(-1) ?? NaN).toFixed(0)} ms`;
}

const homeport = await HomeportProcess.create('wake', { HOMEPORT_HIBERNATE_AFTER_SECONDS: '3' });
try {
  await homeport.start();
  const token = await homeport.createAccount('wake@example.org');
  const created = await homeport.api<{ host: { id: string } }>('POST', '/api/v1/hosts', { token, body: { label: 'sleeper', size: 'starter', seats: 10 } });
  const hostId = created.body.host.id;
  const fetchEdge = await homeport.edgeFetch();
  const url = homeport.edgeUrl('sleeper', '/_matrix/client/versions');
  const timed = async (): Promise<number> => {
    const started = performance.now();
    const answer = await fetchEdge(url);
    await answer.arrayBuffer();
    if (answer.status !== 200) throw new Error(`the host answered ${answer.status}`);
    return performance.now() - started;
  };
  const asleep: number[] = [];
  const awake: number[] = [];
  for (let index = 0; index < wakes; index++) {
    await homeport.waitForHostStatus(token, hostId, 'sleeping', 300_000);
    if ((await synapseProcesses(homeport.dataDir, hostId)).length > 0) throw new Error('a sleeping host has a Synapse process');
    asleep.push(await timed());
    awake.push(await timed());
    process.stdout.write(`wake ${index + 1}/${wakes}: ${asleep.at(-1)?.toFixed(0)} ms\n`);
  }
  console.log(summary('first request to a sleeping host', asleep));
  console.log(summary('next request, host awake', awake));
} finally {
  await homeport.cleanup();
}
