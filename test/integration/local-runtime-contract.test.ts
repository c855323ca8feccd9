// The host runtime contract (test/runtime-contract) against the local runtime: a real Synapse
// supervised on this machine, its database in a throwaway PostgreSQL, its files in a temp folder,
// its ports in the runtime's table of a migrated Homeport database. A restart of Homeport is a
// new supervisor, port table and runtime on the same folder and databases, the old ones released.
import { access, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { loadConfig } from '../../src/config.ts';
import { createLogger } from '../../src/logger.ts';
import { CaddyEdge } from '../../src/runtime/local/caddy-edge.ts';
import { LocalHostPorts } from '../../src/runtime/local/local-host-ports.ts';
import { LocalRuntime } from '../../src/runtime/local/local-runtime.ts';
import { ProcessSupervisor } from '../../src/runtime/local/process-supervisor.ts';
import { SynapseReleases } from '../../src/runtime/local/synapse-releases.ts';
import { ensureSynapseVenv, synapseVersion } from '../../src/runtime/local/synapse-venv.ts';
import type { HostSpec } from '../../src/runtime/runtime.ts';
import { migrate, openDatabase } from '../../src/store/database.ts';
import { contractHostSpec } from '../support/contract-host-spec.ts';
import { synapseVenv } from '../support/environment.ts';
import { claimPortBlock, portBlockRange } from '../support/port-blocks.ts';
import { databaseLeftovers } from '../support/database-leftovers.ts';
import { RetiredDatabases } from '../../src/runtime/local/retired-databases.ts';
import { startThrowawayPostgres } from '../support/throwaway-postgres.ts';
import { hostRuntimeContract, type RuntimeUnderTest } from '../runtime-contract/host-runtime-contract.ts';

const exists = (path: string) => access(path).then(() => true, () => false);

hostRuntimeContract('local', async (): Promise<RuntimeUnderTest> => {
  const dataDir = await mkdtemp(join(tmpdir(), 'homeport-local-runtime-contract-'));
  const postgres = await startThrowawayPostgres();
  const adminPool = new pg.Pool({ host: '127.0.0.1', port: postgres.port, user: postgres.superuser, database: 'postgres', max: 2 });
  // As in Homeport itself (start-homeport.ts): an idle connection the server ends must not crash the process.
  adminPool.on('error', () => undefined);
  const config = loadConfig({ HOMEPORT_DATA_DIR: dataDir, HOMEPORT_SYNAPSE_VENV: synapseVenv, HOMEPORT_BASE_DOMAIN: 'contract.localhost', HOMEPORT_HOST_PORTS: portBlockRange(claimPortBlock()) });
  // The runtime's own table (local_host_ports) lives in Homeport's database, made by its migrations.
  await adminPool.query('CREATE DATABASE homeport');
  const homeport = openDatabase(`postgres://${postgres.superuser}@127.0.0.1:${postgres.port}/homeport`, 2);
  await migrate(homeport.db);
  const logger = createLogger('warn');
  const venvPython = await ensureSynapseVenv({ venv: config.synapseVenv, python: config.python, logger });
  // What one Homeport process holds; a restart drops it (hosts keep running) and makes another.
  // Dropped a second after removal (30 s in Homeport), so the contract's wait for no leftovers sees the drop.
  const retiredDatabases = new RetiredDatabases(adminPool, logger, { sweepDelayMs: 1000 });
  const open = () => {
    const supervisor = new ProcessSupervisor({ logger });
    const ports = new LocalHostPorts(homeport.pool, config.hostPorts);
    const runtime = new LocalRuntime({
      config, logger, adminPool, retiredDatabases, supervisor, ports,
      databaseEndpoint: { host: '127.0.0.1', port: postgres.port },
      // The contract asks nothing of the edge: Caddy is never started.
      edge: new CaddyEdge({ config, supervisor, logger }),
      venvPython,
      synapseRelease: synapseVersion,
      releases: new SynapseReleases({ pinnedVenv: config.synapseVenv, python: config.python, logger }),
      federation: { trustedKeyServers: [] },
    });
    return { supervisor, ports, runtime };
  };
  let current = open();
  const under: RuntimeUnderTest = {
    runtime: current.runtime,
    servesRequests: true,
    writtenConfig: (spec) => current.runtime.writtenConfig(spec.id),
    async restart() {
      await current.runtime.close();
      current.supervisor.releaseAll();
      current = open();
      under.runtime = current.runtime;
    },
    async instanceOf(spec) {
      const pid = Number(await readFile(join(dataDir, 'hosts', spec.id, 'supervisor.pid'), 'utf8').catch(() => ''));
      if (!pid) return undefined;
      try {
        process.kill(pid, 0);
        return String(pid);
      } catch {
        return undefined;
      }
    },
    async newHostSpec(): Promise<HostSpec> {
      return contractHostSpec('contract.localhost', 8443);
    },
    async leftovers(spec): Promise<string[]> {
      const found: string[] = [];
      const { runtime, ports } = current;
      const state = await runtime.processState(spec.id);
      if (state !== 'stopped') found.push(`a Synapse ${state}`);
      if (await under.instanceOf(spec)) found.push('a Synapse process');
      if (await exists(join(dataDir, 'hosts', spec.id))) found.push('the host folder');
      found.push(...await databaseLeftovers(adminPool, spec.database));
      if (await ports.find(spec.id)) found.push('its loopback ports');
      return found;
    },
    async close() {
      await retiredDatabases.close();
      await current.runtime.close();
      await current.supervisor.stopAll();
      await adminPool.end();
      await homeport.close();
      await postgres.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
  return under;
});
