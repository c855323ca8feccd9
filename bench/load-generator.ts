// Load for benchmarks, on loopback only: an open loop at a fixed rate (latency percentiles) and
// a closed loop with fixed concurrency (throughput). Both are bounded in count and time.
export interface LatencySummary {
  requests: number;
  errors: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

/** Sends `rate` requests per second for `seconds`, each on schedule whether or not earlier ones finished. */
export async function openLoop(rate: number, seconds: number, request: () => Promise<boolean>): Promise<LatencySummary> {
  const total = rate * seconds;
  const latencies: number[] = [];
  let errors = 0;
  const started = performance.now();
  const inFlight: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const due = started + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((done) => setTimeout(done, wait));
    // Latency counts from the scheduled time, so a stalled server cannot hide its queueing.
    inFlight.push(request().then(
      (ok) => { if (!ok) errors++; latencies.push(performance.now() - due); },
      () => { errors++; },
    ));
  }
  await Promise.all(inFlight);
  latencies.sort((a, b) => a - b);
  return {
    requests: total,
    errors,
    p50Ms: Number(percentile(latencies, 50).toFixed(1)),
    p99Ms: Number(percentile(latencies, 99).toFixed(1)),
    maxMs: Number((latencies.at(-1) ?? Number.NaN).toFixed(1)),
  };
}

/** Keeps `concurrency` requests in flight for `seconds`; answers completed requests per second. */
export async function closedLoop(concurrency: number, seconds: number, request: () => Promise<boolean>): Promise<{ perSecond: number; errors: number }> {
  const deadline = performance.now() + seconds * 1000;
  let done = 0;
  let errors = 0;
  const worker = async () => {
    while (performance.now() < deadline) {
      const ok = await request().catch(() => false);
      if (ok) done++;
      else errors++;
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { perSecond: Math.round(done / ((performance.now() - started) / 1000)), errors };
}
