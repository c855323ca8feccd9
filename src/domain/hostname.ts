// The rules for a host's label (`acme` in acme.<base domain>): what is allowed and why not.
export type LabelProblem = 'too-short' | 'too-long' | 'invalid-characters' | 'hyphen-at-edge' | 'punycode' | 'reserved';

export const labelLength = { min: 3, max: 40 };

/** Names that would impersonate the platform or collide with its own services. */
export const reservedLabels = new Set([
  'admin', 'administrator', 'api', 'app', 'auth', 'billing', 'blog', 'cdn', 'console', 'dashboard',
  'docs', 'edge', 'element', 'ftp', 'help', 'homeport', 'host', 'hosts', 'imap', 'internal', 'login',
  'mail', 'matrix', 'metrics', 'mx', 'ns1', 'ns2', 'operator', 'panel', 'pop', 'root', 'smtp',
  'sso', 'staging', 'static', 'status', 'support', 'synapse', 'system', 'test', 'www',
]);

const explanations: Record<LabelProblem, string> = {
  'too-short': `must be at least ${labelLength.min} characters`,
  'too-long': `must be at most ${labelLength.max} characters`,
  'invalid-characters': 'may contain only lowercase letters, digits and hyphens',
  'hyphen-at-edge': 'may not start or end with a hyphen',
  punycode: 'may not have "--" as its third and fourth characters (reserved for internationalised names such as xn--)',
  reserved: 'is reserved',
};

export function labelProblem(label: string): LabelProblem | undefined {
  if (!/^[a-z0-9-]*$/.test(label)) return 'invalid-characters';
  if (label.length < labelLength.min) return 'too-short';
  if (label.length > labelLength.max) return 'too-long';
  if (label.startsWith('-') || label.endsWith('-')) return 'hyphen-at-edge';
  if (/^..--/.test(label)) return 'punycode';
  if (reservedLabels.has(label)) return 'reserved';
  return undefined;
}

export function explainLabelProblem(label: string, problem: LabelProblem): string {
  return `The hostname "${label}" ${explanations[problem]}.`;
}

export function hostnameFor(label: string, baseDomain: string): string {
  return `${label}.${baseDomain}`;
}
