// `<host>-config.md`: everything a person needs to run an exported host elsewhere (versions,
// identity, secrets, the homeserver.yaml settings) and the steps to import the files.
import { parse, stringify } from 'yaml';
import { federationFromWhitelist, type HostFederation } from './federation.ts';

export interface ExportDocumentInput {
  label: string;
  serverName: string;
  publicBaseUrl: string;
  createdAt: Date;
  versions: { synapse: string; postgres: string; homeport: string };
  signingKey: { keyId: string; publicKey: string; fileContents: string };
  secrets: { pepper: string; macaroonSecretKey: string; formSecret: string; registrationSharedSecret: string };
  /** The host's homeserver.yaml as Homeport renders it. */
  homeserverConfig: Record<string, unknown>;
  files: { database: string; media: string };
  encrypted: boolean;
}

export function exportFileNames(label: string): { config: string; database: string; media: string; databaseDir: string } {
  return {
    config: `${label}-config.md`,
    database: `${label}-synapse-database.zip`,
    media: `${label}-media.tar.gz`,
    databaseDir: `${label}-synapse-database.dir`,
  };
}

const placeholders = {
  database: { user: 'SYNAPSE_DB_USER', password: 'SYNAPSE_DB_PASSWORD', dbname: 'SYNAPSE_DB_NAME', host: 'localhost', port: 5432 },
  signingKeyPath: '/data/SERVER.signing.key',
  mediaStorePath: '/data/media_store',
};

/**
 * The settings to carry over: the rendered config without what belongs to this machine (its
 * ports, paths, database credentials and log files), which become placeholders to fill in.
 */
export function portableHomeserverConfig(config: Record<string, unknown>, serverName: string): Record<string, unknown> {
  const machineKeys = new Set(['pid_file', 'log_config', 'listeners', 'database']);
  const rest = Object.fromEntries(Object.entries(config).filter(([key]) => !machineKeys.has(key)));
  const database = (config.database ?? {}) as { args?: Record<string, unknown> };
  // A host with federation off serves no federation resource elsewhere either.
  const names = federationFromWhitelist(serverName, config.federation_domain_whitelist).mode === 'off' ? ['client', 'openid'] : ['client', 'federation'];
  return {
    ...rest,
    ...(Array.isArray(config.oidc_providers) ? { oidc_providers: config.oidc_providers.map(withoutClientSecret) } : {}),
    // The self-hoster's own Synapse behind their own proxy, not a host of any runtime.
    // eslint-disable-next-line no-restricted-syntax
    listeners: [{ port: 8008, type: 'http', tls: false, bind_addresses: ['127.0.0.1'], x_forwarded: true, resources: [{ names, compress: false }] }],
    signing_key_path: placeholders.signingKeyPath.replace('SERVER', serverName),
    media_store_path: placeholders.mediaStorePath,
    database: { name: 'psycopg2', args: { ...database.args, ...placeholders.database } },
  };
}

/**
 * An identity provider's client secret is the customer's credential at their provider, not the
 * host's: the document names where it goes instead of carrying it (the customer has it, or makes a new one).
 */
function withoutClientSecret(provider: unknown): unknown {
  if (provider === null || typeof provider !== 'object' || !('client_secret' in provider)) return provider;
  const idpId = (provider as { idp_id?: unknown }).idp_id;
  return { ...provider, client_secret: `CLIENT_SECRET_OF_${String(idpId ?? 'PROVIDER').toUpperCase().replace(/[^A-Z0-9]/g, '_')}` };
}

function decryptSteps(input: ExportDocumentInput): string {
  if (!input.encrypted) return '';
  return `## Decrypting the files

Every file except \`SHA256SUMS\` is encrypted with your passphrase in the OpenPGP format
(RFC 4880, symmetric AES-256), so any OpenPGP tool opens it. With GnuPG:

\`\`\`sh
gpg --batch --pinentry-mode loopback --decrypt --output ${input.files.database} ${input.files.database}.gpg
gpg --batch --pinentry-mode loopback --decrypt --output ${input.files.media} ${input.files.media}.gpg
gpg --decrypt --output ${input.label}-config.md ${input.label}-config.md.gpg
\`\`\`

(\`gpg --decrypt FILE.gpg > FILE\` asks for the passphrase interactively.)

`;
}

