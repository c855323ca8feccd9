import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  renderCaddyConfig, renderHostRoute, wellKnownFiles, type CaddyConfigInput, type CaddyHandler, type CaddyRoute, type EdgeHost,
} from '../../src/runtime/local/caddy-config.ts';

const base: Omit<CaddyConfigInput, 'hosts'> = {
  adminSocket: '/data/caddy/admin/admin.sock',
  storageDir: '/var/lib/homeport/caddy/data/caddy',
  bindHost: '127.0.0.1',
  httpPort: 8081,
  httpsPort: 8443,
  tls: { mode: 'internal' },
  elementWebDir: '/data/element-web/current',
  hostsDir: '/data/hosts',
};

function host(id: string, upstreamPort: number): EdgeHost {
  const hostname = `${id}.homeport.localhost`;
  return {
    id,
    hostname,
    homeserverUrl: `https://${hostname}:8443`,
    upstreamPort,
    wellKnown: {
      client: { 'm.homeserver': { base_url: `https://${hostname}:8443/` } },
      server: { 'm.server': `${hostname}:8443` },
      support: { contacts: [{ role: 'm.role.admin', email_address: `admin@${hostname}` }] },
    },
  };
}

const twoHosts = [host('acme', 18001), host('globex', 18002)];

/** The routes of a host's own (moved names, protected user), answered before the shared routes. */
function hostSubroutes(routes: CaddyRoute[], id: string): CaddyRoute[] {
  const route = routes.find((candidate) => candidate['@id'] === `host-${id}`);
  assert.ok(route, `route host-${id}`);
  const handler = route.handle[1];
  return handler?.handler === 'subroute' ? handler.routes : [];
}

/** The variables a host's route sets for the shared routes. */
function hostVars(routes: CaddyRoute[], id: string): Record<string, string> {
  const route = routes.find((candidate) => candidate['@id'] === `host-${id}`);
  const vars = route?.handle[0];
  assert.equal(vars?.handler, 'vars');
  return Object.fromEntries(Object.entries(vars).filter(([name]) => name !== 'handler')) as Record<string, string>;
}

/** A value with Caddy's placeholders for the host's variables and the request path filled in. */
function filled(text: string, vars: Record<string, string>, path: string): string {
  return text.replace(/\{http\.vars\.([a-z_]+)\}/g, (_all, name: string) => vars[name] ?? '').replaceAll('{http.request.uri.path}', path);
}

/**
 * What the edge answers `path` with `method` on a host's name, as Caddy picks it: the host's own
 * routes first, then the shared routes with the host's variables; the first match wins. A file
 * matcher matches when `existingFiles` holds the file it looks for.
 */
function handlerFor(routes: CaddyRoute[], id: string, path: string, method = 'GET', existingFiles: string[] = []): CaddyHandler | undefined {
  const vars = hostVars(routes, id);
  const matches = (pattern: string) => (pattern.endsWith('*') ? path.startsWith(pattern.slice(0, -1)) : path === pattern);
  const fileFound = (file: { root: string; try_files?: string[] } | undefined) =>
    !file || (file.try_files ?? [path]).some((name) => existingFiles.includes(`${filled(file.root, vars, path)}${filled(name, vars, path)}`));
  const varsMatch = (wanted: Record<string, string[]> | undefined) => !wanted || Object.entries(wanted).every(([name, values]) => values.includes(vars[name] ?? ''));
  const shared = routes.filter((route) => route['@id'] === undefined);
  const route = [...hostSubroutes(routes, id), ...shared].find((candidate) => !candidate.match || candidate.match.some((set) =>
    !set.host && (set.path ?? ['*']).some(matches) && (set.method ?? [method]).includes(method) && fileFound(set.file) && varsMatch(set.vars)));
  const handler = route?.handle.at(-1);
  return handler && (JSON.parse(filled(JSON.stringify(handler), vars, path)) as CaddyHandler);
}

