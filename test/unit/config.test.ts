// Settings: defaults, validation and the public URL of a host.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError, loadConfig, publicUrl } from '../../src/config.ts';

test('has working defaults for a development machine', () => {
  const config = loadConfig({});
  assert.equal(config.apiPort, 8080);
  assert.equal(config.baseDomain, 'homeport.localhost');
  assert.equal(config.tlsMode, 'internal');
  assert.equal(config.edgeHttpsPort, 8443);
  assert.match(config.dataDir, /\/data$/);
});

test('uses ACME and the standard ports for a real domain', () => {
  const config = loadConfig({ HOMEPORT_BASE_DOMAIN: 'chat.example.com' });
  assert.equal(config.tlsMode, 'acme');
  assert.equal(config.edgeHttpsPort, 443);
  assert.equal(publicUrl(config, 'acme.chat.example.com'), 'https://acme.chat.example.com/');
  assert.equal(publicUrl({ edgeHttpsPort: 8443 }, 'acme.x.localhost'), 'https://acme.x.localhost:8443/');
});

test('refuses bad settings with the variable named', () => {
  assert.throws(() => loadConfig({ HOMEPORT_API_PORT: 'eighty' }), (error: ConfigError) => /HOMEPORT_API_PORT/.test(error.message));
  assert.throws(() => loadConfig({ HOMEPORT_TLS: 'self-signed' }), /HOMEPORT_TLS/);
  assert.throws(() => loadConfig({ HOMEPORT_MASTER_KEY: 'c2hvcnQ=' }), /32 bytes/);
  assert.throws(() => loadConfig({ HOMEPORT_HOST_PORTS: '100-200' }), /HOMEPORT_HOST_PORTS/);
  assert.throws(() => loadConfig({ HOMEPORT_BASE_DOMAIN: 'not a domain' }), /HOMEPORT_BASE_DOMAIN/);
});

test('reads the account settings with safe defaults', () => {
  const config = loadConfig({ HOMEPORT_API_PORT: '9000' });
  assert.equal(config.publicUrl, 'http://127.0.0.1:9000');
  assert.equal(config.require2fa, false);
  assert.equal(config.smtpUrl, undefined);
  assert.equal(config.operatorEmail, 'operator@homeport.localhost');
  assert.equal(config.loginFailuresPerAccount, 5);
  const strict = loadConfig({ HOMEPORT_REQUIRE_2FA: 'true', HOMEPORT_PUBLIC_URL: 'https://panel.example.com/', HOMEPORT_SMTP_URL: 'smtp://mail:25' });
  assert.equal(strict.require2fa, true);
  assert.equal(strict.publicUrl, 'https://panel.example.com');
  assert.throws(() => loadConfig({ HOMEPORT_REQUIRE_2FA: 'yes' }), /HOMEPORT_REQUIRE_2FA/);
  assert.throws(() => loadConfig({ HOMEPORT_SMTP_URL: 'mail.example.com' }), /HOMEPORT_SMTP_URL/);
  assert.throws(() => loadConfig({ HOMEPORT_LOGIN_FAILURES_PER_ACCOUNT: '0' }), /HOMEPORT_LOGIN_FAILURES_PER_ACCOUNT/);
});

test('reads the web client and delegation re-check settings', () => {
  const defaults = loadConfig({});
  assert.equal(defaults.elementWebDir, undefined);
  assert.equal(defaults.delegationRecheckMinutes, 240);
  const set = loadConfig({ HOMEPORT_ELEMENT_WEB_DIR: 'element', HOMEPORT_DELEGATION_RECHECK_MINUTES: '0.05' });
  assert.match(set.elementWebDir ?? '', /^\/.*\/element$/);
  assert.equal(set.delegationRecheckMinutes, 0.05);
  assert.throws(() => loadConfig({ HOMEPORT_DELEGATION_RECHECK_MINUTES: '0' }), /HOMEPORT_DELEGATION_RECHECK_MINUTES/);
  assert.throws(() => loadConfig({ HOMEPORT_DELEGATION_RECHECK_MINUTES: 'soon' }), /HOMEPORT_DELEGATION_RECHECK_MINUTES/);
});

