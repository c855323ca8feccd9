// What a customer with custom DNS publishes: both well-known documents, the client domain's
// CNAME record, and ready-to-paste nginx, Caddy and static-hosting snippets, rendered for one host.
import type { CustomDns } from './custom-dns.ts';

export interface DelegationInput extends CustomDns {
  /** The edge's HTTPS port: clients and federation reach the client domain on it. */
  edgeHttpsPort: number;
  /** The name the client domain's CNAME points at. */
  edgeCnameTarget: string;
}

export interface WellKnownFile {
  url: string;
  /** The path below the web root, with no file extension. */
  path: string;
  document: Record<string, unknown>;
  /** The exact bytes to serve. */
  body: string;
}

export interface Delegation {
  client: WellKnownFile;
  server: WellKnownFile;
  cname: { name: string; type: 'CNAME'; target: string; zoneLine: string };
  snippets: {
    nginx: string;
    caddy: string;
    staticHosting: { files: { path: string; body: string }[]; headers: Record<string, string>; notes: string };
  };
}

/** The base URL clients use on the client domain; the port is left out when it is 443. */
export function clientBaseUrl(input: Pick<DelegationInput, 'clientDomain' | 'edgeHttpsPort'>): string {
  return input.edgeHttpsPort === 443 ? `https://${input.clientDomain}` : `https://${input.clientDomain}:${input.edgeHttpsPort}`;
}

/** Where federation reaches the host: the client domain on the edge's HTTPS port. */
export function delegatedServer(input: Pick<DelegationInput, 'clientDomain' | 'edgeHttpsPort'>): string {
  return `${input.clientDomain}:${input.edgeHttpsPort}`;
}

function wellKnownFile(domain: string, name: 'client' | 'server', document: Record<string, unknown>): WellKnownFile {
  const path = `.well-known/matrix/${name}`;
  return { url: `https://${domain}/${path}`, path, document, body: JSON.stringify(document) };
}

const jsonHeaders = { 'Content-Type': 'application/json', 'Access-Control-Allow-Origin': '*' };

function nginxSnippet(domain: string, client: WellKnownFile, server: WellKnownFile): string {
  const location = (file: WellKnownFile) => [
    `    location = /${file.path} {`,
    // default_type, not add_header Content-Type: `return` would otherwise send two Content-Type headers.
    '        default_type application/json;',
    "        add_header Access-Control-Allow-Origin '*' always;",
    `        return 200 '${file.body}';`,
    '    }',
  ];
  return [`# In the server block that answers https://${domain}`, ...location(client), ...location(server)].join('\n') + '\n';
}

function caddySnippet(domain: string, client: WellKnownFile, server: WellKnownFile): string {
  const handle = (file: WellKnownFile) => [
    `\thandle /${file.path} {`,
    '\t\theader Content-Type application/json',
    '\t\theader Access-Control-Allow-Origin *',
    `\t\trespond \`${file.body}\` 200`,
    '\t}',
  ];
  return [`${domain} {`, ...handle(client), ...handle(server), '}'].join('\n') + '\n';
}

export function renderDelegation(input: DelegationInput): Delegation {
  const client = wellKnownFile(input.homeserverDomain, 'client', { 'm.homeserver': { base_url: clientBaseUrl(input) } });
  const server = wellKnownFile(input.homeserverDomain, 'server', { 'm.server': delegatedServer(input) });
  return {
    client,
    server,
    cname: {
      name: input.clientDomain,
      type: 'CNAME',
      target: input.edgeCnameTarget,
      zoneLine: `${input.clientDomain}. 3600 IN CNAME ${input.edgeCnameTarget}.`,
    },
    snippets: {
      nginx: nginxSnippet(input.homeserverDomain, client, server),
      caddy: caddySnippet(input.homeserverDomain, client, server),
      staticHosting: {
        files: [client, server].map((file) => ({ path: file.path, body: file.body })),
        headers: jsonHeaders,
        notes: `Upload both files to the web root of https://${input.homeserverDomain} at exactly these paths, with no file extension, ` +
          'and have the host send both headers with them (Access-Control-Allow-Origin is required on the client file, and on every redirect to it).',
      },
    },
  };
}
