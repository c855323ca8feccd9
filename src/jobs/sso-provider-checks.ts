// Checks an identity provider before its settings are saved, through the SSRF-safe fetcher: its
// discovery document must answer and name the issuer, and its token endpoint must accept the
// client's credentials (tried with a code that cannot exist: a provider answers `invalid_client`
// to wrong credentials and `invalid_grant` to right ones, RFC 6749 §5.2).
import { randomBytes } from 'node:crypto';
import type { Config } from '../config.ts';
import type { FieldError } from '../domain/single-sign-on.ts';
import { safeFetch } from '../net/safe-fetch.ts';
import { customerFetchOptions } from './customer-url-fetch.ts';

const maxDocumentBytes = 256 * 1024;

interface Discovery {
  issuer: string;
  authorization_endpoint: string;
  token_endpoint: string;
}

export function discoveryUrl(issuer: string): string {
  return `${issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`;
}

function parseDiscovery(body: string): Discovery | string {
  let document: unknown;
  try {
    document = JSON.parse(body);
  } catch {
    return 'is not JSON';
  }
  const fields = document as Partial<Record<keyof Discovery, unknown>>;
  for (const name of ['issuer', 'authorization_endpoint', 'token_endpoint'] as const) {
    if (typeof fields[name] !== 'string') return `has no ${name}`;
  }
  return document as Discovery;
}

async function fetchDiscovery(config: Config, issuer: string): Promise<Discovery | FieldError> {
  const url = discoveryUrl(issuer);
  const fetched = await safeFetch(url, await customerFetchOptions(config, { maxBytes: maxDocumentBytes, maxRedirects: 2 }));
  const fail = (reason: string): FieldError => ({ field: 'issuer', message: `The provider's discovery document (${url}) ${reason}.` });
  if (!fetched.ok) return fail(`could not be read: ${fetched.detail}`);
  const status = fetched.hops.at(-1)?.status ?? 0;
  if (status !== 200) return fail(`answered HTTP ${status}`);
  const discovery = parseDiscovery(fetched.body);
  if (typeof discovery === 'string') return fail(discovery);
  // OpenID Connect Discovery §4.3: the issuer must be the very URL asked for (Synapse checks it too).
  if (discovery.issuer !== issuer) return fail(`names the issuer "${discovery.issuer.slice(0, 200)}", not "${issuer}"; enter exactly that`);
  return discovery;
}

function basicAuthorization(clientId: string, clientSecret: string): string {
  // RFC 6749 §2.3.1: both are form-encoded before joining.
  const encode = (value: string) => encodeURIComponent(value).replace(/%20/g, '+');
  return `Basic ${Buffer.from(`${encode(clientId)}:${encode(clientSecret)}`).toString('base64')}`;
}

async function checkClientCredentials(config: Config, tokenEndpoint: string, client: { clientId: string; clientSecret: string; redirectUri: string }): Promise<FieldError | undefined> {
  const options = await customerFetchOptions(config, { maxBytes: maxDocumentBytes, maxRedirects: 0 });
  const fetched = await safeFetch(tokenEndpoint, {
    ...options,
    post: {
      body: new URLSearchParams({ grant_type: 'authorization_code', code: randomBytes(16).toString('hex'), redirect_uri: client.redirectUri }).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basicAuthorization(client.clientId, client.clientSecret) },
    },
  });
  if (!fetched.ok) return { field: 'issuer', message: `The provider's token endpoint (${tokenEndpoint}) could not be reached: ${fetched.detail}.` };
  let error: unknown;
  try {
    error = (JSON.parse(fetched.body) as { error?: unknown }).error;
  } catch {
    error = undefined;
  }
  if (error === 'invalid_client' || error === 'unauthorized_client') {
    return { field: 'clientSecret', message: 'The provider refused this client ID and secret (invalid_client): check both at the provider.' };
  }
  return undefined;
}

/** What is wrong with the provider as the host would use it; empty when Synapse can log users in with it. */
export async function checkProvider(
  config: Config,
  provider: { issuer: string; clientId: string; clientSecret: string; redirectUri: string },
): Promise<FieldError[]> {
  const discovery = await fetchDiscovery(config, provider.issuer);
  if ('field' in discovery) return [discovery];
  const credentials = await checkClientCredentials(config, discovery.token_endpoint, provider);
  return credentials ? [credentials] : [];
}