test('keeps exports a week, signs download links for a day and keeps 1 GB free after an import, unless told otherwise', () => {
  const defaults = loadConfig({});
  assert.equal(defaults.exportRetentionMinutes, 10_080);
  assert.equal(defaults.downloadLinkMinutes, 1440);
  assert.equal(defaults.importDiskReserveMb, 1024);
  const set = loadConfig({ HOMEPORT_EXPORT_RETENTION_MINUTES: '60', HOMEPORT_DOWNLOAD_LINK_MINUTES: '5', HOMEPORT_IMPORT_DISK_RESERVE_MB: '10' });
  assert.deepEqual([set.exportRetentionMinutes, set.downloadLinkMinutes, set.importDiskReserveMb], [60, 5, 10]);
  assert.throws(() => loadConfig({ HOMEPORT_EXPORT_RETENTION_MINUTES: '0' }), /HOMEPORT_EXPORT_RETENTION_MINUTES/);
  assert.throws(() => loadConfig({ HOMEPORT_IMPORT_DISK_RESERVE_MB: 'lots' }), /HOMEPORT_IMPORT_DISK_RESERVE_MB/);
});

test('reads the billing settings: currency, VAT rates, invoice prefix, and Stripe only complete; the seller is no setting', () => {
  const config = loadConfig({});
  assert.equal(config.billing.currency, 'EUR');
  assert.equal(config.billing.vatRates.DE, 1900);
  assert.equal(config.billing.invoicePrefix, 'HP-');
  assert.equal(config.billing.stripe, undefined, 'without a Stripe key: invoice payment only');
  const custom = loadConfig({ HOMEPORT_CURRENCY: 'chf', HOMEPORT_VAT_RATES: 'CH=8.1', HOMEPORT_STRIPE_SECRET_KEY: 'sk_test_1', HOMEPORT_STRIPE_PUBLISHABLE_KEY: 'pk_test_1', HOMEPORT_STRIPE_WEBHOOK_SECRET: 'whsec_1' });
  assert.equal(custom.billing.currency, 'CHF');
  assert.deepEqual(custom.billing.vatRates, { CH: 810 });
  assert.equal(custom.billing.stripe?.publishableKey, 'pk_test_1');
  assert.throws(() => loadConfig({ HOMEPORT_CURRENCY: 'EURO' }), /HOMEPORT_CURRENCY/);
  assert.throws(() => loadConfig({ HOMEPORT_VAT_RATES: 'DE:19' }), /HOMEPORT_VAT_RATES/);
  // The seller is in the database now (homeport seller set, the operator console): an old setting is refused, not ignored.
  assert.throws(() => loadConfig({ HOMEPORT_SELLER: 'Hosting AG; Bahnhofstrasse 1' }), /HOMEPORT_SELLER is no longer read.*homeport seller set/);
  assert.throws(() => loadConfig({ HOMEPORT_SELLER_COUNTRY: 'CH' }), /HOMEPORT_SELLER_COUNTRY is no longer read/);
  assert.throws(() => loadConfig({ HOMEPORT_STRIPE_SECRET_KEY: 'sk_test_1' }), /HOMEPORT_STRIPE_PUBLISHABLE_KEY/);
});

test('reads the VIES settings: off by default, the REST base with its path, a timeout, a requester VAT ID in its format', () => {
  const off = loadConfig({}).billing;
  assert.equal(off.viesUrl, undefined);
  assert.equal(off.viesTimeoutMs, 10_000);
  assert.equal(off.viesRequesterVatId, undefined);
  const on = loadConfig({ HOMEPORT_VIES_URL: 'https://ec.europa.eu/taxation_customs/vies/rest-api/', HOMEPORT_VIES_TIMEOUT_MS: '3000', HOMEPORT_VIES_REQUESTER_VAT_ID: 'de 123 456 789' }).billing;
  assert.equal(on.viesUrl, 'https://ec.europa.eu/taxation_customs/vies/rest-api');
  assert.equal(on.viesTimeoutMs, 3000);
  assert.equal(on.viesRequesterVatId, 'DE123456789');
  assert.throws(() => loadConfig({ HOMEPORT_VIES_URL: 'ftp://vies.example' }), (error: Error) => error instanceof ConfigError && /HOMEPORT_VIES_URL/.test(error.message));
  assert.throws(() => loadConfig({ HOMEPORT_VIES_REQUESTER_VAT_ID: 'DE12' }), (error: Error) => error instanceof ConfigError && /HOMEPORT_VIES_REQUESTER_VAT_ID/.test(error.message));
});

