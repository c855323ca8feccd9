// The pure parts of export and import: the downtime estimate, the config document and SHA256SUMS.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parse } from 'yaml';
import { formatChecksums, parseChecksums } from '../../src/domain/checksums.ts';
import { compareVersions, exportFileNames, parseExportDocument, portableHomeserverConfig, renderExportDocument } from '../../src/domain/export-document.ts';
import { calibratedRate, defaultArchiveBytesPerSecond, defaultDumpBytesPerSecond, estimateDowntime, stopStartSeconds } from '../../src/domain/export-estimate.ts';
import { generateSigningKey } from '../../src/synapse/signing-key.ts';

const MiB = 1024 * 1024;

test('estimates downtime from the default rates until something was measured', () => {
  const estimate = estimateDowntime({ databaseBytes: 200 * MiB, mediaBytes: 400 * MiB, dumpSamples: [], archiveSamples: [] });
  assert.equal(estimate.dumpBytesPerSecond, defaultDumpBytesPerSecond);
  assert.equal(estimate.archiveBytesPerSecond, defaultArchiveBytesPerSecond);
  assert.equal(estimate.seconds, stopStartSeconds + 10 + 10);
});

test('calibrates the estimate with the rates measured on this installation', () => {
  assert.equal(calibratedRate([{ bytes: 10 * MiB, seconds: 1 }, { bytes: 30 * MiB, seconds: 3 }], 1), 10 * MiB);
  assert.equal(calibratedRate([{ bytes: 0, seconds: 0 }], 7), 7);
  const estimate = estimateDowntime({ databaseBytes: 100 * MiB, mediaBytes: 0, dumpSamples: [{ bytes: 5 * MiB, seconds: 1 }], archiveSamples: [] });
  assert.equal(estimate.seconds, stopStartSeconds + 20);
});

test('writes and reads back SHA256SUMS in the format sha256sum --check reads', () => {
  const files = [{ name: 'acme-config.md', sha256: 'a'.repeat(64) }, { name: 'acme-media.tar.gz', sha256: 'b'.repeat(64) }];
  const text = formatChecksums(files);
  assert.equal(text, `${'a'.repeat(64)}  acme-config.md\n${'b'.repeat(64)}  acme-media.tar.gz\n`);
  assert.deepEqual(parseChecksums(text), files);
  assert.throws(() => parseChecksums(`${'a'.repeat(64)}  ../etc/passwd\n`), /not a line/);
  assert.throws(() => parseChecksums('nonsense\n'), /not a line/);
});

const signingKey = generateSigningKey();
const homeserverConfig = {
  server_name: 'acme.example.org', pid_file: '/data/hosts/x/homeserver.pid', listeners: [{ port: 18000 }],
  database: { name: 'psycopg2', args: { user: 'host_acme', password: 'db-secret', dbname: 'host_acme', host: '127.0.0.1', port: 5433, cp_min: 1, cp_max: 5 } },
  password_config: { enabled: true, pepper: 'pepper-value' }, max_mau_value: 10,
};
const documentInput = {
  label: 'acme', serverName: 'acme.example.org', publicBaseUrl: 'https://acme.example.org/', createdAt: new Date('2026-12-06T10:00:00Z'),
  versions: { synapse: '1.163.2', postgres: '16.4', homeport: '0.1.0' },
  signingKey,
  secrets: { pepper: 'pepper-value', macaroonSecretKey: 'macaroon-value', formSecret: 'form-value', registrationSharedSecret: 'shared-value' },
  homeserverConfig,
  files: { database: 'acme-synapse-database.zip', media: 'acme-media.tar.gz' },
  encrypted: false,
};

test('the config document holds versions, identity and secrets, and an import reads them back', () => {
  const text = renderExportDocument(documentInput);
  for (const expected of ['1.163.2', '16.4', signingKey.keyId, signingKey.publicKey, 'pg_restore --no-owner', 'state_group_id_seq']) assert.ok(text.includes(expected), expected);
  assert.equal(text.includes('db-secret'), false, 'the database password of this machine is not exported');
  assert.equal(text.includes('gpg'), false, 'no decryption steps for an unencrypted export');
  const facts = parseExportDocument(text);
  assert.equal(facts.serverName, 'acme.example.org');
  assert.equal(facts.synapseVersion, '1.163.2');
  assert.equal(facts.signingKey, signingKey.fileContents);
  assert.deepEqual(facts.secrets, documentInput.secrets);
  assert.match(renderExportDocument({ ...documentInput, encrypted: true }), /gpg --batch --pinentry-mode loopback --decrypt/);
});

test('the exported homeserver.yaml keeps the settings and replaces what belongs to this machine', () => {
  const portable = portableHomeserverConfig(homeserverConfig, 'acme.example.org');
  assert.equal(portable.server_name, 'acme.example.org');
  assert.equal(portable.pid_file, undefined);
  assert.deepEqual((portable.password_config as { pepper: string }).pepper, 'pepper-value');
  const args = (portable.database as { args: Record<string, unknown> }).args;
  assert.equal(args.password, 'SYNAPSE_DB_PASSWORD');
  assert.equal(args.cp_max, 5);
  const yamlBlock = /```yaml\n([\s\S]*?)```/.exec(renderExportDocument(documentInput))?.[1] ?? '';
  assert.equal((parse(yamlBlock) as { max_mau_value: number }).max_mau_value, 10);
});

test('names the files after the host and compares versions numerically', () => {
  assert.deepEqual(exportFileNames('acme'), { config: 'acme-config.md', database: 'acme-synapse-database.zip', media: 'acme-media.tar.gz', databaseDir: 'acme-synapse-database.dir' });
  assert.ok(compareVersions('1.163.2', '1.99.0') > 0);
  assert.equal(compareVersions('1.163.2', '1.163.2'), 0);
  assert.ok(compareVersions('1.163.2', '1.164.0') < 0);
});

test('an import keeps whom the exported server federated with: open, private federation or off', () => {
  const federationOf = (whitelist: unknown) =>
    parseExportDocument(renderExportDocument({ ...documentInput, homeserverConfig: { ...homeserverConfig, ...(whitelist === undefined ? {} : { federation_domain_whitelist: whitelist }) } })).federation;
  assert.deepEqual(federationOf(undefined), { mode: 'open', allowedServers: [] });
  assert.deepEqual(federationOf(['acme.example.org', 'Partner.example.com', 'matrix.org:8448']), { mode: 'allowlist', allowedServers: ['partner.example.com', 'matrix.org:8448'] });
  assert.deepEqual(federationOf(['acme.example.org']), { mode: 'off', allowedServers: [] });
  const offSettings = portableHomeserverConfig({ ...homeserverConfig, federation_domain_whitelist: ['acme.example.org'] }, 'acme.example.org');
  assert.deepEqual((offSettings.listeners as { resources: { names: string[] }[] }[])[0]?.resources[0]?.names, ['client', 'openid']);
});
