// The fetch options of a federation check: a remote server's view. In production that is public
// DNS and public CAs (plus the operator's HOMEPORT_FETCH_* settings); on a development
// installation, whose names are in no DNS, the installation's own names (under the base domain,
// or a customer's name whose CNAME points under it) lead to the edge, trusted by its CA, the way
// the hosts' own federation reaches them there.
import type { Config } from '../config.ts';
import { resolveCname } from '../net/dns-resolver.ts';
import { parseAllowList } from '../net/public-address.ts';
import type { SafeFetchOptions } from '../net/safe-fetch.ts';
import { customerFetchOptions } from './customer-url-fetch.ts';
import type { DevelopmentEdge } from '../homeport-context.ts';

/** A well-known file or a key answer is a few kilobytes; anything past this is not one. */
const maxAnswerBytes = 64 * 1024;
/** The specification asks servers to follow the well-known's redirects, and to avoid loops. */
const maxRedirects = 10;

function isOwnName(config: Pick<Config, 'baseDomain' | 'edgeCnameTarget'>, name: string): boolean {
  return name === config.baseDomain || name.endsWith(`.${config.baseDomain}`) || name === config.edgeCnameTarget;
}

export async function federationFetchOptions(config: Config, edge: DevelopmentEdge | undefined): Promise<SafeFetchOptions> {
  const options = await customerFetchOptions(config, { maxBytes: maxAnswerBytes, maxRedirects });
  if (!edge) return options;
  // The ports a remote server may be sent to for the edge: HTTPS, the federation default and the edge's own.
  const edgePorts = new Set([443, 8448, config.edgeHttpsPort]);
  return {
    ...options,
    allow: [...options.allow, ...parseAllowList([edge.address])],
    extraCa: [options.extraCa, await edge.readCa()].filter((pem) => pem !== undefined).join('\n') || undefined,
    connectVia: async (hostname, port) => {
      const name = hostname.toLowerCase();
      const own = isOwnName(config, name) || (await resolveCname(options.resolver, name).catch(() => [])).some((target) => isOwnName(config, target.toLowerCase().replace(/\.$/, '')));
      if (!own) return undefined;
      return { name: edge.address, port: edgePorts.has(port) ? edge.port : port };
    },
  };
}