test('federation settings: notaries with their keys, development peers, and refusals', () => {
  const development = loadConfig({
    HOMEPORT_BASE_DOMAIN: 'homeport.localhost',
    HOMEPORT_TRUSTED_KEY_SERVERS: 'keys.example ed25519:auto=Noi6WqcDj0QmPxCNQqgezwTlBKrfqehY1u2FyWP9uYw, other.example:8448',
    HOMEPORT_DEV_FEDERATION_PEERS: 'outside.localhost=127.0.0.1:9448, v6.localhost=[::1]:8448',
    HOMEPORT_DEV_FEDERATION_PROXY_PORT: '18449',
  }).federation;
  assert.deepEqual(development.trustedKeyServers, [
    { serverName: 'keys.example', verifyKeys: { 'ed25519:auto': 'Noi6WqcDj0QmPxCNQqgezwTlBKrfqehY1u2FyWP9uYw' } },
    { serverName: 'other.example:8448' },
  ]);
  assert.deepEqual(development.developmentPeers, [
    { serverName: 'outside.localhost', address: '127.0.0.1', port: 9448 },
    { serverName: 'v6.localhost', address: '::1', port: 8448 },
  ]);
  assert.equal(development.developmentProxyPort, 18449);
  assert.throws(() => loadConfig({ HOMEPORT_TRUSTED_KEY_SERVERS: 'keys.example ed25519:auto' }), /HOMEPORT_TRUSTED_KEY_SERVERS/);
  assert.throws(() => loadConfig({ HOMEPORT_DEV_FEDERATION_PEERS: 'outside.localhost' }), /HOMEPORT_DEV_FEDERATION_PEERS/);
  assert.throws(() => loadConfig({ HOMEPORT_DEV_FEDERATION_PEERS: 'outside.localhost=127.0.0.1:99999' }), /HOMEPORT_DEV_FEDERATION_PEERS/);
});

test('a process has every role unless told which, and a lease of 30 seconds', () => {
  assert.deepEqual([...loadConfig({}).roles], ['api', 'worker', 'reconciler', 'edge']);
  assert.deepEqual([...loadConfig({ HOMEPORT_ROLES: ' api, worker ' }).roles], ['api', 'worker']);
  assert.equal(loadConfig({}).workerLeaseSeconds, 30);
  assert.equal(loadConfig({ HOMEPORT_WORKER_LEASE_SECONDS: '5' }).workerLeaseSeconds, 5);
  assert.throws(() => loadConfig({ HOMEPORT_ROLES: 'api,scheduler' }), (error: ConfigError) => /HOMEPORT_ROLES.*unknown: scheduler/.test(error.message));
  assert.throws(() => loadConfig({ HOMEPORT_WORKER_LEASE_SECONDS: '0' }), /HOMEPORT_WORKER_LEASE_SECONDS/);
});

test('hibernates idle hosts after 900 s by default; 0 turns it off; anything else is refused', () => {
  assert.equal(loadConfig({}).hibernateAfterSeconds, 900);
  assert.equal(loadConfig({ HOMEPORT_HIBERNATE_AFTER_SECONDS: '0' }).hibernateAfterSeconds, 0);
  assert.equal(loadConfig({ HOMEPORT_HIBERNATE_AFTER_SECONDS: '60' }).hibernateAfterSeconds, 60);
  for (const bad of ['-1', '1.5', 'soon']) {
    assert.throws(() => loadConfig({ HOMEPORT_HIBERNATE_AFTER_SECONDS: bad }), /HOMEPORT_HIBERNATE_AFTER_SECONDS/);
  }
});

