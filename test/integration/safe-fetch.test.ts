// The SSRF-safe fetcher against a real DNS server and real servers on loopback: names that resolve
// to non-public addresses, or redirect to them, are refused before any connection is made.
import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, describe, test } from 'node:test';
import { createResolver } from '../../src/net/dns-resolver.ts';
import { parseAllowList } from '../../src/net/public-address.ts';
import { safeFetch, type SafeFetchOptions } from '../../src/net/safe-fetch.ts';
import { freePort } from '../support/throwaway-postgres.ts';
import { closeServer, makeCertificate, randomLoopbackAddress, startDnsServer, startHttpsServer, type TestCertificate, type TestDnsServer } from '../support/delegation-web.ts';

describe('SSRF-safe fetcher', () => {
  let dns: TestDnsServer;
  let certificate: TestCertificate;
  let web: Awaited<ReturnType<typeof startHttpsServer>>;
  const trap = { v4: undefined as net.Server | undefined, v6: undefined as net.Server | undefined, connections: 0, port: 0 };
  const webAddress = randomLoopbackAddress();

  before(async () => {
    trap.port = await freePort();
    const listen = (host: string) => new Promise<net.Server>((resolve, reject) => {
      const server = net.createServer((socket) => { trap.connections += 1; socket.destroy(); });
      server.once('error', reject);
      server.listen(trap.port, host, () => resolve(server));
    });
    trap.v4 = await listen('127.0.0.1');
    trap.v6 = await listen('::1');
    dns = await startDnsServer({
      'loopback.test': { A: ['127.0.0.1'] },
      'private.test': { A: ['10.0.0.1'] },
      'metadata.test': { A: ['169.254.169.254'] },
      'v6-loopback.test': { AAAA: ['::1'] },
      // dns2 cannot encode the dotted form; this is ::ffff:127.0.0.1.
      'mapped.test': { AAAA: ['::ffff:7f00:1'] },
      'redirector.test': { A: [webAddress] },
    });
    certificate = await makeCertificate(['redirector.test']);
    web = await startHttpsServer(certificate, webAddress, 443, (request, response) => {
      const target = new URL(request.url ?? '/', 'https://redirector.test').searchParams.get('to') ?? '';
      response.writeHead(302, { location: target }).end();
    });
  });
  after(async () => {
    await closeServer(web);
    await closeServer(trap.v4);
    await closeServer(trap.v6);
    await dns?.close();
    await certificate?.remove();
  });

  const options = (allow: string[] = []): SafeFetchOptions => ({
    resolver: createResolver([dns.address]),
    allow: parseAllowList(allow),
    extraCa: certificate.cert,
    timeoutMs: 3000,
    maxBytes: 64 * 1024,
    maxRedirects: 30,
  });

  test('refuses names that resolve to loopback, private, link-local, IPv6 loopback and IPv4-mapped addresses, without connecting', async () => {
    const cases: [string, RegExp][] = [
      ['loopback.test', /127\.0\.0\.1 \(loopback\)/], ['private.test', /10\.0\.0\.1 \(private\)/], ['metadata.test', /169\.254\.169\.254 \(linkLocal\)/],
      ['v6-loopback.test', /::1 \(loopback\)/], ['mapped.test', /::ffff:(127\.0\.0\.1|7f00:1) \(loopback\)/],
    ];
    for (const [name, detail] of cases) {
      const result = await safeFetch(`http://${name}:${trap.port}/.well-known/matrix/server`, options());
      assert.equal(result.ok, false, name);
      assert.ok(!result.ok && result.failure === 'refused-address', name);
      assert.match(!result.ok ? result.detail : '', detail);
      assert.deepEqual(result.hops, []);
    }
    for (const literal of ['127.0.0.1', '[::1]', '[::ffff:127.0.0.1]']) {
      const result = await safeFetch(`http://${literal}:${trap.port}/`, options());
      assert.ok(!result.ok && result.failure === 'refused-address', literal);
    }
    assert.equal(trap.connections, 0, 'no connection reached the loopback listener');
  });

  test('re-checks every redirect hop: a public-looking name redirecting to loopback is refused before connecting', async () => {
    for (const target of [`http://127.0.0.1:${trap.port}/`, `http://loopback.test:${trap.port}/`, `http://[::ffff:127.0.0.1]:${trap.port}/`, `http://metadata.test:${trap.port}/latest/meta-data/`]) {
      const result = await safeFetch(`https://redirector.test/?to=${encodeURIComponent(target)}`, options([webAddress]));
      assert.ok(!result.ok && result.failure === 'refused-address', `${target}: ${JSON.stringify(result)}`);
      assert.equal(result.hops.length, 1);
      assert.equal(result.hops[0]?.status, 302);
      assert.equal(result.hops[0]?.address, webAddress);
    }
    assert.equal(trap.connections, 0, 'no connection reached the loopback listener');
  });

  test('the allow-list admits exactly the named address', async () => {
    const refused = await safeFetch(`http://loopback.test:${trap.port}/`, options([webAddress]));
    assert.ok(!refused.ok && refused.failure === 'refused-address');
    assert.equal(trap.connections, 0);
    const admitted = await safeFetch(`http://loopback.test:${trap.port}/`, options(['127.0.0.1']));
    assert.ok(!admitted.ok && admitted.failure === 'unreachable', JSON.stringify(admitted));
    assert.equal(trap.connections, 1, 'the allow-listed address was reached');
  });

  test('refuses URLs with credentials and other schemes', async () => {
    for (const url of ['https://user:secret@redirector.test/', 'file:///etc/passwd', 'ftp://redirector.test/']) {
      const result = await safeFetch(url, options([webAddress]));
      assert.ok(!result.ok && result.failure === 'bad-url', url);
    }
  });
});
