// What Homeport tells Synapse: loopback listeners, its own database, seats, tokens only, no phoning home.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parse } from 'yaml';
import { generateHomeserverSecrets } from '../../src/synapse/host-secrets.ts';
import {
  homeserverPaths,
  renderHomeserverConfig,
  renderLogConfig,
  type HomeserverConfigInput,
} from '../../src/synapse/homeserver-config.ts';

const secrets = generateHomeserverSecrets();

function input(changes: Partial<HomeserverConfigInput> = {}): HomeserverConfigInput {
  return {
    serverName: 'acme.homeport.localhost',
    publicBaseUrl: 'https://acme.homeport.localhost:8443/',
    httpPort: 18001,
    database: { host: '127.0.0.1', port: 5433, name: 'host_acme', user: 'host_acme', password: 'db-password' },
    paths: homeserverPaths('/var/lib/homeport/hosts/acme'),
    secrets,
    seats: 25,
    maxUploadSize: '50M',
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

test('names the server and its public URL', () => {
  const config = rendered();
  assert.equal(config.server_name, 'acme.homeport.localhost');
  assert.equal(config.public_baseurl, 'https://acme.homeport.localhost:8443/');
});

test('uses the host\'s own PostgreSQL database with a small pool', () => {
  assert.deepEqual(rendered().database, {
    name: 'psycopg2',
    args: {
      user: 'host_acme',
      password: 'db-password',
      dbname: 'host_acme',
      host: '127.0.0.1',
      port: 5433,
      cp_min: 1,
      cp_max: 5,
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
    trustedKeyServers: [{ serverName: 'keys.example', verifyKeys: { 'ed25519:a_abcd': 'cHVibGlj' } }],
  });
  assert.deepEqual(config.trusted_key_servers, [
    { server_name: 'keys.example', verify_keys: { 'ed25519:a_abcd': 'cHVibGlj' } },
  ]);
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
