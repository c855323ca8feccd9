// Where the development federation proxy sends a CONNECT: this installation's names to the edge, peers to their address, nothing else.
import assert from 'node:assert/strict';
import { connect, createServer, type AddressInfo } from 'node:net';
import { test } from 'node:test';
import { createLogger } from '../../src/logger.ts';
import { DevelopmentFederationProxy } from '../../src/runtime/local/development-federation-proxy.ts';

const edge = { address: '127.0.0.1', port: 8443 };

function proxy(): DevelopmentFederationProxy {
  return new DevelopmentFederationProxy({
    port: 1, baseDomain: 'homeport.localhost', edge, peers: [{ serverName: 'outside.localhost', address: '127.0.0.1', port: 9448 }], logger: createLogger('silent'),
  });
}

test('names on the base domain go to the edge on the well-known and federation ports only', () => {
  const tested = proxy();
  for (const port of [443, 8448, 8443]) assert.deepEqual(tested.destination('acme.homeport.localhost', port), edge);
  assert.deepEqual(tested.destination('ACME.homeport.localhost.', 443), edge);
  for (const port of [22, 5432, 8080]) assert.equal(tested.destination('acme.homeport.localhost', port), undefined);
  assert.equal(tested.destination('evilhomeport.localhost', 443), undefined);
});

test('custom domains follow the edge routes; peers go to their address; anything else is refused', () => {
  const tested = proxy();
  assert.equal(tested.destination('chat.example.com', 443), undefined);
  tested.setCustomNames(new Map([['h1', ['example.com', 'Chat.Example.com']], ['h2', ['other.example']]]));
  assert.deepEqual(tested.destination('chat.example.com', 443), edge);
  assert.deepEqual(tested.destination('example.com', 8448), edge);
  tested.setHostCustomNames('h1', []);
  assert.equal(tested.destination('example.com', 8448), undefined);
  assert.deepEqual(tested.destination('other.example', 443), edge, "another host's names stay");
  tested.setCustomNames(new Map());
  assert.equal(tested.destination('other.example', 443), undefined);
  assert.deepEqual(tested.destination('outside.localhost', 443), { address: '127.0.0.1', port: 9448 });
  assert.equal(tested.destination('matrix.org', 8448), undefined);
  assert.equal(tested.destination('127.0.0.1', 8443), undefined);
});

test('tunnels a CONNECT to its destination, and stops although a tunnel is still open', { timeout: 10_000 }, async () => {
  // The target keeps its connections open, as Synapse's federation connections stay open.
  const target = createServer((socket) => socket.write('hello through the tunnel'));
  await new Promise<void>((resolve) => target.listen(0, '127.0.0.1', resolve));
  const targetPort = (target.address() as AddressInfo).port;
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const proxyPort = (probe.address() as AddressInfo).port;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  const tested = new DevelopmentFederationProxy({
    port: proxyPort, baseDomain: 'homeport.localhost', edge, peers: [{ serverName: 'peer.localhost', address: '127.0.0.1', port: targetPort }], logger: createLogger('silent'),
  });
  await tested.start();
  const socket = connect(proxyPort, '127.0.0.1', () => socket.write('CONNECT peer.localhost:443 HTTP/1.1\r\nHost: peer.localhost:443\r\n\r\n'));
  const received = await new Promise<string>((resolve) => {
    let text = '';
    socket.on('data', (chunk) => {
      text += chunk.toString();
      if (text.includes('hello through the tunnel')) resolve(text);
    });
  });
  assert.match(received, /^HTTP\/1\.1 200 Connection Established\r\n\r\nhello through the tunnel/);
  const idle = connect(proxyPort, '127.0.0.1', () => idle.write('CONNECT peer.localhost:8448 HTTP/1.1\r\n\r\n'));
  await new Promise((resolve) => idle.once('data', resolve));
  await tested.stop();
  socket.destroy();
  idle.destroy();
  target.close();
});
