// Derives the runtime's view of a host (HostSpec) from its row and its sealed secrets.
import { publicUrl, type Config } from '../config.ts';
import { tokenServiceUrl } from '../domain/calls.ts';
import { hostnameFor } from '../domain/hostname.ts';
import { notFound } from '../domain/errors.ts';
import { rateLimitsFor } from '../domain/rate-limits.ts';
import { databasePoolFor, placementOf, type Size } from '../domain/sizes.ts';
import type { HostSpec } from '../runtime/runtime.ts';
import { generateHomeserverSecrets, generatePassword } from '../synapse/host-secrets.ts';
import type { Db } from '../store/database.ts';
import { loadHostSecrets, storeHostSecrets, type HostSecretValues } from '../store/host-secrets.ts';
import type { SecretBox } from '../store/secret-box.ts';
import { loadSingleSignOn } from '../store/sso-providers.ts';
import type { HostRow } from '../store/schema.ts';

export function databaseRoleFor(host: Pick<HostRow, 'database_name'>): string {
  return host.database_name;
}

/** Generates whichever of the host's secrets do not exist yet, keeping the rest as they are. */
export async function ensureHostSecrets(db: Db, box: SecretBox, hostId: string): Promise<HostSecretValues> {
  const existing = await loadHostSecrets(db, box, hostId);
  const generated = generateHomeserverSecrets();
  const fresh: HostSecretValues = {
    databasePassword: generatePassword(),
    adminPassword: generatePassword(),
    signingKey: generated.signingKey,
    macaroonSecretKey: generated.macaroonSecretKey,
    formSecret: generated.formSecret,
    registrationSharedSecret: generated.registrationSharedSecret,
    pepper: generated.pepper,
  };
  const missing: HostSecretValues = {};
  for (const [name, value] of Object.entries(fresh) as [keyof HostSecretValues, string][]) {
    if (existing[name] === undefined) missing[name] = value;
  }
  if (Object.keys(missing).length > 0) await storeHostSecrets(db, box, hostId, missing);
  return { ...existing, ...missing };
}

function required(secrets: HostSecretValues, name: keyof HostSecretValues): string {
  const value = secrets[name];
  if (value === undefined) throw new Error(`the host's ${name} has not been generated yet`);
  return value;
}

/**
 * The client-server base URL of a host: its client domain with custom DNS, else its name on the
 * base domain. A staging clone keeps its original's server name inside its data but is reached
 * only at its own label's address.
 */
export function hostPublicUrl(
  config: Pick<Config, 'edgeHttpsPort' | 'baseDomain'>,
  host: Pick<HostRow, 'server_name' | 'custom_client_domain' | 'label' | 'cloned_from_host_id'>,
): string {
  if (host.cloned_from_host_id) return publicUrl(config, hostnameFor(host.label, config.baseDomain));
  return publicUrl(config, host.custom_client_domain ?? host.server_name);
}

/**
 * Where a host is reached: derived from its row and the settings, the same for the runtime and
 * the edge. Every host keeps its name on the base domain; a custom-DNS host is also served on its
 * own domains (see edge-hosts.ts).
 */
export function hostAddresses(
  config: Pick<Config, 'edgeHttpsPort' | 'baseDomain'>,
  host: Pick<HostRow, 'server_name' | 'custom_client_domain' | 'label' | 'cloned_from_host_id'>,
): { publicBaseUrl: string; edgeHostname: string } {
  return { publicBaseUrl: hostPublicUrl(config, host), edgeHostname: hostnameFor(host.label, config.baseDomain) };
}

/**
 * Whether the host's build got past its allocation (the runtime reserved what it needs, and the
 * host's Synapse release was recorded): before, the runtime cannot reach the host.
 */
export function hostAllocated(host: Pick<HostRow, 'synapse_release'>): boolean {
  return host.synapse_release !== null;
}

/** The token service a host's MatrixRTC clients use; null when the installation or the host has calls off. */
export function callsServiceUrlFor(config: Pick<Config, 'calls' | 'baseDomain' | 'edgeHttpsPort'>, host: Pick<HostRow, 'calls_enabled'>): string | null {
  return config.calls.enabled && host.calls_enabled ? tokenServiceUrl(config.baseDomain, config.edgeHttpsPort) : null;
}

function callsOf(config: Config, host: HostRow): { serviceUrl: string } | null {
  const serviceUrl = callsServiceUrlFor(config, host);
  return serviceUrl ? { serviceUrl } : null;
}

export async function loadHostSpec(context: { db: Db; box: SecretBox; config: Config; sizes: Size[] }, hostId: string): Promise<HostSpec> {
  const { db, box, config, sizes } = context;
  const host = await db.selectFrom('hosts').selectAll().where('id', '=', hostId).executeTakeFirst();
  if (!host) throw notFound(`Host ${hostId}`);
  if (!hostAllocated(host)) throw new Error(`host ${host.label} is not allocated yet`);
  const secrets = await loadHostSecrets(db, box, hostId);
  const size = sizes.find((candidate) => candidate.name === host.size);
  return {
    id: host.id,
    label: host.label,
    serverName: host.server_name,
    ...hostAddresses(config, host),
    seats: host.seats,
    maxUploadSize: size?.maxUploadSize ?? '50M',
    rateLimits: size?.rateLimits ?? rateLimitsFor(host.size),
    databasePool: size?.databasePool ?? databasePoolFor(host.size),
    supportEmail: host.support_email,
    database: { name: host.database_name, user: databaseRoleFor(host), password: required(secrets, 'databasePassword') },
    federation: { mode: host.federation_mode, allowedServers: host.federation_allowed_servers },
    singleSignOn: await loadSingleSignOn(db, box, hostId),
    placement: placementOf(size),
    synapseRelease: host.synapse_release,
    calls: callsOf(config, host),
    secrets: {
      signingKey: required(secrets, 'signingKey'),
      macaroonSecretKey: required(secrets, 'macaroonSecretKey'),
      formSecret: required(secrets, 'formSecret'),
      registrationSharedSecret: required(secrets, 'registrationSharedSecret'),
      pepper: required(secrets, 'pepper'),
    },
  };
}
