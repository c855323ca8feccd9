// Benchmark: control-plane reads (GET a host, list hosts) at 200 requests/s with 1,000 hosts
// stored, against /healthz at the same rate in the same run. Prints p50/p99; asserts nothing.
import { Agent, request } from 'undici';
import { openHomeportDatabase } from '../test/support/host-admin.ts';
import { HomeportProcess } from '../test/support/homeport-process.ts';
import { openLoop } from './load-generator.ts';

const storedHosts = 1000;
const rate = 200;
const seconds = 10;

const homeport = await HomeportProcess.create('cpbench');
const agent = new Agent({ connections: 64 });
try {
  await homeport.start();
  const token = await homeport.createAccount('reads@example.org');
  // Rows only: the reads measured here never touch a host's Synapse.
  const opened = await openHomeportDatabase(homeport);
  const account = await opened.db.selectFrom('accounts').select('id').where('email', '=', 'reads@example.org').executeTakeFirstOrThrow();
  const ids: string[] = [];
  for (let batch = 0; batch < storedHosts / 100; batch++) {
    const rows = await opened.db.insertInto('hosts').values(Array.from({ length: 100 }, (_, i) => {
      const label = `host-${batch * 100 + i}`;
      return {
        account_id: account.id, label, server_name: `${label}.${homeport.baseDomain}`, size: 'starter', seats: 10,
        status: 'running' as const, database_name: `host_${batch}_${i}`, support_email: null,
        synapse_version: '1.163.2', cancelled_at: null,
      };
    })).returning('id').execute();
    ids.push(...rows.map((row) => row.id));
  }
  await opened.close();

  const get = (path: string, auth: boolean) => async () => {
    const response = await request(`${homeport.apiUrl}${path}`, { dispatcher: agent, headers: auth ? { authorization: `Bearer ${token}` } : {} });
    await response.body.dump();
    return response.statusCode === 200;
  };
  const randomHost = () => ids[Math.floor(Math.random() * ids.length)] ?? '';
  await openLoop(rate, 2, get('/healthz', false));
  const baseline = await openLoop(rate, seconds, get('/healthz', false));
  const showHost = await openLoop(rate, seconds, async () => get(`/api/v1/hosts/${randomHost()}`, true)());
  const listHosts = await openLoop(rate / 4, seconds, get('/api/v1/hosts', true));
  const failed = baseline.errors + showHost.errors + listHosts.errors;
  if (failed > 0) throw new Error(`${failed} requests failed: the figures would measure error answers`);
  console.log(JSON.stringify({
    storedHosts, ratePerSecond: rate, seconds,
    healthzBaseline: baseline,
    getHost: showHost,
    getHostP99VsBaseline: Number((showHost.p99Ms / baseline.p99Ms).toFixed(2)),
    listHostsPageOf100At50PerSecond: listHosts,
    targetP99Ms: 50,
  }, null, 2));
} finally {
  await agent.close();
  await homeport.cleanup();
}
