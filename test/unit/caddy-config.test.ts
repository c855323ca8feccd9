import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  isEdgeName, renderCaddyConfig, renderHostRoute, standardProtectedLocalpart, wellKnownFiles,
  type CaddyConfigInput, type CaddyHandler, type CaddyMatcherSet, type CaddyRoute, type EdgeHost,
} from '../../src/runtime/local/caddy-config.ts';
import { adminLocalpart } from '../../src/jobs/host-admin-access.ts';

const base: Omit<CaddyConfigInput, 'hosts'> = {
  adminSocket: '/data/caddy/admin/admin.sock',
  storageDir: '/var/lib/homeport/caddy/data/caddy',
  bindHost: '127.0.0.1',
  httpPort: 8081,
  httpsPort: 8443,
  tls: { mode: 'internal' },
  elementWebDir: '/data/element-web/current',
  hostsDir: '/data/hosts',
  namesDir: '/data/edge/names',
};

function host(id: string, upstreamPort: number): EdgeHost {
  const hostname = `${id}.homeport.localhost`;
  return {
    id,
    hostname,
    homeserverUrl: `https://${hostname}:8443`,
    upstreamPort,
    edgeSocket: true,
    wellKnown: {
      client: { 'm.homeserver': { base_url: `https://${hostname}:8443/` } },
      server: { 'm.server': `${hostname}:8443` },
      support: { contacts: [{ role: 'm.role.admin', email_address: `admin@${hostname}` }] },
    },
  };
}

const twoHosts = [host('acme', 18001), host('globex', 18002)];

/** The routes of a host's own (moved names, another protected user), answered before the shared routes. */
function hostSubroutes(routes: CaddyRoute[], id: string): CaddyRoute[] {
  const route = routes.find((candidate) => candidate['@id'] === `host-${id}`);
  assert.ok(route, `route host-${id}`);
  const handler = route.handle[1];
  return handler?.handler === 'subroute' ? handler.routes : [];
}

/** One request as Caddy's matchers see it. */
interface Request { name: string; path: string; method: string; vars: Record<string, string>; existingFiles: string[] }

/** A value with Caddy's placeholders for the variables, the request's host and path filled in. */
function filled(text: string, request: Request): string {
  return text.replace(/\{http\.vars\.([a-z_]+)\}/g, (_all, name: string) => request.vars[name] ?? '')
    .replaceAll('{http.request.host}', request.name).replaceAll('{http.request.uri.path}', request.path);
}

/** Caddy 2.6's matchers, as far as the edge uses them: every matcher of a set must match. */
function setMatches(set: CaddyMatcherSet, request: Request): boolean {
  const pathMatches = (pattern: string) => {
    if (pattern.startsWith('*') && pattern.endsWith('*')) return request.path.includes(pattern.slice(1, -1));
    return pattern.endsWith('*') ? request.path.startsWith(pattern.slice(0, -1)) : request.path === pattern;
  };
  if (set.host && !set.host.includes(request.name)) return false;
  if (set.path && !set.path.some(pathMatches)) return false;
  if (set.method && !set.method.includes(request.method)) return false;
  if (set.vars && !Object.entries(set.vars).every(([name, values]) => values.includes(request.vars[name] ?? ''))) return false;
  if (set.vars_regexp && !Object.entries(set.vars_regexp).every(([key, { pattern }]) => new RegExp(pattern).test(filled(key, request)))) return false;
  if (set.file) {
    const root = filled(set.file.root, request);
    if (!(set.file.try_files ?? [request.path]).some((name) => request.existingFiles.includes(`${root}${filled(name, request)}`))) return false;
  }
  return !(set.not ?? []).some((not) => setMatches(not, request));
}

/**
 * What the edge answers `path` with `method` on `name`, as Caddy picks it: routes in order, a
 * host's own route setting its variables and answering from its subroutes; the first handler
 * that answers wins. Every host's names are linked (their page file exists) unless `linked` is false.
 */
