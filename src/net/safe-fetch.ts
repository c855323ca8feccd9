// Fetches a customer-supplied URL without letting it reach Homeport's own network (SSRF): every
// hop's name is resolved and its address checked before connecting, the connection is pinned to
// that checked address (no DNS-rebinding window), time and size are capped, and no cookies or
// credentials are sent but those a caller passes for that very server (an OAuth client's, to its token endpoint).
import type { Resolver } from 'node:dns/promises';
import http from 'node:http';
import https from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { rootCertificates } from 'node:tls';
import { resolveAddresses } from './dns-resolver.ts';
import { classifyAddress, type AllowList } from './public-address.ts';
import { networkErrorWords } from '../domain/network-errors.ts';

export interface SafeFetchOptions {
  resolver: Resolver;
  allow: AllowList;
  /** PEM certificates trusted besides the public roots. */
  extraCa?: string;
  timeoutMs: number;
  maxBytes: number;
  /** Redirects followed; the one after the last is refused. */
  maxRedirects: number;
  /** The Accept header (JSON by default: the well-known files). */
  accept?: string;
  /**
   * Where to connect instead of the URL's own name and port (a Matrix SRV target, a development
   * installation's edge); the Host header and the certificate's name stay the URL's. The name
   * answered is resolved and checked like any other.
   */
  connectVia?: (hostname: string, port: number) => Promise<{ name: string; port: number } | undefined>;
  /**
   * A POST of this body instead of a GET (a webhook; an OAuth token endpoint, whose client
   * credentials the customer gave for exactly that server); its redirects are never followed.
   */
  post?: { body: string; headers: Record<string, string> };
}

export interface FetchedHop {
  url: string;
  status: number;
  /** The connected address. */
  address: string;
  headers: Record<string, string | undefined>;
}

export type SafeFetchFailure = 'refused-address' | 'too-many-redirects' | 'timeout' | 'too-large' | 'unreachable' | 'bad-url';

export type SafeFetchResult =
  | { ok: true; hops: FetchedHop[]; body: string }
  | { ok: false; hops: FetchedHop[]; failure: SafeFetchFailure; detail: string };

class FetchRefused extends Error {
  readonly failure: SafeFetchFailure;
  constructor(failure: SafeFetchFailure, detail: string) {
    super(detail);
    this.failure = failure;
  }
}

const redirectStatuses = new Set([301, 302, 303, 307, 308]);
const keptHeaders = ['content-type', 'content-length', 'access-control-allow-origin', 'location'];

/** Resolves the hop's name and answers the first address the policy allows, or refuses. */
async function checkedAddress(hostname: string, options: SafeFetchOptions): Promise<string> {
  let addresses: string[];
  if (isIP(hostname) !== 0) {
    addresses = [hostname];
  } else {
    try {
      addresses = await resolveAddresses(options.resolver, hostname);
    } catch (error) {
      throw new FetchRefused('unreachable', `the name ${hostname} does not resolve (${(error as { code?: string }).code ?? 'error'})`);
    }
  }
  for (const address of addresses) {
    if (classifyAddress(address, options.allow).allowed) return address;
  }
  const reasons = addresses.map((address) => {
    const verdict = classifyAddress(address, options.allow);
    return verdict.allowed ? address : `${address} (${verdict.range})`;
  });
  throw new FetchRefused('refused-address', `${hostname} resolves only to addresses that are not public: ${reasons.join(', ')}`);
}

function urlHostname(url: URL): string {
  return url.hostname.replace(/^\[(.*)\]$/, '$1');
}

function urlPort(url: URL): number {
  return Number(url.port || (url.protocol === 'https:' ? 443 : 80));
}

/** The checked address and port a hop connects to: the URL's own, or where `connectVia` sends it. */
async function connectTarget(url: URL, options: SafeFetchOptions): Promise<{ address: string; port: number }> {
  const via = await options.connectVia?.(urlHostname(url), urlPort(url));
  return { address: await checkedAddress(via?.name ?? urlHostname(url), options), port: via?.port ?? urlPort(url) };
}

function pinnedLookup(address: string): LookupFunction {
  const family = isIP(address);
  return (_hostname, options, callback) => {
    if (options.all) (callback as unknown as (error: null, addresses: { address: string; family: number }[]) => void)(null, [{ address, family }]);
    else callback(null, address, family);
  };
}

