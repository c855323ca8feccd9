// The SSRF-safe fetch options for URLs customers give Homeport, from the operator's settings.
import { readFile } from 'node:fs/promises';
import type { Config } from '../config.ts';
import { createResolver } from '../net/dns-resolver.ts';
import { parseAllowList } from '../net/public-address.ts';
import type { SafeFetchOptions } from '../net/safe-fetch.ts';

export async function customerFetchOptions(
  config: Pick<Config, 'dnsServers' | 'fetchAllow' | 'fetchCaFile' | 'fetchTimeoutMs'>,
  limits: { maxBytes: number; maxRedirects: number; accept?: string },
): Promise<SafeFetchOptions> {
  return {
    resolver: createResolver(config.dnsServers),
    allow: parseAllowList(config.fetchAllow),
    extraCa: config.fetchCaFile ? await readFile(config.fetchCaFile, 'utf8') : undefined,
    timeoutMs: config.fetchTimeoutMs,
    ...limits,
  };
}