function handlerFor(routes: CaddyRoute[], name: string, path: string, method = 'GET', existingFiles: string[] = [], linked = true): CaddyHandler | undefined {
  const request: Request = { name, path, method, vars: {}, existingFiles: linked ? [...existingFiles, `/data/edge/names/${name}/edge/no-web-client.html`] : existingFiles };
  const answers = (handler: CaddyHandler) => handler.handler !== 'vars' && handler.handler !== 'headers' && handler.handler !== 'rewrite' && handler.handler !== 'subroute';
  const walk = (list: CaddyRoute[]): CaddyHandler | undefined => {
    for (const route of list) {
      if (route.match && !route.match.some((set) => setMatches(set, request))) continue;
      for (const handler of route.handle) {
        if (handler.handler === 'vars') {
          for (const [key, value] of Object.entries(handler)) if (key !== 'handler') request.vars[key] = String(value);
        } else if (handler.handler === 'subroute') {
          const answer = walk(handler.routes);
          if (answer) return answer;
        } else if (answers(handler)) {
          return JSON.parse(filled(JSON.stringify(handler), request)) as CaddyHandler;
        }
      }
      if (route.terminal) return undefined;
    }
    return undefined;
  };
  return walk(routes);
}

const socketProxy = (name: string) => ({
  handler: 'reverse_proxy', upstreams: [{ dial: `unix//data/edge/names/${name}/edge.sock` }],
  // A sleeping host's waker lets go of the socket a moment before Synapse takes it.
  load_balancing: { try_duration: '60s', try_interval: '250ms' },
});
const notFound = { handler: 'static_response', status_code: 404 };
// A name this edge does not serve also closes the connection: a peer's kept connection must not stay here.
const notServed = { ...notFound, close: true };

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
    assert.deepEqual(handlerFor(routes, 'nobody.homeport.localhost', '/_matrix/client/versions', 'GET', [], false), notServed, 'a name of no host: 404, connection closed');
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

  it('serves every ordinary host through the link of its name, with nothing of its own in the configuration', () => {
    const routes = renderCaddyConfig({ ...base, hosts: twoHosts }).apps.http.servers.edge?.routes ?? [];
    assert.deepEqual(routes, renderCaddyConfig({ ...base, hosts: [] }).apps.http.servers.edge?.routes, 'the same configuration for 0 and for 2 hosts');
    for (const { id } of twoHosts) assert.equal(renderHostRoute(host(id, 18001), base.namesDir), undefined);

    for (const { hostname } of twoHosts) {
      const folder = `/data/edge/names/${hostname}/edge`;
      for (const name of ['client', 'server', 'support'] as const) {
        const file = `${folder}/.well-known/matrix/${name}`;
        assert.deepEqual(handlerFor(routes, hostname, `/.well-known/matrix/${name}`, 'GET', [file]), { handler: 'file_server', root: folder });
        const preflight = handlerFor(routes, hostname, `/.well-known/matrix/${name}`, 'OPTIONS', [file]);
        assert.equal(preflight?.handler, 'static_response');
        assert.equal(preflight.status_code, 204);
        assert.deepEqual(preflight.headers?.['Access-Control-Allow-Origin'], ['*']);
        // No file (e.g. federation off): not served.
        assert.deepEqual(handlerFor(routes, hostname, `/.well-known/matrix/${name}`), notFound);
      }
      for (const path of ['/_matrix/client/versions', '/_synapse/client/password_reset', '/_synapse/admin/v1/users']) {
        assert.deepEqual(handlerFor(routes, hostname, path), socketProxy(hostname));
      }
      for (const path of ['/_synapse/metrics', '/_synapse/replication/x', '/.well-known/other']) {
        assert.deepEqual(handlerFor(routes, hostname, path), notFound);
      }
      // Without an installed web client the client URL gives the page written into the host's folder.
      assert.deepEqual(handlerFor(routes, hostname, '/'), { handler: 'file_server', root: `/data/edge/names/${hostname}`, status_code: 503 });
      assert.deepEqual(handlerFor(routes, hostname, '/', 'GET', ['/data/element-web/current/index.html']), { handler: 'file_server', root: '/data/element-web/current' });
      // A name without a link is no host's.
      assert.deepEqual(handlerFor(routes, hostname, '/_matrix/client/versions', 'GET', [], false), notServed);
    }
  });

  it('looks up no name that could leave the names folder', () => {
    const routes = renderCaddyConfig({ ...base, hosts: twoHosts }).apps.http.servers.edge?.routes ?? [];
    for (const name of ['..', '.', '', 'a/../..', 'acme.homeport.localhost/..', '../hosts', 'a..b', 'ACME.homeport.localhost', '-a.example', 'a b', '%2e%2e']) {
      assert.ok(!isEdgeName(name), name);
      // Even with a file where the path would lead: the name is refused before any file is looked at.
      const everywhere = [`/data/edge/names/${name}/edge/no-web-client.html`, `/data/edge/names/${name}/edge/.well-known/matrix/client`];
      assert.deepEqual(handlerFor(routes, name, '/.well-known/matrix/client', 'GET', everywhere, false), notServed, `"${name}"`);
      assert.deepEqual(handlerFor(routes, name, '/_matrix/client/versions', 'GET', everywhere, false), notServed, `"${name}"`);
    }
    for (const name of ['acme.homeport.localhost', 'localhost', 'xn--bcher-kva.example', 'a-b.c0.example']) assert.ok(isEdgeName(name), name);
  });

  it('gives a host its own route only when it needs one: no edge socket yet, a socket path too long, moved names, another protected user', () => {
    const legacy = { ...host('acme', 18001), edgeSocket: false };
    const routes = renderCaddyConfig({ ...base, hosts: [legacy, host('globex', 18002)] }).apps.http.servers.edge?.routes ?? [];
    assert.deepEqual(routes.slice(0, 3).map((route) => route['@id']), ['host-defaults', 'host-acme', undefined]);
    assert.deepEqual(routes[1]?.match, [{ host: ['acme.homeport.localhost'] }]);
    assert.deepEqual(handlerFor(routes, 'acme.homeport.localhost', '/_matrix/client/versions'), {
      handler: 'reverse_proxy', upstreams: [{ dial: '127.0.0.1:18001' }], load_balancing: { try_duration: '60s', try_interval: '250ms' },
    });
    assert.deepEqual(handlerFor(routes, 'globex.homeport.localhost', '/_matrix/client/versions'), socketProxy('globex.homeport.localhost'));
    const longName = `${'a'.repeat(60)}.${'b'.repeat(20)}.example`;
    assert.ok(renderHostRoute({ ...host('long', 1), customNames: [longName] }, base.namesDir), 'a socket path over 107 bytes');
    assert.equal(renderHostRoute({ ...host('long', 1), customNames: [longName] }, '/n'), undefined);
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

  it('serves a host on all its domains (own, earlier through their links, moved through a route of its own)', () => {
    const routes = renderCaddyConfig({ ...base, onDemandAsk: ask, hosts: [custom, host('globex', 18002)] }).apps.http.servers.edge?.routes ?? [];
    assert.deepEqual(routes.slice(0, 3).map((route) => route['@id']), ['host-defaults', 'host-acme', undefined]);
    assert.deepEqual(routes[1]?.match, [{ host: ['acme.homeport.localhost', 'chat.example.com', 'example.com', 'old.example.com', 'older.example.com'] }]);
    assert.deepEqual(routes[1], renderHostRoute(custom, base.namesDir), 'the whole configuration is made of the same per-host routes');
    for (const name of ['acme.homeport.localhost', 'chat.example.com', 'old.example.com']) {
      assert.deepEqual(handlerFor(routes, name, '/_matrix/client/versions'), socketProxy(name));
    }
    const moved = handlerFor(routes, 'older.example.com', '/_matrix/client/versions', 'GET', [], false);
    assert.equal(moved?.handler === 'static_response' && moved.status_code, 401);
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
      { handler: 'file_server', root: '/data/edge/names/{http.request.host}/element-web' },
    ]);
    const installed = ['/opt/element/index.html'];
    const name = 'chat.example.com';
    assert.deepEqual(handlerFor(routes, name, '/config.json', 'GET', [...installed, `/data/edge/names/${name}/element-web/config.json`]), { handler: 'file_server', root: `/data/edge/names/${name}/element-web` });
    assert.deepEqual(handlerFor(routes, name, '/', 'GET', installed), { handler: 'file_server', root: '/opt/element' });
    assert.deepEqual(handlerFor(routes, name, '/bundles/app.js', 'GET', installed), { handler: 'file_server', root: '/opt/element' });
    assert.deepEqual(handlerFor(routes, name, '/_synapse/metrics'), notFound);
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

  /** Caddy 2.6's path matcher compares the lowercased, percent-decoded path: `%40` is `@`, `%3A` is `:`. */
  function refusedByEdge(routes: CaddyRoute[], name: string, rawPath: string): boolean {
    const answer = handlerFor(routes, name, decodeURIComponent(rawPath).toLowerCase());
    return answer?.handler === 'static_response' && answer.status_code === 403;
  }

  it('refuses, before anything reaches Synapse and with a Matrix error, every path naming the user in any encoding', () => {
    const routes = renderCaddyConfig({ ...base, hosts: [protectedHost] }).apps.http.servers.edge?.routes ?? [];
    assert.equal(renderHostRoute(protectedHost, base.namesDir), undefined, "Homeport's usual user needs no route of the host's own");
    const shared = routes.filter((route) => route['@id'] === undefined);
    const refusal = shared[1]?.handle[0];
    assert.equal(refusal?.handler, 'static_response');
    assert.deepEqual(shared[1]?.match, [{ path: ['*homeport-admin:*'] }], 'one plain substring pattern for every host');
    assert.deepEqual(JSON.parse(String(refusal.body)), { errcode: 'M_FORBIDDEN', error: 'This user is managed by the hosting provider and cannot be changed from inside the host.' });
    for (const path of userPaths) {
      for (const encode of encodings) {
        const rawPath = path.replace('{}', encode(homeportUser));
        assert.ok(refusedByEdge(routes, 'acme.homeport.localhost', rawPath), `refused: ${rawPath}`);
      }
      assert.ok(!refusedByEdge(routes, 'acme.homeport.localhost', path.replace('{}', encodeURIComponent('@alice:acme.homeport.localhost'))), `other users pass: ${path}`);
    }
  });

  it("refuses the usual user by Homeport's own localpart, and any other protected user by the host's own route", () => {
    assert.equal(standardProtectedLocalpart, adminLocalpart);
    const config = renderCaddyConfig({ ...base, hosts: [{ ...protectedHost, previousNames: ['old.example.org'] }, host('globex', 18002)] });
    const routes = config.apps.http.servers.edge?.routes ?? [];
    assert.ok(refusedByEdge(routes, 'old.example.org', `/_synapse/admin/v1/deactivate/${homeportUser}`), 'on previous client domains too');
    // A second protected user: refused by the host's own route, on the host's names only.
    const second = '@second:acme.homeport.localhost';
    const two = renderCaddyConfig({ ...base, hosts: [{ ...protectedHost, protectedUserIds: [homeportUser, second] }, host('globex', 18002)] }).apps.http.servers.edge?.routes ?? [];
    assert.ok(refusedByEdge(two, 'acme.homeport.localhost', `/_synapse/admin/v1/deactivate/${second}`));
    assert.ok(refusedByEdge(two, 'acme.homeport.localhost', `/_synapse/admin/v1/deactivate/${homeportUser}`));
    assert.ok(!refusedByEdge(two, 'globex.homeport.localhost', `/_synapse/admin/v1/deactivate/${second}`));
    assert.deepEqual(handlerFor(two, 'acme.homeport.localhost', '/_matrix/client/versions'), socketProxy('acme.homeport.localhost'), 'still through its socket');
  });
});