export function renderExportDocument(input: ExportDocumentInput): string {
  const { files } = input;
  const dir = exportFileNames(input.label).databaseDir;
  const settings = stringify(portableHomeserverConfig(input.homeserverConfig, input.serverName), { version: '1.1', lineWidth: 0 });
  return `# ${input.serverName}: Homeport export

Exported ${input.createdAt.toISOString()}. Keep this file secret: it holds the server's signing key
and the secrets that make its passwords and sessions work.

## Versions

| component | version |
|---|---|
| Synapse | ${input.versions.synapse} |
| PostgreSQL | ${input.versions.postgres} |
| Homeport | ${input.versions.homeport} |

Install the same Synapse version (or newer) to import; upgrade only after the import works.

## Identity

- server name: \`${input.serverName}\` (it can never change; configure the new server with it)
- client URL at Homeport: ${input.publicBaseUrl}
- signing key id: \`${input.signingKey.keyId}\`, public key \`${input.signingKey.publicKey}\`

Signing key file (\`signing_key_path\`):

\`\`\`
${input.signingKey.fileContents.trim()}
\`\`\`

## Secrets

| homeserver.yaml setting | value |
|---|---|
| \`password_config.pepper\` | \`${input.secrets.pepper}\` |
| \`macaroon_secret_key\` | \`${input.secrets.macaroonSecretKey}\` |
| \`form_secret\` | \`${input.secrets.formSecret}\` |
| \`registration_shared_secret\` | \`${input.secrets.registrationSharedSecret}\` |

Without the same pepper every password must be reset; without the same signing key other servers
will not trust the server's old events.

## homeserver.yaml

The host's settings; fill in the database credentials and paths for your machine:

\`\`\`yaml
${settings.trimEnd()}
\`\`\`

## Files

- \`${files.database}\`: the database, \`pg_dump\` directory format without owners or privileges
  (one-time keys are left out: clients upload new ones)
- \`${files.media}\`: the media store (\`local_content\`, \`local_thumbnails\`, ...)
- \`SHA256SUMS\`: check the files with \`sha256sum --check SHA256SUMS\`

${decryptSteps(input)}## Importing into your own Synapse

1. Install PostgreSQL and Synapse ${input.versions.synapse}; do not start Synapse yet.
2. Create an empty database with \`ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0\`.
3. Unpack and restore the database:

   \`\`\`sh
   unzip ${files.database}
   pg_restore --no-owner --no-privileges --dbname SYNAPSE_DB_NAME ${dir}
   \`\`\`

4. Check the sequences: \`SELECT last_value FROM state_group_id_seq;\` must be greater than 1.
5. Unpack the media into \`media_store_path\`: \`mkdir -p /data/media_store && tar -xzf ${files.media} -C /data/media_store\`.
6. Write the signing key file and homeserver.yaml above (same server name, pepper and secrets).
7. Start Synapse, log in with an existing user, then point DNS or delegation at the new server.

To import it into another Homeport, give the operator this folder: \`homeport host import --from DIR\`.
`;
}

export interface ExportDocumentFacts {
  serverName: string;
  synapseVersion: string;
  signingKey: string;
  secrets: { pepper: string; macaroonSecretKey: string; formSecret: string; registrationSharedSecret: string };
  /** Whom the host federated with, from its homeserver.yaml settings. */
  federation: HostFederation;
}

/** The homeserver.yaml block of the document; an unreadable one counts as empty. */
function documentSettings(text: string): Record<string, unknown> {
  const block = /^## homeserver\.yaml\n[\s\S]*?^```yaml\n([\s\S]*?)^```$/m.exec(text)?.[1];
  try {
    const parsed: unknown = block === undefined ? undefined : parse(block);
    return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? parsed as Record<string, unknown> : {};
  } catch {
    return {};
  }
}

/** Reads back what an import needs from a `<host>-config.md` written by renderExportDocument. */
export function parseExportDocument(text: string): ExportDocumentFacts {
  const find = (pattern: RegExp, what: string): string => {
    const value = pattern.exec(text)?.[1];
    if (value === undefined) throw new Error(`the config document has no ${what}`);
    return value;
  };
  const secret = (setting: string) => find(new RegExp(`^\\| \`${setting.replace('.', '\\.')}\` \\| \`([^\`]*)\` \\|$`, 'm'), setting);
  const serverName = find(/^- server name: `([^`]+)`/m, 'server name');
  return {
    serverName,
    synapseVersion: find(/^\| Synapse \| (.+?) \|$/m, 'Synapse version'),
    signingKey: `${find(/^Signing key file \(`signing_key_path`\):\n\n```\n([^\n]+)\n```/m, 'signing key')}\n`,
    secrets: {
      pepper: secret('password_config.pepper'),
      macaroonSecretKey: secret('macaroon_secret_key'),
      formSecret: secret('form_secret'),
      registrationSharedSecret: secret('registration_shared_secret'),
    },
    federation: federationFromWhitelist(serverName, documentSettings(text).federation_domain_whitelist),
  };
}

/** Compares dotted versions numerically: negative when a < b. */
export function compareVersions(a: string, b: string): number {
  const parts = (version: string) => version.split(/[.-]/).map((part) => Number.parseInt(part, 10) || 0);
  const [left, right] = [parts(a), parts(b)];
  for (let index = 0; index < Math.max(left.length, right.length); index += 1) {
    const difference = (left[index] ?? 0) - (right[index] ?? 0);
    if (difference !== 0) return difference;
  }
  return 0;
}
