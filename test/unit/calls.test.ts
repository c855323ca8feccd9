import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadConfig } from '../../src/config.ts';
import { callAccess, callsProblem, livekitRoomName, livekitUrl, rtcFoci, tokenServiceUrl } from '../../src/domain/calls.ts';
import { renderCaddyConfig, type CaddyRoute } from '../../src/runtime/local/caddy-config.ts';
import { renderLivekitConfig } from '../../src/runtime/local/livekit-server.ts';
import { wellKnownDocuments } from '../../src/runtime/local/well-known-documents.ts';
import { callsSettings } from '../../src/synapse/calls-config.ts';

describe('calls', () => {
  it('names the token service and LiveKit on rtc.<base domain>, without :443', () => {
    assert.equal(tokenServiceUrl('example.net', 443), 'https://rtc.example.net/livekit/jwt');
    assert.equal(tokenServiceUrl('homeport.localhost', 8443), 'https://rtc.homeport.localhost:8443/livekit/jwt');
    assert.equal(livekitUrl('example.net', 443), 'wss://rtc.example.net/livekit/sfu');
  });

  it('gives every participant of a Matrix room the same opaque LiveKit room, another room another', () => {
    const room = livekitRoomName('!abc:alpha.example.net');
    assert.equal(room, livekitRoomName('!abc:alpha.example.net'));
    assert.notEqual(room, livekitRoomName('!abd:alpha.example.net'));
    assert.ok(!room.includes('alpha'));
  });

  it("lets local hosts' users with calls on start calls, remote users only join when allowed", () => {
    const local = { kind: 'local' as const, callsEnabled: true };
    assert.deepEqual(callAccess({ installationCalls: true, server: local, remoteUsers: false }), { grant: 'create' });
    assert.equal(callAccess({ installationCalls: true, server: { kind: 'local', callsEnabled: false }, remoteUsers: true }).grant, 'none');
    assert.deepEqual(callAccess({ installationCalls: true, server: { kind: 'remote' }, remoteUsers: true }), { grant: 'join-existing' });
    assert.equal(callAccess({ installationCalls: true, server: { kind: 'remote' }, remoteUsers: false }).grant, 'none');
    assert.equal(callAccess({ installationCalls: false, server: local, remoteUsers: true }).grant, 'none');
  });

  it('says why calls do not work, installation first', () => {
    assert.equal(callsProblem({ installationCalls: true, hostCalls: true, livekitRunning: true }), null);
    assert.equal(callsProblem({ installationCalls: true, hostCalls: true, livekitRunning: undefined }), null);
    assert.match(callsProblem({ installationCalls: true, hostCalls: true, livekitRunning: false }) ?? '', /media server/);
    assert.match(callsProblem({ installationCalls: true, hostCalls: false, livekitRunning: true }) ?? '', /switched off/);
    assert.match(callsProblem({ installationCalls: false, hostCalls: true, livekitRunning: true }) ?? '', /operator/);
  });

  it("puts rtc_foci in a host's client well-known only with calls on", () => {
    const spec = { publicBaseUrl: 'https://a.example.net/', delegatedServer: 'a.example.net:443', supportEmail: null };
    const on = wellKnownDocuments({ ...spec, callsServiceUrl: 'https://rtc.example.net/livekit/jwt' });
    assert.deepEqual(on.client, { 'm.homeserver': { base_url: 'https://a.example.net' }, ...rtcFoci('https://rtc.example.net/livekit/jwt') });
    assert.deepEqual(wellKnownDocuments({ ...spec, callsServiceUrl: null }).client, { 'm.homeserver': { base_url: 'https://a.example.net' } });
  });

  it('renders the Synapse settings MatrixRTC needs, and none with calls off', () => {
    assert.deepEqual(callsSettings(null), {});
    const settings = callsSettings({ serviceUrl: 'https://rtc.example.net/livekit/jwt' });
    assert.equal(settings.max_event_delay_duration, '24h');
    assert.deepEqual(settings.experimental_features, { msc4222_enabled: true, msc4143_enabled: true });
    assert.deepEqual(settings.matrix_rtc, { transports: [{ type: 'livekit', livekit_service_url: 'https://rtc.example.net/livekit/jwt' }] });
  });

  it('keeps LiveKit signalling on loopback, never auto-creates rooms, and turns TURN on only with a port', () => {
    const calls = { signalPort: 7880, rtcTcpPort: 7881, rtcUdpPort: 7882, publicIp: '203.0.113.5', turnPort: 3478 };
    const config = renderLivekitConfig({ calls, baseDomain: 'example.net', apiKey: 'K' });
    assert.deepEqual(config.bind_addresses, ['127.0.0.1']);
    assert.deepEqual(config.room, { auto_create: false, empty_timeout: 300, departure_timeout: 20 });
    assert.deepEqual(config.rtc, { tcp_port: 7881, udp_port: 7882, node_ip: '203.0.113.5', use_external_ip: false });
    assert.deepEqual(config.turn, { enabled: true, domain: 'rtc.example.net', udp_port: 3478, tls_port: 0 });
    assert.deepEqual(renderLivekitConfig({ calls: { ...calls, turnPort: 0 }, baseDomain: 'example.net', apiKey: 'K' }).turn, { enabled: false });
    assert.ok(!JSON.stringify(config).includes('secret'));
  });

  it('routes the calls name before the catch-all and gets its certificate up front', () => {
    const config = renderCaddyConfig({
      adminSocket: '/a.sock', storageDir: '/s', bindHost: '', httpPort: 80, httpsPort: 443, tls: { mode: 'internal' }, elementWebDir: '/e', hostsDir: '/h', namesDir: '/n', hosts: [],
      calls: { hostname: 'rtc.example.net', tokenServiceDial: '127.0.0.1:8080', livekitDial: '127.0.0.1:7880' },
    });
    const routes = config.apps.http.servers.edge!.routes;
    const calls = routes.find((route) => route['@id'] === 'calls') as CaddyRoute;
    assert.deepEqual(calls.match, [{ host: ['rtc.example.net'] }]);
    assert.equal(routes.at(-1)?.match, undefined, 'the catch-all stays last');
    assert.ok(config.apps.tls.automation.policies[0]?.subjects?.includes('rtc.example.net'));
    const text = JSON.stringify(calls);
    assert.ok(text.includes('"/api/v1/calls/"') && text.includes('127.0.0.1:7880'));
  });

  it('reads the calls settings: on by default, a public IP must be an address', () => {
    const config = loadConfig({ HOMEPORT_BASE_DOMAIN: 'homeport.localhost' });
    assert.equal(config.calls.enabled, true);
    assert.equal(config.calls.publicIp, '127.0.0.1');
    assert.equal(loadConfig({ HOMEPORT_BASE_DOMAIN: 'example.net' }).calls.publicIp, undefined);
    assert.equal(loadConfig({ HOMEPORT_CALLS: 'false' }).calls.enabled, false);
    assert.throws(() => loadConfig({ HOMEPORT_CALLS_PUBLIC_IP: 'edge.example.net' }), /HOMEPORT_CALLS_PUBLIC_IP/);
  });
});