describe('renderCaddyConfig', () => {
  it('starts with no hosts: admin API, listeners, a 404 for everything, no certificates to get', () => {
    const config = renderCaddyConfig({ ...base, hosts: [] });
    assert.equal(config.admin.listen, 'unix//data/caddy/admin/admin.sock');
    assert.deepEqual(config.storage, { module: 'file_system', root: base.storageDir });
    assert.equal(config.apps.http.http_port, 8081);
    assert.equal(config.apps.http.https_port, 8443);
    const { edge, redirect } = config.apps.http.servers;
    assert.deepEqual(edge?.listen, ['127.0.0.1:8443']);
    const routes = edge?.routes ?? [];
    assert.equal(routes[0]?.['@id'], 'host-defaults');
    assert.deepEqual(routes[1], { match: [{ vars: { homeport_host: [''] } }], handle: [{ handler: 'static_response', status_code: 404 }], terminal: true }, 'a name of no host: 404');
    assert.deepEqual(redirect?.listen, ['127.0.0.1:8081']);
    assert.equal(redirect?.routes.length, 1);
    assert.deepEqual(config.apps.tls.automation.policies.map((policy) => policy.subjects), [['no-host.homeport.invalid']], 'never a catch-all');
    assert.equal(config.apps.pki.certificate_authorities.local.install_trust, false);
  });

  it('listens on every interface when the bind host is empty', () => {
    const config = renderCaddyConfig({ ...base, bindHost: '', hosts: [] });
    assert.deepEqual(config.apps.http.servers.edge?.listen, [':8443']);
    assert.deepEqual(config.apps.http.servers.redirect?.listen, [':8081']);
  });

  it('routes each host by name to shared routes: well-knowns from its folder, Matrix paths proxied to its Synapse', () => {
    const config = renderCaddyConfig({ ...base, hosts: twoHosts });
    const routes = config.apps.http.servers.edge?.routes ?? [];
    assert.deepEqual(routes.slice(0, 3).map((route) => route['@id']), ['host-defaults', 'host-acme', 'host-globex']);
    assert.deepEqual(routes[2]?.match, [{ host: ['globex.homeport.localhost'] }]);
    assert.equal(routes.length, 3 + renderCaddyConfig({ ...base, hosts: [] }).apps.http.servers.edge!.routes.length - 1, 'one route per host, the rest shared');

    for (const [index, { id }] of twoHosts.entries()) {
      for (const name of ['client', 'server', 'support'] as const) {
        const file = `/data/hosts/${id}/edge/.well-known/matrix/${name}`;
        assert.deepEqual(handlerFor(routes, id, `/.well-known/matrix/${name}`, 'GET', [file]), { handler: 'file_server', root: `/data/hosts/${id}/edge` });
        const preflight = handlerFor(routes, id, `/.well-known/matrix/${name}`, 'OPTIONS', [file]);
        assert.equal(preflight?.handler, 'static_response');
        assert.equal(preflight.status_code, 204);
        assert.deepEqual(preflight.headers?.['Access-Control-Allow-Origin'], ['*']);
        // No file (e.g. federation off): not served.
        assert.deepEqual(handlerFor(routes, id, `/.well-known/matrix/${name}`), { handler: 'static_response', status_code: 404 });
      }
      for (const path of ['/_matrix/client/versions', '/_synapse/client/password_reset', '/_synapse/admin/v1/users']) {
        assert.deepEqual(handlerFor(routes, id, path), {
          handler: 'reverse_proxy', upstreams: [{ dial: `127.0.0.1:${18001 + index}` }],
          // A sleeping host's waker lets go of the port a moment before Synapse takes it.
          load_balancing: { try_duration: '60s', try_interval: '250ms' },
        });
      }
      for (const path of ['/_synapse/metrics', '/_synapse/replication/x', '/.well-known/other']) {
        assert.deepEqual(handlerFor(routes, id, path), { handler: 'static_response', status_code: 404 });
      }
      // Without an installed web client the client URL gives the homeserver address for any Matrix client.
      const client = handlerFor(routes, id, '/');
      assert.equal(client?.handler, 'static_response');
      assert.equal(client.status_code, 503);
      assert.match(client.body ?? '', /web client of this server is not installed yet/);
      assert.match(client.body ?? '', new RegExp(`Homeserver: <strong><code>https://${id}\\.homeport\\.localhost:8443</code>`));
      assert.match(client.body ?? '', /FluffyChat/);
      assert.deepEqual(handlerFor(routes, id, '/', 'GET', ['/data/element-web/current/index.html']), { handler: 'file_server', root: '/data/element-web/current' });
    }
    const page = routes.at(-1)?.handle[0];
    assert.equal(page?.handler, 'static_response');
    assert.deepEqual(page.body?.match(/\{[^}]*\}/g), ['{http.vars.homeport_homeserver_url}'], 'no Caddy placeholder in the page but the address');
  });

  it("writes a host's well-knowns as the files the edge serves, and none for a document it does not serve", () => {
    const closed = { ...host('acme', 18001), wellKnown: { client: { a: 1 }, support: { support_page: '{env.HOME}' } } };
    assert.deepEqual([...wellKnownFiles(closed)], [
      ['.well-known/matrix/client', '{"a":1}'],
      ['.well-known/matrix/server', undefined],
      // A file: Caddy's file server expands no placeholder in it.
      ['.well-known/matrix/support', '{"support_page":"{env.HOME}"}'],
    ]);
  });

  it('redirects plain HTTP to HTTPS on the port clients use, naming no host so host changes never touch it', () => {
    const redirect = renderCaddyConfig({ ...base, hosts: twoHosts }).apps.http.servers.redirect;
    assert.deepEqual(redirect?.routes, renderCaddyConfig({ ...base, hosts: [] }).apps.http.servers.redirect?.routes);
    assert.deepEqual(redirect?.routes[0], {
      handle: [{
        handler: 'static_response',
        status_code: 308,
        headers: { Location: ['https://{http.request.host}:8443{http.request.uri}'] },
      }],
    });
    const standard = renderCaddyConfig({ ...base, httpPort: 80, httpsPort: 443, hosts: twoHosts });
    const location = standard.apps.http.servers.redirect?.routes[0]?.handle[0];
    assert.equal(location?.handler, 'static_response');
    assert.deepEqual(location.headers?.Location, ['https://{http.request.host}{http.request.uri}']);
  });

  it("issues the hosts' certificates from Caddy's internal CA in internal mode", () => {
    const config = renderCaddyConfig({ ...base, hosts: twoHosts });
    assert.deepEqual(config.apps.tls.automation.policies, [{
      '@id': 'base-names',
      subjects: ['no-host.homeport.invalid', 'acme.homeport.localhost', 'globex.homeport.localhost'],
      issuers: [{ module: 'internal' }],
    }]);
    assert.equal(config.apps.pki.certificate_authorities.local.install_trust, false);
  });

  it('issues them from the ACME CA, with the contact address, in acme mode', () => {
    const config = renderCaddyConfig({
      ...base,
      tls: { mode: 'acme', email: 'ops@example.org', acmeCa: 'https://acme.example.org/dir', acmeCaRoot: '/etc/ca.pem' },
      hosts: twoHosts,
    });
    assert.deepEqual(config.apps.tls.automation.policies[0], {
      '@id': 'base-names',
      subjects: ['no-host.homeport.invalid', 'acme.homeport.localhost', 'globex.homeport.localhost'],
      issuers: [{
        module: 'acme', email: 'ops@example.org', ca: 'https://acme.example.org/dir', trusted_roots_pem_files: ['/etc/ca.pem'],
      }],
    });
    const defaults = renderCaddyConfig({ ...base, tls: { mode: 'acme' }, hosts: twoHosts });
    assert.deepEqual(defaults.apps.tls?.automation.policies[0]?.issuers, [{ module: 'acme' }]);
  });
});