function readBody(response: http.IncomingMessage, maxBytes: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const declared = Number(response.headers['content-length']);
    if (Number.isFinite(declared) && declared > maxBytes) {
      response.destroy();
      reject(new FetchRefused('too-large', `the body has ${declared} bytes, more than ${maxBytes}`));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    response.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        response.destroy();
        reject(new FetchRefused('too-large', `the body is larger than ${maxBytes} bytes`));
        return;
      }
      chunks.push(chunk);
    });
    response.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    response.on('error', reject);
  });
}

/** One request to the checked address; the Host header and TLS name stay the URL's. */
function requestHop(url: URL, target: { address: string; port: number }, options: SafeFetchOptions, signal: AbortSignal): Promise<{ hop: FetchedHop; response: http.IncomingMessage }> {
  const hostname = urlHostname(url);
  const secure = url.protocol === 'https:';
  const requestOptions: https.RequestOptions = {
    method: options.post ? 'POST' : 'GET',
    host: hostname,
    port: target.port,
    path: `${url.pathname}${url.search}`,
    lookup: pinnedLookup(target.address),
    agent: false,
    signal,
    // The Host header names the URL's name and port even when the connection goes elsewhere.
    headers: {
      ...options.post?.headers, host: url.host, accept: options.accept ?? 'application/json', 'user-agent': 'Homeport URL check',
      ...(options.post ? { 'content-length': String(Buffer.byteLength(options.post.body)) } : {}),
    },
  };
  if (secure) {
    if (isIP(hostname) === 0) requestOptions.servername = hostname;
    if (options.extraCa) requestOptions.ca = [...rootCertificates, options.extraCa];
  }
  return new Promise((resolve, reject) => {
    const request = (secure ? https : http).request(requestOptions, (response) => {
      const connected = response.socket.remoteAddress ?? '';
      // Belt and braces: the socket must have reached the address that was checked.
      if (!classifyAddress(connected, options.allow).allowed) {
        response.destroy();
        reject(new FetchRefused('refused-address', `connected to ${connected}, which is not public`));
        return;
      }
      const headers: Record<string, string | undefined> = {};
      for (const name of keptHeaders) {
        const value = response.headers[name];
        headers[name] = Array.isArray(value) ? value.join(', ') : value;
      }
      resolve({ hop: { url: url.href, status: response.statusCode ?? 0, address: connected, headers }, response });
    });
    request.on('error', reject);
    request.end(options.post?.body);
  });
}

function describeError(error: unknown, signal: AbortSignal): { failure: SafeFetchFailure; detail: string } {
  if (error instanceof FetchRefused) return { failure: error.failure, detail: error.message };
  if (signal.aborted) return { failure: 'timeout', detail: 'no complete answer in time' };
  return { failure: 'unreachable', detail: networkErrorWords((error as { code?: string }).code) };
}

export async function safeFetch(start: string, options: SafeFetchOptions): Promise<SafeFetchResult> {
  const signal = AbortSignal.timeout(options.timeoutMs);
  const hops: FetchedHop[] = [];
  let url: URL;
  try {
    url = new URL(start);
  } catch {
    return { ok: false, hops, failure: 'bad-url', detail: `"${start}" is not a URL` };
  }
  try {
    for (let redirects = 0; ; redirects += 1) {
      if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new FetchRefused('bad-url', `${url.protocol} URLs are not fetched`);
      if (url.username || url.password) throw new FetchRefused('bad-url', 'URLs with credentials are not fetched');
      const target = await Promise.race([
        connectTarget(url, options),
        new Promise<never>((_, reject) => signal.addEventListener('abort', () => reject(signal.reason), { once: true })),
      ]);
      const { hop, response } = await requestHop(url, target, options, signal);
      hops.push(hop);
      const location = hop.headers.location;
      if (redirectStatuses.has(hop.status) && location && !options.post) {
        response.resume();
        if (redirects === options.maxRedirects) throw new FetchRefused('too-many-redirects', `more than ${options.maxRedirects} redirects`);
        url = new URL(location, url);
        continue;
      }
      return { ok: true, hops, body: await readBody(response, options.maxBytes) };
    }
  } catch (error) {
    return { ok: false, hops, ...describeError(error, signal) };
  }
}
