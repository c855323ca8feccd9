// A host's federation choice: open to the Matrix network, only with listed servers ("private
// federation"), or off (a closed organisation's island). The rules for the list live here.
export const federationModes = ['open', 'allowlist', 'off'] as const;
export type FederationMode = (typeof federationModes)[number];

export interface HostFederation {
  mode: FederationMode;
  /** The servers an `allowlist` host federates with; kept (but unused) in the other modes. */
  allowedServers: string[];
}

export const maxAllowedServers = 100;

/** A Matrix server name: a DNS name or IP literal, optionally with a port (spec: appendix, server names). */
const serverNamePattern = /^(([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?|\d{1,3}(\.\d{1,3}){3}|\[[0-9a-f:.]{2,45}\])(:\d{1,5})?$/;

export function isServerName(name: string): boolean {
  if (name.length > 255 || !serverNamePattern.test(name)) return false;
  const port = /:(\d+)$/.exec(name.replace(/^\[[^\]]*\]/, ''))?.[1];
  return port === undefined || (Number(port) >= 1 && Number(port) <= 65535);
}

/** The list as stored: lowercased, without duplicates or the host's own name (always allowed anyway). */
export function normaliseAllowedServers(names: string[], ownServerName: string): string[] {
  const own = ownServerName.toLowerCase();
  return [...new Set(names.map((name) => name.trim().toLowerCase()))].filter((name) => name !== '' && name !== own);
}

/** The names in `names` that are not Matrix server names, for a 400 that says which. */
export function invalidServerNames(names: string[]): string[] {
  return names.filter((name) => !isServerName(name.trim().toLowerCase()));
}

/**
 * The federation choice a homeserver.yaml expresses, for an import to keep it: no
 * `federation_domain_whitelist` is open, one naming only the server itself is off, any other
 * list is private federation with those servers.
 */
export function federationFromWhitelist(serverName: string, whitelist: unknown): HostFederation {
  if (!Array.isArray(whitelist)) return { mode: 'open', allowedServers: [] };
  const servers = normaliseAllowedServers(whitelist.filter((name): name is string => typeof name === 'string'), serverName)
    .filter(isServerName).slice(0, maxAllowedServers);
  return servers.length === 0 ? { mode: 'off', allowedServers: [] } : { mode: 'allowlist', allowedServers: servers };
}
