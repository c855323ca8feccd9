// The rules for a host's custom DNS: a homeserver domain (the server name) and a client domain,
// both DNS names in ASCII (internationalised names become punycode), different, and not the operator's.
import { domainToASCII } from 'node:url';

export interface CustomDns {
  homeserverDomain: string;
  clientDomain: string;
}

export type DomainProblem = 'not-a-domain' | 'too-long' | 'label-too-long' | 'single-label' | 'numeric-top-level' | 'under-base-domain';

export interface CustomDnsProblem {
  field: 'homeserverDomain' | 'clientDomain';
  problem: DomainProblem | 'same-domains';
  message: string;
}

const maxNameLength = 253;
const maxLabelLength = 63;
const asciiLabel = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;

const explanations: Record<DomainProblem, string> = {
  'not-a-domain': 'is not a domain name: use letters, digits and hyphens between dots, like chat.example.com',
  'too-long': `is longer than the ${maxNameLength} characters a domain name may have`,
  'label-too-long': `has a part between dots longer than ${maxLabelLength} characters`,
  'single-label': 'needs at least two parts, like example.com',
  'numeric-top-level': 'ends in a number; an IP address cannot be a Matrix domain here',
  'under-base-domain': "is one of Homeport's own names; choose a domain you own",
};

/** A sentence on why `raw` cannot be used, e.g. 'The client domain "x" is not a domain name: ...'. */
export function explainDomainProblem(what: string, raw: string, problem: DomainProblem): string {
  return `${what} "${raw}" ${explanations[problem]}.`;
}

/**
 * The one spelling a name is stored and compared in: ASCII (punycode), lower case, no trailing dot
 * (`Chat.Example.COM.` is `chat.example.com`); '' for what cannot be a name.
 */
export function canonicalName(raw: string): string {
  const trimmed = raw.trim().replace(/\.$/, '');
  // domainToASCII applies IDNA (UTS #46): it maps Unicode to punycode and returns '' for what is no name.
  return trimmed === '' || /[/:@?#\s]/.test(trimmed) ? '' : domainToASCII(trimmed);
}

/** The ASCII (punycode) form of a domain name, lower-cased and without a trailing dot, or a problem. */
export function normaliseDomain(raw: string, baseDomain: string): { domain: string } | { problem: DomainProblem } {
  const domain = canonicalName(raw);
  if (domain === '') return { problem: 'not-a-domain' };
  if (domain.length > maxNameLength) return { problem: 'too-long' };
  const labels = domain.split('.');
  if (labels.some((label) => label.length > maxLabelLength)) return { problem: 'label-too-long' };
  if (!labels.every((label) => asciiLabel.test(label))) return { problem: 'not-a-domain' };
  if (labels.length < 2) return { problem: 'single-label' };
  if (/^\d+$/.test(labels.at(-1) ?? '')) return { problem: 'numeric-top-level' };
  if (domain === baseDomain || domain.endsWith(`.${baseDomain}`)) return { problem: 'under-base-domain' };
  return { domain };
}

/** Validates both domains of a custom DNS request; answers the normalised pair or every problem found. */
export function checkCustomDns(input: CustomDns, baseDomain: string): { customDns: CustomDns } | { problems: CustomDnsProblem[] } {
  const problems: CustomDnsProblem[] = [];
  const names = { homeserverDomain: 'The homeserver domain', clientDomain: 'The client domain' };
  const result: Partial<CustomDns> = {};
  for (const field of ['homeserverDomain', 'clientDomain'] as const) {
    const checked = normaliseDomain(input[field], baseDomain);
    if ('problem' in checked) problems.push({ field, problem: checked.problem, message: `${names[field]} "${input[field]}" ${explanations[checked.problem]}.` });
    else result[field] = checked.domain;
  }
  if (result.homeserverDomain !== undefined && result.homeserverDomain === result.clientDomain) {
    problems.push({ field: 'clientDomain', problem: 'same-domains', message: 'The client domain must differ from the homeserver domain, e.g. chat.example.com for example.com.' });
  }
  if (problems.length > 0 || result.homeserverDomain === undefined || result.clientDomain === undefined) return { problems };
  return { customDns: { homeserverDomain: result.homeserverDomain, clientDomain: result.clientDomain } };
}