describe('renderCaddyConfig for custom domains and the web client', () => {
  const ask = 'http://127.0.0.1:8080/api/v1/edge/certificate-permission';
  const custom: EdgeHost = {
    ...host('acme', 18001),
    customNames: ['chat.example.com', 'example.com'],
    previousNames: ['old.example.com'],
    movedNames: ['older.example.com'],
  };

  it('serves a host on all its domains (own, earlier, moved) through one route of its own', () => {
    const routes = renderCaddyConfig({ ...base, onDemandAsk: ask, hosts: [custom, host('globex', 18002)] }).apps.http.servers.edge?.routes ?? [];
    assert.deepEqual(routes.slice(0, 3).map((route) => route['@id']), ['host-defaults', 'host-acme', 'host-globex']);
    assert.deepEqual(routes[1]?.match, [{ host: ['acme.homeport.localhost', 'chat.example.com', 'example.com', 'old.example.com', 'older.example.com'] }]);
    assert.deepEqual(routes[1], renderHostRoute(custom), 'the whole configuration is made of the same per-host routes');
  });

  it('answers every request on a moved domain with 401 M_UNKNOWN_TOKEN and CORS, and 204 to OPTIONS', () => {
    const moved = hostSubroutes(renderCaddyConfig({ ...base, onDemandAsk: ask, hosts: [custom] }).apps.http.servers.edge?.routes ?? [], 'acme')[0];
    assert.deepEqual(moved?.match, [{ host: ['older.example.com'] }]);
    assert.equal(moved?.terminal, true);
    const handler = moved?.handle[0];
    assert.equal(handler?.handler, 'subroute');
    // Every path of a moved domain gets the same answer: only the method picks it.
    for (const method of ['GET', 'POST', 'PUT']) {
      const answer: CaddyHandler | undefined = handler.routes.find((route) => route.match?.[0]?.method?.includes(method) ?? true)?.handle[0];
      assert.equal(answer?.handler, 'static_response');
      assert.equal(answer.status_code, 401);
      assert.deepEqual(JSON.parse(answer.body ?? ''), { errcode: 'M_UNKNOWN_TOKEN', error: 'Server moved, please log in again.' });
      assert.deepEqual(answer.headers?.['Access-Control-Allow-Origin'], ['*']);
      assert.match(answer.headers?.['Access-Control-Allow-Headers']?.[0] ?? '', /Authorization/);
    }
    const preflight = handler.routes.find((route) => route.match?.[0]?.method?.includes('OPTIONS') ?? true)?.handle[0];
    assert.equal(preflight?.handler, 'static_response');
    assert.equal(preflight.status_code, 204);
    assert.match(preflight.headers?.['Access-Control-Allow-Methods']?.[0] ?? '', /POST/);
  });

  it('gets every certificate on demand after asking Homeport, with no list of names and no names managed at each change', () => {
    const config = renderCaddyConfig({ ...base, onDemandAsk: ask, hosts: [custom, host('globex', 18002)] });
    assert.deepEqual(config.apps.tls.automation, { policies: [{ issuers: [{ module: 'internal' }], on_demand: true }], on_demand: { ask } });
    assert.deepEqual(config.apps.http.servers.edge?.automatic_https, { disable_redirects: true, disable_certificates: true });
    assert.deepEqual(config.apps.http.servers.edge?.tls_connection_policies, [{}]);
  });

  it('without Homeport to ask, gets base names up front and nothing else', () => {
    const config = renderCaddyConfig({ ...base, hosts: [custom, host('globex', 18002)] });
    assert.deepEqual(config.apps.tls.automation, {
      policies: [{ '@id': 'base-names', subjects: ['no-host.homeport.invalid', 'acme.homeport.localhost', 'globex.homeport.localhost'], issuers: [{ module: 'internal' }] }],
    });
    assert.deepEqual(config.apps.http.servers.edge?.automatic_https, { disable_redirects: true });
  });

  it("serves Element Web from the bundle, with the host's own config.json never cached", () => {
    const routes = renderCaddyConfig({ ...base, elementWebDir: '/opt/element', hosts: [custom] }).apps.http.servers.edge?.routes ?? [];
    const configRoute = routes.find((route) => route.match?.[0]?.path?.includes('/config.json'));
    assert.deepEqual(configRoute?.handle, [
      { handler: 'headers', response: { set: { 'Cache-Control': ['no-cache'] } } },
      { handler: 'file_server', root: '/data/hosts/{http.vars.homeport_host}/element-web' },
    ]);
    const installed = ['/opt/element/index.html'];
    assert.deepEqual(handlerFor(routes, 'acme', '/config.json', 'GET', [...installed, '/data/hosts/acme/element-web/config.json']), { handler: 'file_server', root: '/data/hosts/acme/element-web' });
    assert.deepEqual(handlerFor(routes, 'acme', '/', 'GET', installed), { handler: 'file_server', root: '/opt/element' });
    assert.deepEqual(handlerFor(routes, 'acme', '/bundles/app.js', 'GET', installed), { handler: 'file_server', root: '/opt/element' });
    assert.deepEqual(handlerFor(routes, 'acme', '/_synapse/metrics'), { handler: 'static_response', status_code: 404 });
  });
});

