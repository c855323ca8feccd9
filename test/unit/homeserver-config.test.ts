// What Homeport tells Synapse: loopback listeners, its own database, seats, tokens only, no phoning home.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parse } from 'yaml';
import { rateLimitsFor } from '../../src/domain/rate-limits.ts';
import { loadConfig } from '../../src/config.ts';
import { generateHomeserverSecrets } from '../../src/synapse/host-secrets.ts';
import {
  renderHomeserverConfig,
  renderLogConfig,
  type HomeserverConfigInput,
} from '../../src/synapse/homeserver-config.ts';
import { homeserverPaths } from '../../src/runtime/local/host-folder.ts';

const secrets = generateHomeserverSecrets();

function input(changes: Partial<HomeserverConfigInput> = {}): HomeserverConfigInput {
  return {
    serverName: 'acme.homeport.localhost',
    publicBaseUrl: 'https://acme.homeport.localhost:8443/',
    listener: { address: '127.0.0.1', port: 18001 },
    database: { host: '127.0.0.1', port: 5433, name: 'host_acme', user: 'host_acme', password: 'db-password' },
    paths: homeserverPaths('/var/lib/homeport/hosts/acme'),
    secrets,
    seats: 25,
    maxUploadSize: '50M',
    rateLimits: rateLimitsFor('starter'),
    databasePool: { min: 1, max: 3 },
    federation: { mode: 'open', allowedServers: [], trustedKeyServers: [] },
    ...changes,
  };
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the rendered YAML is read back untyped
function rendered(changes: Partial<HomeserverConfigInput> = {}): any {
  return parse(renderHomeserverConfig(input(changes)));
}

test('one client+federation listener on loopback behind the edge, metrics on an owner-only Unix socket', () => {
  const { listeners, enable_metrics } = rendered();
  assert.deepEqual(listeners, [
    {
      port: 18001,
      type: 'http',
      bind_addresses: ['127.0.0.1'],
      tls: false,
      x_forwarded: true,
      resources: [{ names: ['client', 'federation'], compress: false }],
    },
    { path: '/var/lib/homeport/hosts/acme/metrics.sock', mode: 0o600, type: 'http', resources: [{ names: ['metrics'], compress: false }] },
  ]);
  assert.equal(enable_metrics, true);
});

test('a second client+federation listener on an owner-only Unix socket for the edge, when the runtime asks for one', () => {
  const { listeners } = rendered({ edgeSocket: '/var/lib/homeport/hosts/acme/edge.sock', federation: { mode: 'off', allowedServers: [], trustedKeyServers: [] } });
  assert.equal(listeners.length, 3);
  assert.deepEqual(listeners[1], {
    path: '/var/lib/homeport/hosts/acme/edge.sock', mode: 0o600, type: 'http', x_forwarded: true,
    resources: [{ names: ['client', 'openid'], compress: false }],
  });
  assert.equal(listeners[0].port, 18001, "Homeport's own port listener stays");
});

test('names the server and its public URL', () => {
  const config = rendered();
  assert.equal(config.server_name, 'acme.homeport.localhost');
  assert.equal(config.public_baseurl, 'https://acme.homeport.localhost:8443/');
});

test('uses the host\'s own PostgreSQL database with the pool its size gives it', () => {
  assert.deepEqual(rendered().database, {
    name: 'psycopg2',
    args: {
      user: 'host_acme',
      password: 'db-password',
      dbname: 'host_acme',
      host: '127.0.0.1',
      port: 5433,
      cp_min: 1,
      cp_max: 3,
    },
  });
});

test('keeps every file inside the host\'s directory', () => {
  const config = rendered();
  const dir = '/var/lib/homeport/hosts/acme/';
  for (const key of ['pid_file', 'log_config', 'signing_key_path', 'media_store_path']) {
    assert.ok(String(config[key]).startsWith(dir), `${key} = ${config[key]}`);
  }
  assert.equal(config.max_upload_size, '50M');
});

test('enforces seats as Synapse\'s monthly active user limit', () => {
  const config = rendered({ seats: 7 });
  assert.equal(config.limit_usage_by_mau, true);
  assert.equal(config.max_mau_value, 7);
});

test('lets people register only with a token', () => {
  const config = rendered();
  assert.equal(config.enable_registration, true);
  assert.equal(config.registration_requires_token, true);
  assert.equal(config.allow_guest_access, false);
});

test('writes the host\'s secrets and pepper, never its signing key', () => {
  const text = renderHomeserverConfig(input({ secrets }));
  const config = parse(text);
  assert.equal(config.macaroon_secret_key, secrets.macaroonSecretKey);
  assert.equal(config.form_secret, secrets.formSecret);
  assert.equal(config.registration_shared_secret, secrets.registrationSharedSecret);
  assert.equal(config.password_config.pepper, secrets.pepper);
  assert.ok(!text.includes(secrets.signingKey.split(' ')[2]!.trim()));
});

test('does not phone home or trust matrix.org for keys', () => {
  const config = rendered();
  assert.equal(config.report_stats, false);
  assert.deepEqual(config.trusted_key_servers, []);
  assert.equal(config.suppress_key_server_warning, true);
  assert.equal(config.url_preview_enabled, false);
  assert.equal(config.serve_server_wellknown, false);
});

test('lists trusted key servers when given', () => {
  const config = rendered({
    federation: { mode: 'open', allowedServers: [], trustedKeyServers: [{ serverName: 'keys.example', verifyKeys: { 'ed25519:a_abcd': 'cHVibGlj' } }] },
  });
  assert.deepEqual(config.trusted_key_servers, [
    { server_name: 'keys.example', verify_keys: { 'ed25519:a_abcd': 'cHVibGlj' } },
  ]);
});

test('a production installation keeps Synapse\'s IP blocklists, public CAs and no proxy, and asks matrix.org for keys', () => {
  const production = loadConfig({ HOMEPORT_BASE_DOMAIN: 'hosting.example.com' });
  const config = rendered({ serverName: 'acme.hosting.example.com', federation: { mode: 'open', allowedServers: [], trustedKeyServers: production.federation.trustedKeyServers } });
  // Absent keys mean Synapse's defaults, which block loopback and the private ranges.
  for (const key of ['ip_range_blacklist', 'ip_range_blocklist', 'ip_range_whitelist', 'ip_range_allowlist', 'federation_ip_range_blacklist',
    'https_proxy', 'http_proxy', 'no_proxy_hosts', 'federation_custom_ca_list', 'federation_verify_certificates', 'federation_domain_whitelist']) {
    assert.equal(key in config, false, key);
  }
  assert.deepEqual(config.trusted_key_servers, [{ server_name: 'matrix.org', verify_keys: { 'ed25519:auto': 'Noi6WqcDj0QmPxCNQqgezwTlBKrfqehY1u2FyWP9uYw' } }]);
  assert.deepEqual(loadConfig({ HOMEPORT_BASE_DOMAIN: 'hosting.example.com', HOMEPORT_TRUSTED_KEY_SERVERS: '' }).federation.trustedKeyServers, []);
  assert.throws(() => loadConfig({ HOMEPORT_BASE_DOMAIN: 'hosting.example.com', HOMEPORT_DEV_FEDERATION_PEERS: 'other.example=127.0.0.1:8448' }), /development base domains only/);
  assert.throws(() => loadConfig({ HOMEPORT_BASE_DOMAIN: 'hosting.example.com', HOMEPORT_FEDERATION_CA_FILE: '/tmp/ca.pem' }), /development base domains only/);
});

test('a development installation federates through its proxy trusting the given CAs, still with the blocklists', () => {
  const development = { proxyUrl: 'http://127.0.0.1:8449', caFiles: ['/data/caddy/root.crt', '/data/test-ca.pem'] };
  const config = rendered({ federation: { mode: 'open', allowedServers: [], trustedKeyServers: [], development } });
  assert.equal(config.https_proxy, 'http://127.0.0.1:8449');
  assert.deepEqual(config.federation_custom_ca_list, ['/data/caddy/root.crt', '/data/test-ca.pem']);
  assert.equal('ip_range_whitelist' in config || 'ip_range_blacklist' in config, false);
  assert.deepEqual(loadConfig({ HOMEPORT_BASE_DOMAIN: 'homeport.localhost' }).federation.trustedKeyServers, []);
  const noCa = rendered({ federation: { mode: 'open', allowedServers: [], trustedKeyServers: [], development: { proxyUrl: development.proxyUrl, caFiles: [] } } });
  assert.equal('federation_custom_ca_list' in noCa, false);
});

test('federation modes: allowlist keeps the host\'s own name on the list, off also stops serving federation and keys', () => {
  const allowlist = rendered({ federation: { mode: 'allowlist', allowedServers: ['partner.example', 'other.example:8448'], trustedKeyServers: [] } });
  assert.deepEqual(allowlist.federation_domain_whitelist, ['acme.homeport.localhost', 'partner.example', 'other.example:8448']);
  assert.deepEqual(allowlist.listeners[0].resources, [{ names: ['client', 'federation'], compress: false }]);
  const off = rendered({ federation: { mode: 'off', allowedServers: ['partner.example'], trustedKeyServers: [] } });
  assert.deepEqual(off.federation_domain_whitelist, ['acme.homeport.localhost']);
  assert.deepEqual(off.listeners[0].resources, [{ names: ['client', 'openid'], compress: false }]);
  assert.equal('federation_domain_whitelist' in rendered(), false);
});

test('overrides replace rendered keys and add new ones', () => {
  const config = rendered({
    overrides: { rc_login: { address: { per_second: 1000, burst_count: 1000 } }, report_stats: true },
  });
  assert.deepEqual(config.rc_login, { address: { per_second: 1000, burst_count: 1000 } });
  assert.equal(config.report_stats, true);
  assert.equal(config.server_name, 'acme.homeport.localhost');
});

test('quotes values that YAML 1.1 (Synapse\'s PyYAML) would read as booleans or numbers', () => {
  const database = { host: '127.0.0.1', port: 5433, name: 'host_acme', user: 'host_acme', password: 'on' };
  const text = renderHomeserverConfig(input({ database, maxUploadSize: '1_000' }));
  const config = parse(text, { version: '1.1' });
  assert.equal(config.database.args.password, 'on');
  assert.equal(config.max_upload_size, '1_000');
});

test('log config rotates the file at 10 MiB, keeps 5, and sends warnings to stderr', () => {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the rendered YAML is read back untyped
  const config: any = parse(renderLogConfig(input()));
  assert.equal(config.version, 1);
  assert.deepEqual(config.handlers.file, {
    class: 'logging.handlers.RotatingFileHandler',
    formatter: 'precise',
    filename: '/var/lib/homeport/hosts/acme/homeserver.log',
    maxBytes: 10 * 1024 * 1024,
    backupCount: 5,
    encoding: 'utf8',
  });
  assert.equal(config.handlers.console.level, 'WARNING');
  assert.equal(config.root.level, 'INFO');
  assert.deepEqual(config.root.handlers, ['file', 'console']);
});

test("the size's rate limits become Synapse's rc_* settings; an override still wins", () => {
  const limits = { ...rateLimitsFor('business'), message: { perSecond: 7, burstCount: 123 } };
  const config = rendered({ rateLimits: limits });
  assert.deepEqual(config.rc_message, { per_second: 7, burst_count: 123 });
  assert.deepEqual(config.rc_login, {
    address: { per_second: 2, burst_count: 100 },
    account: { per_second: 0.1, burst_count: 20 },
    failed_attempts: { per_second: 0.05, burst_count: 10 },
  });
  assert.deepEqual(config.rc_registration, { per_second: 1, burst_count: 100 });
  assert.deepEqual(config.rc_joins, { local: { per_second: 2, burst_count: 100 }, remote: { per_second: 0.2, burst_count: 30 } });
  assert.deepEqual(Object.keys(config.rc_invites), ['per_room', 'per_user', 'per_issuer']);
  assert.deepEqual(config.rc_media_create, { per_second: 20, burst_count: 100 });
  assert.deepEqual(rendered({ overrides: { rc_message: { per_second: 1000, burst_count: 1000 } } }).rc_message, { per_second: 1000, burst_count: 1000 });
});

test("the Trust & Safety contact becomes Synapse's admin_contact, shown to users refused at the seat limit", () => {
  assert.equal(rendered({ supportEmail: 'safety@acme.example' }).admin_contact, 'mailto:safety@acme.example');
  assert.equal(rendered({ supportEmail: null }).admin_contact, undefined);
});