test('monitoring settings: alerts go to the operator by default, a webhook needs its signing secret', () => {
  const config = loadConfig({ HOMEPORT_BASE_DOMAIN: 'chat.example.com' });
  assert.equal(config.monitoring.alertEmail, 'operator@chat.example.com');
  assert.equal(config.monitoring.webhookUrl, undefined);
  assert.throws(() => loadConfig({ HOMEPORT_ALERT_WEBHOOK_URL: 'https://hooks.example.com/homeport' }), /HOMEPORT_ALERT_WEBHOOK_SECRET/);
  assert.throws(() => loadConfig({ HOMEPORT_ALERT_WEBHOOK_URL: 'ftp://hooks.example.com/', HOMEPORT_ALERT_WEBHOOK_SECRET: 'a secret of some length' }), /HOMEPORT_ALERT_WEBHOOK_URL/);
  assert.throws(() => loadConfig({ HOMEPORT_ALERT_DISK_PERCENT: '120' }), /HOMEPORT_ALERT_DISK_PERCENT/);
  assert.equal(loadConfig({ HOMEPORT_ALERT_DISK_PERCENT: '0.5' }).monitoring.diskPercent, 0.5);
});

test('HOMEPORT_RUNTIME chooses where hosts run; kubernetes needs DATABASE_URL and its own settings', () => {
  assert.deepEqual(loadConfig({}).runtime, { kind: 'local' });
  assert.throws(() => loadConfig({ HOMEPORT_RUNTIME: 'nomad' }), ConfigError);
  const kubernetes = { HOMEPORT_RUNTIME: 'kubernetes', HOMEPORT_SYNAPSE_IMAGE: 'ghcr.io/element-hq/synapse:v1.150.0', HOMEPORT_CERT_ISSUER: 'letsencrypt' };
  assert.throws(() => loadConfig(kubernetes), /DATABASE_URL is required/);
  assert.throws(() => loadConfig({ ...kubernetes, DATABASE_URL: 'postgres://h:p@10.0.0.9/homeport', HOMEPORT_CERT_ISSUER: '' }), (error) => error instanceof ConfigError && /HOMEPORT_CERT_ISSUER/.test(error.message));
  const config = loadConfig({ ...kubernetes, DATABASE_URL: 'postgres://h:p@10.0.0.9/homeport', HOMEPORT_KUBERNETES_NAMESPACE: 'hosts' });
  assert.equal(config.runtime.kind, 'kubernetes');
  assert.equal(config.runtime.kind === 'kubernetes' && config.runtime.settings.namespace, 'hosts');
  assert.equal(config.runtime.kind === 'kubernetes' && config.runtime.settings.hostsDatabaseUrl, 'postgres://h:p@10.0.0.9/homeport');
});

test('backups go to an S3-compatible store when a bucket is set; its settings are checked together', () => {
  assert.equal(loadConfig({}).backupS3, undefined);
  const s3 = loadConfig({
    HOMEPORT_BACKUP_S3_BUCKET: 'backups', HOMEPORT_BACKUP_S3_ENDPOINT: 'https://s3.example.net', HOMEPORT_BACKUP_S3_PREFIX: '/homeport',
    HOMEPORT_BACKUP_S3_ACCESS_KEY_ID: 'id', HOMEPORT_BACKUP_S3_SECRET_ACCESS_KEY: 'secret',
  }).backupS3;
  assert.deepEqual(s3, { endpoint: 'https://s3.example.net', bucket: 'backups', region: 'us-east-1', accessKeyId: 'id', secretAccessKey: 'secret', prefix: 'homeport/' });
  assert.throws(() => loadConfig({ HOMEPORT_BACKUP_S3_ENDPOINT: 'https://s3.example.net' }), /HOMEPORT_BACKUP_S3_BUCKET is needed/);
  assert.throws(() => loadConfig({ HOMEPORT_BACKUP_S3_BUCKET: 'backups', HOMEPORT_BACKUP_S3_ACCESS_KEY_ID: 'id' }), /set both or neither/);
  assert.throws(() => loadConfig({ HOMEPORT_BACKUP_S3_BUCKET: 'Not_A_Bucket' }), /HOMEPORT_BACKUP_S3_BUCKET/);
  assert.throws(() => loadConfig({ HOMEPORT_BACKUP_S3_BUCKET: 'backups', HOMEPORT_BACKUP_S3_PREFIX: 'a/../b' }), /HOMEPORT_BACKUP_S3_PREFIX/);
});
