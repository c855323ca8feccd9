// Gives a test the operator's power over a host built by a HomeportProcess: the sealed admin
// token opened with the installation's master key, as Homeport itself would use it.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SynapseAdminClient } from '../../src/synapse/admin-client.ts';
import { PostgresCluster } from '../../src/runtime/local/postgres-cluster.ts';
import { createLogger } from '../../src/logger.ts';
import { openDatabase, type OpenedDatabase } from '../../src/store/database.ts';
import { loadHostSecrets, type HostSecretValues } from '../../src/store/host-secrets.ts';
import { SecretBox } from '../../src/store/secret-box.ts';
import type { HomeportProcess } from './homeport-process.ts';

export async function openHomeportDatabase(homeport: HomeportProcess, database = 'homeport'): Promise<OpenedDatabase> {
  const cluster = new PostgresCluster({ dataDir: homeport.dataDir, port: Number(homeport.env.HOMEPORT_PG_PORT), logger: createLogger('silent') });
  return openDatabase(await cluster.connectionString(database), 2);
}

/** The loopback ports the local runtime gave a host (its own table), or undefined when it has none. */
export async function localHostPorts(homeport: HomeportProcess, hostId: string): Promise<{ httpPort: number; metricsPort: number } | undefined> {
  const opened = await openHomeportDatabase(homeport);
  try {
    const { rows } = await opened.pool.query<{ http_port: number; metrics_port: number }>('SELECT http_port, metrics_port FROM local_host_ports WHERE host_id = $1', [hostId]);
    return rows[0] && { httpPort: rows[0].http_port, metricsPort: rows[0].metrics_port };
  } finally {
    await opened.close();
  }
}

/** The loopback port of a host's Synapse listener on the local runtime; throws when it has none. */
export async function hostHttpPort(homeport: HomeportProcess, hostId: string): Promise<number> {
  const ports = await localHostPorts(homeport, hostId);
  if (!ports) throw new Error(`host ${hostId} has no local ports`);
  return ports.httpPort;
}

export async function hostSecrets(homeport: HomeportProcess, hostId: string): Promise<HostSecretValues> {
  const masterKey = Buffer.from((await readFile(join(homeport.dataDir, 'master.key'), 'utf8')).trim(), 'base64');
  const opened = await openHomeportDatabase(homeport);
  try {
    return await loadHostSecrets(opened.db, new SecretBox(masterKey), hostId);
  } finally {
    await opened.close();
  }
}

export async function hostAdmin(homeport: HomeportProcess, hostId: string): Promise<SynapseAdminClient> {
  const httpPort = await hostHttpPort(homeport, hostId);
  const secrets = await hostSecrets(homeport, hostId);
  if (!secrets.adminAccessToken) throw new Error('the host has no admin token');
  return new SynapseAdminClient({ baseUrl: `http://127.0.0.1:${httpPort}`, accessToken: secrets.adminAccessToken });
}