describe("the edge keeps Homeport's own user out of the customer's reach", () => {
  const homeportUser = '@homeport-admin:acme.homeport.localhost';
  const protectedHost = { ...host('acme', 18001), protectedUserIds: [homeportUser] };
  /** Every Synapse endpoint that takes a user ID from its path (synapse/rest/admin and rest/client, 1.163). */
  const userPaths = [
    '/_synapse/admin/v1/deactivate/{}', '/_synapse/admin/v1/suspend/{}', '/_synapse/admin/v1/reset_password/{}',
    '/_synapse/admin/v2/users/{}', '/_synapse/admin/v1/users/{}/admin', '/_synapse/admin/v1/users/{}/login',
    '/_synapse/admin/v1/users/{}/shadow_ban', '/_synapse/admin/v1/users/{}/override_ratelimit', '/_synapse/admin/v2/users/{}/devices',
    '/_synapse/admin/v2/users/{}/delete_devices', '/_synapse/admin/v2/users/{}/devices/HOMEPORTDEVICE', '/_synapse/admin/v1/users/{}/pushers',
    '/_synapse/admin/v1/users/{}/accountdata', '/_synapse/admin/v1/users/{}/media', '/_synapse/admin/v1/user/{}/redact',
    '/_synapse/admin/v1/user/{}/media/quarantine', '/_synapse/admin/v1/experimental_features/{}', '/_synapse/admin/v1/whois/{}',
    '/_matrix/client/v3/profile/{}/displayname', '/_matrix/client/v3/presence/{}/status', '/_matrix/client/v3/admin/whois/{}',
  ];
  /** The forms a client may send the same user ID in; Synapse decodes each to the same user. */
  const encodings = [
    (id: string) => id,
    encodeURIComponent,
    (id: string) => id.replace('@', '%40'),
    (id: string) => id.replace(':', '%3a'),
    (id: string) => id.toUpperCase(),
    (id: string) => encodeURIComponent(id).toLowerCase(),
  ];

  /**
   * Caddy 2.6's path matcher: a `*x*` pattern is a substring test on the lowercased, percent-decoded
   * path. The refusal is the host's first shared route after the one for unknown names (a moved
   * name's answer aside), its pattern filled from the host's variables.
   */
  function refusedByEdge(routes: CaddyRoute[], id: string, rawPath: string): boolean {
    const decoded = decodeURIComponent(rawPath).toLowerCase();
    const vars = hostVars(routes, id);
    const candidates = [...hostSubroutes(routes, id), ...routes.filter((route) => route['@id'] === undefined).slice(1)];
    return candidates.some((route) => {
      const refusal = route.handle[0];
      if (refusal?.handler !== 'static_response' || refusal.status_code !== 403) return false;
      return (route.match ?? []).some((set) => {
        const excluded = (set.not ?? []).some((not) => Object.entries(not.vars ?? {}).every(([name, values]) => values.includes(vars[name] ?? '')));
        return !excluded && (set.path ?? []).some((pattern) => {
          const text = filled(pattern, vars, rawPath);
          assert.match(text, /^\*[^*%{}]+\*$/, 'a plain substring pattern once filled');
          return decoded.includes(text.slice(1, -1));
        });
      });
    });
  }

  it('refuses, before anything reaches Synapse and with a Matrix error, every path naming the user in any encoding', () => {
    const routes = renderCaddyConfig({ ...base, hosts: [protectedHost] }).apps.http.servers.edge?.routes ?? [];
    const shared = routes.filter((route) => route['@id'] === undefined);
    const refusal = shared[1]?.handle[0];
    assert.equal(refusal?.handler, 'static_response');
    assert.deepEqual(JSON.parse(String(refusal.body)), { errcode: 'M_FORBIDDEN', error: 'This user is managed by the hosting provider and cannot be changed from inside the host.' });
    for (const path of userPaths) {
      for (const encode of encodings) {
        const rawPath = path.replace('{}', encode(homeportUser));
        assert.ok(refusedByEdge(routes, 'acme', rawPath), `refused: ${rawPath}`);
      }
      assert.ok(!refusedByEdge(routes, 'acme', path.replace('{}', encodeURIComponent('@alice:acme.homeport.localhost'))), `other users pass: ${path}`);
    }
  });

  it('protects the user on previous client domains too, and a host without one gets no refusal route', () => {
    const config = renderCaddyConfig({ ...base, hosts: [{ ...protectedHost, previousNames: ['old.example.org'] }, host('globex', 18002)] });
    const routes = config.apps.http.servers.edge?.routes ?? [];
    assert.deepEqual(routes[1]?.match, [{ host: ['acme.homeport.localhost', 'old.example.org'] }]);
    assert.deepEqual(hostSubroutes(routes, 'acme'), [], 'no route of its own for the one protected user');
    assert.ok(refusedByEdge(routes, 'acme', `/_synapse/admin/v1/deactivate/${homeportUser}`));
    assert.ok(!refusedByEdge(routes, 'globex', `/_synapse/admin/v1/deactivate/${homeportUser}`));
    // A second protected user: refused by the host's own route.
    const two = renderCaddyConfig({ ...base, hosts: [{ ...protectedHost, protectedUserIds: [homeportUser, '@second:acme.homeport.localhost'] }] }).apps.http.servers.edge?.routes ?? [];
    assert.ok(refusedByEdge(two, 'acme', '/_synapse/admin/v1/deactivate/@second:acme.homeport.localhost'));
    assert.ok(refusedByEdge(two, 'acme', `/_synapse/admin/v1/deactivate/${homeportUser}`));
  });
});
