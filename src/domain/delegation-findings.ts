// Judges what a delegation check saw (both well-knowns as fetched, the client domain's CNAME)
// and turns it into findings: an error or a warning, a plain sentence and the fix.
import { clientBaseUrl, delegatedServer, type DelegationInput } from './delegation.ts';

export interface Finding {
  severity: 'error' | 'warning';
  code: string;
  message: string;
  fix: string;
}

export interface SeenHop {
  url: string;
  status: number;
  headers: Record<string, string | undefined>;
}

export type FetchFailure = 'refused-address' | 'too-many-redirects' | 'timeout' | 'too-large' | 'unreachable' | 'bad-url';

/** One well-known as fetched: every hop answered (redirects first), and the final body or why it failed. */
export type SeenDocument =
  | { ok: true; hops: SeenHop[]; body: string }
  | { ok: false; hops: SeenHop[]; failure: FetchFailure; detail: string };

export type SeenCname = { ok: true; targets: string[] } | { ok: false; detail: string };

type Which = 'client' | 'server';

const failureFinding: Record<FetchFailure, (url: string, detail: string) => Omit<Finding, 'severity' | 'code'>> = {
  'refused-address': (url, detail) => ({ message: `Homeport refused to fetch ${url}: ${detail}.`, fix: 'Serve the file from a public address; the domain must not resolve to a private, loopback or reserved one.' }),
  'too-many-redirects': (url) => ({ message: `${url} redirects more than 30 times.`, fix: 'Serve the file directly or with fewer redirects (at most 30).' }),
  timeout: (url) => ({ message: `${url} did not answer in time.`, fix: 'Make sure the web server answers quickly; the check gives up after a few seconds.' }),
  'too-large': (url) => ({ message: `${url} answers with a body far larger than a well-known file.`, fix: 'Serve exactly the JSON shown for this host, nothing more.' }),
  unreachable: (url, detail) => ({ message: `${url} could not be fetched: ${detail}.`, fix: 'Check that the domain resolves, that HTTPS works with a valid certificate, and that the file is published.' }),
  'bad-url': (url, detail) => ({ message: `${url} led to an address Homeport cannot fetch: ${detail}.`, fix: 'Redirect only to https URLs on public domains.' }),
};

function isJsonType(contentType: string | undefined): boolean {
  return /^application\/json\s*(;|$)/i.test(contentType ?? '');
}

function looksLikeHtml(contentType: string | undefined, body: string): boolean {
  return /^text\/html/i.test(contentType ?? '') || /^\s*</.test(body);
}

function trimSlash(url: string): string {
  return url.replace(/\/+$/, '');
}

function judgeContent(which: Which, url: string, expected: Record<string, unknown>, document: Record<string, unknown>, input: DelegationInput): Finding[] {
  const shown = JSON.stringify(expected);
  if (which === 'server') {
    const value = document['m.server'];
    if (typeof value !== 'string') return [{ severity: 'error', code: 'server-m-server-missing', message: `${url} has no "m.server" value.`, fix: `Publish exactly ${shown}.` }];
    if (value !== delegatedServer(input)) return [{ severity: 'error', code: 'server-m-server-wrong', message: `${url} delegates to "${value}", not to this host (${delegatedServer(input)}).`, fix: `Publish exactly ${shown}.` }];
    return [];
  }
  const homeserver = document['m.homeserver'];
  const baseUrl = typeof homeserver === 'object' && homeserver !== null ? (homeserver as Record<string, unknown>).base_url : undefined;
  if (typeof baseUrl !== 'string') return [{ severity: 'error', code: 'client-base-url-missing', message: `${url} has no "m.homeserver" "base_url".`, fix: `Publish ${shown}.` }];
  if (trimSlash(baseUrl) !== clientBaseUrl(input)) return [{ severity: 'error', code: 'client-base-url-wrong', message: `${url} points clients at ${baseUrl}, not at this host (${clientBaseUrl(input)}).`, fix: `Publish ${shown}.` }];
  return [];
}

/** Findings for one well-known file; none means it is published right. */
export function judgeWellKnown(which: Which, url: string, expected: Record<string, unknown>, seen: SeenDocument, input: DelegationInput): Finding[] {
  const findings: Finding[] = [];
  if (which === 'client') {
    const withoutCors = seen.hops.filter((hop) => hop.headers['access-control-allow-origin']?.trim() !== '*');
    if (withoutCors.length > 0) {
      findings.push({
        severity: 'error', code: 'client-cors-missing',
        message: `${withoutCors.map((hop) => hop.url).join(', ')} ${withoutCors.length === 1 ? 'answers' : 'answer'} without "Access-Control-Allow-Origin: *", so web clients cannot read the client file.`,
        fix: 'Send the header "Access-Control-Allow-Origin: *" with the client file and with every redirect that leads to it.',
      });
    }
  }
  if (!seen.ok) return [{ severity: 'error', code: `${which}-${seen.failure}`, ...failureFinding[seen.failure](url, seen.detail) }, ...findings];
  const last = seen.hops.at(-1);
  const contentType = last?.headers['content-type'];
  if (!last || last.status !== 200) {
    return [{ severity: 'error', code: `${which}-status`, message: `${url} answers with status ${last?.status ?? 'none'} instead of 200.`, fix: `Publish the file at https://${input.homeserverDomain}/.well-known/matrix/${which}.` }, ...findings];
  }
  if (looksLikeHtml(contentType, seen.body)) {
    return [{ severity: 'error', code: `${which}-html`, message: `${url} answers with an HTML page instead of JSON.`, fix: `Serve exactly ${JSON.stringify(expected)}, not a web page (a catch-all rule of your site may answer instead of the file).` }, ...findings];
  }
  let document: unknown;
  try {
    document = JSON.parse(seen.body);
  } catch {
    document = undefined;
  }
  if (typeof document !== 'object' || document === null || Array.isArray(document)) {
    return [{ severity: 'error', code: `${which}-invalid-json`, message: `${url} does not contain a JSON object.`, fix: `Serve exactly ${JSON.stringify(expected)}.` }, ...findings];
  }
  findings.push(...judgeContent(which, url, expected, document as Record<string, unknown>, input));
  if (!isJsonType(contentType)) {
    findings.push({
      severity: 'warning', code: `${which}-content-type`,
      message: `${url} is served ${contentType ? `as "${contentType}"` : 'without a Content-Type'} rather than as application/json.`,
      fix: 'Send the header "Content-Type: application/json" with the file.',
    });
  }
  return findings;
}

/** Findings for the client domain's CNAME record. */
export function judgeCname(input: DelegationInput, seen: SeenCname): Finding[] {
  const fix = `Create the DNS record "${input.clientDomain}. CNAME ${input.edgeCnameTarget}." with your DNS provider (with any proxying turned off).`;
  if (!seen.ok) return [{ severity: 'error', code: 'cname-lookup-failed', message: `The CNAME record of ${input.clientDomain} could not be looked up: ${seen.detail}.`, fix }];
  const targets = seen.targets.map((target) => target.toLowerCase().replace(/\.$/, ''));
  if (targets.length === 0) return [{ severity: 'error', code: 'cname-missing', message: `${input.clientDomain} has no CNAME record.`, fix }];
  if (!targets.includes(input.edgeCnameTarget)) {
    return [{ severity: 'error', code: 'cname-wrong', message: `${input.clientDomain} is a CNAME for ${targets.join(', ')}, not for ${input.edgeCnameTarget}.`, fix }];
  }
  return [];
}
