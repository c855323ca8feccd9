// DNS look-ups through the operator's resolvers (HOMEPORT_DNS_SERVERS) or the system's: the
// addresses a name has, and the CNAME record of a name.
import { Resolver } from 'node:dns/promises';

export function createResolver(servers: readonly string[]): Resolver {
  const resolver = new Resolver({ timeout: 2000, tries: 2 });
  if (servers.length > 0) resolver.setServers([...servers]);
  return resolver;
}

function isNoAnswer(error: unknown): boolean {
  const code = (error as { code?: string }).code;
  return code === 'ENODATA' || code === 'ENOTFOUND';
}

/** Every IPv4 and IPv6 address of a name; throws when the name has none or the look-up fails. */
export async function resolveAddresses(resolver: Resolver, hostname: string): Promise<string[]> {
  const results = await Promise.allSettled([resolver.resolve4(hostname), resolver.resolve6(hostname)]);
  const addresses = results.flatMap((result) => (result.status === 'fulfilled' ? result.value : []));
  if (addresses.length > 0) return addresses;
  const failure = results.find((result) => result.status === 'rejected' && !isNoAnswer(result.reason));
  if (failure?.status === 'rejected') throw failure.reason;
  throw Object.assign(new Error(`${hostname} has no address`), { code: 'ENOTFOUND' });
}

/** The targets of a name's CNAME record; empty when it has none. */
export async function resolveCname(resolver: Resolver, name: string): Promise<string[]> {
  try {
    return await resolver.resolveCname(name);
  } catch (error) {
    if (isNoAnswer(error)) return [];
    throw error;
  }
}
