// Benchmark (issue 15): how many hosts one installation holds. Creates DENSITY_HOSTS hosts
// (default 300) of a size that shares Synapse processes, lets them fall asleep
// (DENSITY_HIBERNATE_SECONDS, default 120), and prints in one run, measured and not estimated:
// - memory (VmRSS of the installation's Synapse processes) per idle host, and PostgreSQL
//   connections (pg_stat_activity on the hosts' databases, sampled once a second for
//   DENSITY_SAMPLE_SECONDS, default 120) per idle host, and the CPU their processes use meanwhile;
// - the first-request latency through the edge, from the client, p50/p99 over DENSITY_WAKES
//   (default 100) requests, each to a host holding no database connection at that moment: a login
//   attempt for an unknown user (Synapse looks it up in the host's database, 403), first to each
//   sleeping host, then round after round to the same hosts once idle again;
// - create (POST → running), change (federation off, a rebuild: PUT → its job succeeded) and
//   cancel (DELETE → cancelled) time at 10 and at DENSITY_HOSTS hosts, each right after the hosts
//   were built and again once every host sleeps (the ratios compare like with like: just built
//   with just built, at rest with at rest), and where it goes (the jobs' queue wait and steps);
// - the projected hosts per 24 GiB, the load average and the fill time.
// Asserts nothing. `DENSITY_HOSTS=30 DENSITY_HIBERNATE_SECONDS=60 node bench/density.bench.ts` is a quick run.
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { HomeportProcess } from '../test/support/homeport-process.ts';
import { openHomeportDatabase } from '../test/support/host-admin.ts';

const hostCount = Number(process.env.DENSITY_HOSTS ?? 300);
const wakeCount = Number(process.env.DENSITY_WAKES ?? 100);
/** Creates in flight while filling the installation: the machine is shared, builds are CPU-bound. */
const fillConcurrency = Number(process.env.DENSITY_CONCURRENCY ?? 3);
const hostsPerProcess = 25;
/** Timed creates and cancels at each point. */
const timedChanges = 5;
/** Seconds over which the idle hosts' database connections are sampled, once a second. */
const sampleSeconds = Number(process.env.DENSITY_SAMPLE_SECONDS ?? 120);
const gib24 = 24 * 1024 ** 3;

const sizes = `
sizes:
  - { name: small, title: Small, pricePerSeatMinor: 300, minSeats: 1, maxSeats: 50, maxUploadSize: 50M, process: { shared: true, hostsPerProcess: ${hostsPerProcess} } }
`;

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

function latency(samples: number[]): { n: number; p50Ms: number; p99Ms: number; maxMs: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  return { n: sorted.length, p50Ms: Math.round(percentile(sorted, 50)), p99Ms: Math.round(percentile(sorted, 99)), maxMs: Math.round(sorted.at(-1) ?? Number.NaN) };
}

function mean(samples: number[]): number {
  return samples.reduce((sum, value) => sum + value, 0) / samples.length;
}

function log(message: string): void {
  process.stderr.write(`[${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}

// Each host takes a pair of ports: the range must hold every host's pair, and the timed ones'. It
// lies wholly below the kernel's ephemeral ports (32768 and up): a port there can be taken by any
// outgoing connection before the host's Synapse listens on it (a 1,000-host run failed so once).
const portSpan = 2 * hostCount + 100;
const portBase = 10000 + Math.floor(Math.random() * Math.max(1, (32768 - 10000 - portSpan) / 100)) * 100;
const homeport = await HomeportProcess.create('density', {
  HOMEPORT_HIBERNATE_AFTER_SECONDS: process.env.DENSITY_HIBERNATE_SECONDS ?? '120',
  HOMEPORT_HOST_PORTS: `${portBase}-${portBase + portSpan}`,
  HOMEPORT_LOG_LEVEL: 'info',
});

/** The installation's Synapse processes (shared and own): pids. */
async function synapsePids(): Promise<string[]> {
  return installationPids((cmdline) => /synapse-tenants\.py|synapse\.app\.homeserver/.test(cmdline));
}

/** Pids of the processes whose command line names the installation's data directory and passes `matches`. */
async function installationPids(matches: (cmdline: string) => boolean): Promise<string[]> {
  const pids: string[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const cmdline = (await readFile(join('/proc', entry, 'cmdline'), 'utf8').catch(() => '')).replaceAll('\0', ' ');
    if (cmdline.includes(homeport.dataDir) && matches(cmdline)) pids.push(entry);
  }
  return pids;
}

/** The installation's Synapse processes (shared and own) and their resident memory, in MiB. */
async function synapseMemory(): Promise<{ processes: number; rssMiB: number }> {
  const pids = await synapsePids();
  let rssKiB = 0;
  for (const pid of pids) {
    const status = await readFile(join('/proc', pid, 'status'), 'utf8').catch(() => '');
    rssKiB += Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1] ?? 0);
  }
  return { processes: pids.length, rssMiB: rssKiB / 1024 };
}

/** The fields of /proc/PID/stat after the command's closing parenthesis (state is index 0). */
async function procStat(pid: string): Promise<string[]> {
  const stat = await readFile(join('/proc', pid, 'stat'), 'utf8').catch(() => '');
  return stat ? stat.slice(stat.lastIndexOf(')') + 2).split(' ') : [];
}

/** CPU ticks (USER_HZ: 100 a second on every Linux this runs on) in milliseconds. */
const ticksMs = (ticks: number) => (ticks * 1000) / 100;

/** CPU time (user + system, ms) each of the processes used so far, by pid (those gone are left out). */
async function cpuMs(pids: string[]): Promise<Map<string, number>> {
  const used = new Map<string, number>();
  for (const pid of pids) {
    // utime and stime are the 14th and 15th fields of the whole line.
    const fields = await procStat(pid);
    if (fields.length > 13) used.set(pid, ticksMs(Number(fields[11]) + Number(fields[12])));
  }
  return used;
}

/** The CPU (ms) the processes present at both readings used between them. */
function cpuBetween(before: Map<string, number>, after: Map<string, number>): number {
  return [...after].reduce((sum, [pid, ms]) => sum + (before.has(pid) ? ms - (before.get(pid) ?? 0) : 0), 0);
}

/** Homeport itself and its edge (Caddy): pids. */
async function homeportPids(): Promise<string[]> {
  const caddy = await installationPids((cmdline) => /caddy/.test(cmdline) && !cmdline.includes('synapse'));
  return homeport.pid === undefined ? caddy : [String(homeport.pid), ...caddy];
}

/**
 * CPU time (ms) the installation's PostgreSQL used so far: the postmaster's own and that of every
 * backend it has reaped (cutime, cstime), plus that of the backends alive now. A backend that ends
 * between two readings moves from the second sum to the first, so a difference counts it once.
 */
async function postgresCpuMs(): Promise<number> {
  const postmaster = (await readFile(join(homeport.dataDir, 'postgres', 'postmaster.pid'), 'utf8').catch(() => '')).split('\n')[0] ?? '';
  const own = await procStat(postmaster);
  if (own.length < 15) return Number.NaN;
  let ticks = Number(own[11]) + Number(own[12]) + Number(own[13]) + Number(own[14]);
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const fields = await procStat(entry);
    if (fields[1] === postmaster) ticks += Number(fields[11]) + Number(fields[12]);
  }
  return ticksMs(ticks);
}

type OpenedDatabase = Awaited<ReturnType<typeof openHomeportDatabase>>;

/** Connections to the hosts' databases now (over a connection the caller keeps, so sampling forks no backend). */
async function hostConnections(opened: OpenedDatabase): Promise<number> {
  const { rows } = await opened.pool.query<{ n: string }>("SELECT count(*) AS n FROM pg_stat_activity WHERE datname LIKE 'host\\_%'");
  return Number(rows[0]?.n ?? 0);
}

/** Sessions (connections) opened on the hosts' databases so far (PostgreSQL's pg_stat_database.sessions). */
async function hostSessions(opened: OpenedDatabase): Promise<number> {
  const { rows } = await opened.pool.query<{ n: string }>("SELECT coalesce(sum(sessions), 0) AS n FROM pg_stat_database WHERE datname LIKE 'host\\_%'");
  return Number(rows[0]?.n ?? 0);
}

async function statuses(token: string): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  let after: string | null = null;
  do {
    const page: { body: { hosts: { id: string; status: string }[]; next: string | null } } = await homeport.api('GET', `/api/v1/hosts?limit=500${after ? `&after=${after}` : ''}`, { token });
    for (const host of page.body.hosts) found.set(host.id, host.status);
    after = page.body.next;
  } while (after);
  return found;
}

interface JobTimes {
  status: string;
  createdAt: string;
  startedAt: string | null;
  steps: { name: string; startedAt: string | null; finishedAt: string | null }[];
}

/** Where a job's time went: waiting in the queue, then each step, in ms. */
async function jobSteps(token: string, jobId: string): Promise<Record<string, number>> {
  const job = (await homeport.api<JobTimes>('GET', `/api/v1/jobs/${jobId}`, { token })).body;
  const ms = (from: string | null, to: string | null) => (from && to ? Date.parse(to) - Date.parse(from) : 0);
  const times: Record<string, number> = { queued: ms(job.createdAt, job.startedAt) };
  for (const step of job.steps) times[step.name] = (times[step.name] ?? 0) + ms(step.startedAt, step.finishedAt);
  return times;
}

/** The mean of each step's time over several jobs of the same kind. */
function meanSteps(jobs: Record<string, number>[]): Record<string, number> {
  const names = [...new Set(jobs.flatMap((job) => Object.keys(job)))];
  return Object.fromEntries(names.map((name) => [name, Math.round(mean(jobs.map((job) => job[name] ?? 0)))]));
}

async function createHost(token: string, label: string): Promise<{ id: string; ms: number; jobId: string }> {
  const started = performance.now();
  for (;;) {
    const created = await homeport.api<{ host: { id: string }; job: { id: string } }>('POST', '/api/v1/hosts', { token, body: { label, size: 'small', seats: 5 } });
    if (created.status === 202) {
      await homeport.waitForHostStatus(token, created.body.host.id, 'running', 900_000);
      return { id: created.body.host.id, ms: performance.now() - started, jobId: created.body.job.id };
    }
    // The machine is momentarily full (connections of hosts not yet asleep): wait as told.
    if (created.status !== 503) throw new Error(`creating ${label} answered ${created.status}: ${JSON.stringify(created.body)}`);
    log(`${label}: 503 (${JSON.stringify(created.body)}); waiting`);
    await sleep(10_000);
  }
}

async function cancelHost(token: string, id: string, label: string): Promise<{ ms: number; jobId: string }> {
  const started = performance.now();
  const cancelled = await homeport.api<{ job: { id: string } }>('DELETE', `/api/v1/hosts/${id}`, { token, body: { confirm: label } });
  if (cancelled.status !== 202) throw new Error(`cancelling ${label} answered ${cancelled.status}`);
  await homeport.waitForHostStatus(token, id, 'cancelled', 900_000);
  return { ms: performance.now() - started, jobId: cancelled.body.job.id };
}

/** A change the customer makes: federation off, applied by a rebuild of the host (PUT → its job succeeded). */
async function changeHost(token: string, id: string, label: string): Promise<{ ms: number; jobId: string }> {
  const started = performance.now();
  const changed = await homeport.api<{ job: { id: string } | null }>('PUT', `/api/v1/hosts/${id}/federation`, { token, body: { mode: 'off' } });
  if (changed.status !== 200 || !changed.body.job) throw new Error(`changing ${label} answered ${changed.status}: ${JSON.stringify(changed.body)}`);
  const job = await homeport.waitForJob(token, changed.body.job.id, 900_000);
  if (job.status !== 'succeeded') throw new Error(`the change of ${label} ended ${String(job.status)}`);
  return { ms: performance.now() - started, jobId: changed.body.job.id };
}

interface TimedChanges {
  createMs: number;
  changeMs: number;
  cancelMs: number;
  createSteps: Record<string, number>;
  changeSteps: Record<string, number>;
  cancelSteps: Record<string, number>;
}

/** Creates, then changes, then cancels `timedChanges` extra hosts one after another; the installation's size stays. */
async function timedChangesAt(token: string, prefix: string): Promise<TimedChanges> {
  const created: { id: string; label: string; ms: number; jobId: string }[] = [];
  for (let index = 0; index < timedChanges; index++) {
    const label = `${prefix}${index}`;
    created.push({ label, ...(await createHost(token, label)) });
  }
  const changes: { ms: number; jobId: string }[] = [];
  for (const host of created) changes.push(await changeHost(token, host.id, host.label));
  const cancels: { ms: number; jobId: string }[] = [];
  for (const host of created) cancels.push(await cancelHost(token, host.id, host.label));
  const timed = (runs: { ms: number }[]) => Math.round(mean(runs.map((run) => run.ms)));
  const steps = async (runs: { jobId: string }[]) => meanSteps(await Promise.all(runs.map((run) => jobSteps(token, run.jobId))));
  return {
    createMs: timed(created), changeMs: timed(changes), cancelMs: timed(cancels),
    createSteps: await steps(created), changeSteps: await steps(changes), cancelSteps: await steps(cancels),
  };
}

interface TimedPoint {
  /** Right after the hosts were built (the ones just built still awake and starting up). */
  built: TimedChanges;
  /** Once every host sleeps, as an installation is most of the day. */
  asleep: TimedChanges;
}

/** Each figure at N hosts against the one at 10, like with like. */
function ratios(atTen: TimedPoint, atMany: TimedPoint, key: 'createMs' | 'changeMs' | 'cancelMs'): Record<string, number> {
  const ratio = (many: number, ten: number) => Number((many / ten).toFixed(2));
  return {
    at10: atTen.built[key], [`at${hostCount}`]: atMany.built[key], ratio: ratio(atMany.built[key], atTen.built[key]),
    at10Asleep: atTen.asleep[key], [`at${hostCount}Asleep`]: atMany.asleep[key], ratioAsleep: ratio(atMany.asleep[key], atTen.asleep[key]),
  };
}

function steps(point: TimedPoint, key: 'createSteps' | 'changeSteps' | 'cancelSteps'): Record<string, Record<string, number>> {
  return { built: point.built[key], asleep: point.asleep[key] };
}

/** A login attempt for a user the host does not have: Synapse looks the user up in its database and answers 403. */
async function timedLogin(fetchEdge: typeof fetch, label: string): Promise<number> {
  const started = performance.now();
  const answer = await fetchEdge(homeport.edgeUrl(label, '/_matrix/client/v3/login'), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ type: 'm.login.password', identifier: { type: 'm.id.user', user: 'nobody-here' }, password: 'not a password' }),
  });
  await answer.arrayBuffer();
  if (answer.status !== 403) throw new Error(`${label} answered ${answer.status} to a login attempt`);
  return performance.now() - started;
}

/** Waits until the host's database has no connection (at most half a minute). */
async function idleAgain(database: string): Promise<void> {
  const opened = await openHomeportDatabase(homeport, 'postgres');
  try {
    for (let waited = 0; waited < 120; waited++) {
      const { rows } = await opened.pool.query<{ n: string }>('SELECT count(*) AS n FROM pg_stat_activity WHERE datname = $1', [database]);
      if (Number(rows[0]?.n) === 0) return;
      await sleep(250);
    }
  } finally {
    await opened.close();
  }
}

/** Each host's database name, by host id. */
async function databaseNames(): Promise<Map<string, string>> {
  const opened = await openHomeportDatabase(homeport);
  try {
    const rows = await opened.db.selectFrom('hosts').select(['id', 'database_name']).execute();
    return new Map(rows.map((row) => [row.id, row.database_name]));
  } finally {
    await opened.close();
  }
}

async function timedGet(fetchEdge: typeof fetch, label: string): Promise<number> {
  const started = performance.now();
  const answer = await fetchEdge(homeport.edgeUrl(label, '/_matrix/client/versions'));
  await answer.arrayBuffer();
  if (answer.status !== 200) throw new Error(`${label} answered ${answer.status}`);
  return performance.now() - started;
}

/** Waits until every one of the hosts sleeps, then a moment more for PostgreSQL to end their backends. */
async function untilAllAsleep(token: string, labels: string[], ids: Map<string, string>): Promise<void> {
  log(`waiting for all ${labels.length} hosts to sleep`);
  for (;;) {
    const byStatus = await statuses(token);
    if (labels.every((label) => byStatus.get(ids.get(label) ?? '') === 'sleeping')) break;
    await sleep(5_000);
  }
  // PostgreSQL ends a backend a moment after its client went; the spare processes settle.
  await sleep(15_000);
}

try {
  await writeFile(join(homeport.dataDir, 'sizes.yaml'), sizes);
  homeport.env.HOMEPORT_SIZES_FILE = join(homeport.dataDir, 'sizes.yaml');
  await homeport.start();
  const token = await homeport.createAccount('density@example.org');
  const labels: string[] = [];
  const ids = new Map<string, string>();

  // At 10 hosts: 10 hosts first, then timed changes beside them.
  for (let index = 0; index < 10; index++) {
    const label = `host${index}`;
    ids.set(label, (await createHost(token, label)).id);
    labels.push(label);
  }
  const atTenBuilt = await timedChangesAt(token, 'tenth');
  log(`at 10 hosts: ${JSON.stringify(atTenBuilt)}`);
  await untilAllAsleep(token, labels, ids);
  const atTen: TimedPoint = { built: atTenBuilt, asleep: await timedChangesAt(token, 'tenthrested') };
  log(`at 10 hosts, all asleep: ${JSON.stringify(atTen.asleep)}`);

  // Up to hostCount, a few builds at a time.
  const fillStarted = performance.now();
  let next = 10;
  await Promise.all(Array.from({ length: fillConcurrency }, async () => {
    while (next < hostCount) {
      const label = `host${next++}`;
      ids.set(label, (await createHost(token, label)).id);
      labels.push(label);
      if (labels.length % 25 === 0) log(`${labels.length} hosts`);
    }
  }));
  const fillSeconds = (performance.now() - fillStarted) / 1000;
  const atManyBuilt = await timedChangesAt(token, 'later');
  log(`at ${hostCount} hosts: ${JSON.stringify(atManyBuilt)}`);

  // Idle: every host asleep.
  await untilAllAsleep(token, labels, ids);
  const asleepMemory = await synapseMemory();
  // Background tasks of idle hosts open a connection now and then: sampled once a second.
  const connectionSamples: number[] = [];
  const sampling = await openHomeportDatabase(homeport, 'postgres');
  // CPU of the sleeping hosts' processes over the same time (processes present at both ends).
  const cpuBefore = await cpuMs(await synapsePids());
  const homeportBefore = await cpuMs(await homeportPids());
  const postgresBefore = await postgresCpuMs();
  const sessionsBefore = await hostSessions(sampling);
  const cpuStarted = performance.now();
  for (let second = 0; second < sampleSeconds; second++) {
    connectionSamples.push(await hostConnections(sampling));
    await sleep(1_000);
  }
  const sessionsOpened = (await hostSessions(sampling)) - sessionsBefore;
  await sampling.close();
  const asleepConnections = mean(connectionSamples);
  const synapseCpuMs = cpuBetween(cpuBefore, await cpuMs(await synapsePids()));
  const homeportCpuMs = cpuBetween(homeportBefore, await cpuMs(await homeportPids()));
  // Milliseconds of CPU per second of wall time: 1,000 is one core kept busy.
  const sampledSeconds = (performance.now() - cpuStarted) / 1000;
  const asleepCpuMsPerSecond = synapseCpuMs / sampledSeconds;
  const asleepHomeportCpuMsPerSecond = homeportCpuMs / sampledSeconds;
  // The backends the hosts' reconnections start, Homeport's own queries and the bench's sampling.
  const asleepPostgresCpuMsPerSecond = ((await postgresCpuMs()) - postgresBefore) / sampledSeconds;
  // Connections the sleeping hosts opened (each a backend forked and authenticated), per host and hour.
  const sessionsPerHostHour = (sessionsOpened / hostCount) * (3600 / sampledSeconds);
  log(`all asleep: ${JSON.stringify({ asleepMemory, asleepConnections, maxConnections: Math.max(...connectionSamples), cpuMsPerSecond: Math.round(asleepCpuMsPerSecond), postgresCpuMsPerSecond: Math.round(asleepPostgresCpuMsPerSecond), homeportCpuMsPerSecond: Math.round(asleepHomeportCpuMsPerSecond), sessionsPerHostHour: Math.round(sessionsPerHostHour) })}`);
  // The same changes again once the installation is at rest, as it is most of the day: right
  // after the fill the hosts just built are still awake and busy, which is load, not the count.
  const atMany: TimedPoint = { built: atManyBuilt, asleep: await timedChangesAt(token, 'rested') };
  log(`at ${hostCount} hosts, all asleep: ${JSON.stringify(atMany.asleep)}`);

  // First requests to idle hosts (asleep, no database connection), in rounds over every host:
  // between rounds every connection is let go again (the idle-connection time), so each request
  // meets a host that holds none. A login attempt for an unknown user needs the host's database.
  const fetchEdge = await homeport.edgeFetch();
  const databases = await databaseNames();
  const sleepingLoginMs: number[] = [];
  const idleLoginMs: number[] = [];
  const versionsMs: number[] = [];
  const justAfterMs: number[] = [];
  for (let round = 0; sleepingLoginMs.length + idleLoginMs.length < wakeCount; round++) {
    for (const label of labels) {
      if (sleepingLoginMs.length + idleLoginMs.length >= wakeCount) break;
      await idleAgain(databases.get(ids.get(label) ?? '') ?? '');
      (round === 0 ? sleepingLoginMs : idleLoginMs).push(await timedLogin(fetchEdge, label));
      justAfterMs.push(await timedLogin(fetchEdge, label));
      versionsMs.push(await timedGet(fetchEdge, label));
      const done = sleepingLoginMs.length + idleLoginMs.length;
      if (done % 25 === 0) log(`${done} first requests, last ${Math.round((round === 0 ? sleepingLoginMs : idleLoginMs).at(-1) ?? 0)} ms`);
    }
  }

  const opened = await openHomeportDatabase(homeport, 'postgres');
  const maxConnections = Number((await opened.pool.query<{ setting: string }>("SELECT setting FROM pg_settings WHERE name = 'max_connections'")).rows[0]?.setting);
  await opened.close();
  const rssPerHostMiB = asleepMemory.rssMiB / hostCount;
  const connectionsPerHost = asleepConnections / hostCount;
  console.log(JSON.stringify({
    hosts: hostCount,
    hostsPerProcess,
    loadAverage: loadavg().map((value) => Number(value.toFixed(1))),
    fillMinutes: Number((fillSeconds / 60).toFixed(1)),
    idleHosts: {
      synapseProcesses: asleepMemory.processes,
      synapseRssMiB: Math.round(asleepMemory.rssMiB),
      rssPerHostMiB: Number(rssPerHostMiB.toFixed(2)),
      sampledSeconds: sampleSeconds,
      meanDatabaseConnections: Number(asleepConnections.toFixed(2)),
      maxDatabaseConnections: Math.max(...connectionSamples),
      connectionsPerHost: Number(connectionsPerHost.toFixed(3)),
      connectionsOpenedPerHostHour: Math.round(sessionsPerHostHour),
      // CPU of every Synapse process while all hosts sleep, in ms per second (1,000 = one core busy).
      cpuMsPerSecond: Math.round(asleepCpuMsPerSecond),
      cpuMsPerSecondPerHost: Number((asleepCpuMsPerSecond / hostCount).toFixed(3)),
      // CPU of PostgreSQL meanwhile: the backends of the hosts' reconnections and Homeport's own queries.
      postgresCpuMsPerSecond: Math.round(asleepPostgresCpuMsPerSecond),
      postgresCpuMsPerSecondPerHost: Number((asleepPostgresCpuMsPerSecond / hostCount).toFixed(3)),
      // CPU of Homeport and its edge (Caddy) meanwhile: state polls, the reconciler, the job queue.
      homeportCpuMsPerSecond: Math.round(asleepHomeportCpuMsPerSecond),
    },
    firstRequestThroughEdge: {
      // A login attempt (needs the host's database) to a host without a database connection.
      all: latency([...sleepingLoginMs, ...idleLoginMs]),
      sleepingHost: latency(sleepingLoginMs),
      awakeIdleHost: latency(idleLoginMs),
      nextLoginAttempt: latency(justAfterMs),
      versionsAfterwards: latency(versionsMs),
    },
    // At 10 and at DENSITY_HOSTS hosts, each twice: right after the hosts were built (the ones just
    // built still awake) and once every host is asleep; each ratio compares the same phase.
    createMs: ratios(atTen, atMany, 'createMs'),
    changeMs: ratios(atTen, atMany, 'changeMs'),
    cancelMs: ratios(atTen, atMany, 'cancelMs'),
    // Where the time of a create, a change and a cancel goes (mean ms per step), at 10 and at DENSITY_HOSTS hosts.
    stepsMs: {
      create: { at10: steps(atTen, 'createSteps'), [`at${hostCount}`]: steps(atMany, 'createSteps') },
      change: { at10: steps(atTen, 'changeSteps'), [`at${hostCount}`]: steps(atMany, 'changeSteps') },
      cancel: { at10: steps(atTen, 'cancelSteps'), [`at${hostCount}`]: steps(atMany, 'cancelSteps') },
    },
    projectedHostsPer24GiB: {
      byMemory: Math.floor(gib24 / (rssPerHostMiB * 1024 ** 2)),
      byConnections: Math.floor(maxConnections / Math.max(connectionsPerHost, 1e-9)),
      maxConnections,
    },
  }, null, 2));
} finally {
  await homeport.cleanup();
}
