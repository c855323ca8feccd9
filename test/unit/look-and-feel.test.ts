import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { SeenDocument } from '../../src/domain/delegation-findings.ts';
import { noLookAndFeel, renderElementConfig } from '../../src/domain/element-config.ts';
import { judgeLookAndFeelUrl, lookAndFeelProblems } from '../../src/domain/look-and-feel-findings.ts';

function seen(status: number, headers: Record<string, string>, body = ''): SeenDocument {
  return { ok: true, hops: [{ url: 'https://example.com/x', status, headers }], body };
}

const html = { 'content-type': 'text/html; charset=utf-8', 'access-control-allow-origin': '*' };
const codes = (findings: { severity: string; code: string }[]) => findings.map((finding) => `${finding.severity}:${finding.code}`);

describe('look-and-feel rules', () => {
  it('accepts a welcome page served as HTML with CORS that links to sign-in and registration', () => {
    const body = '<a href="#/login">Sign in</a> <a href="https://chat.example.com/#/register">Create account</a>';
    assert.deepEqual(judgeLookAndFeelUrl('welcomeUrl', 'https://example.com/welcome.html', seen(200, html, body)), []);
  });

  it('says what is wrong with a welcome page and how to fix it', () => {
    const findings = judgeLookAndFeelUrl('welcomeUrl', 'https://example.com/welcome', seen(200, { 'content-type': 'text/plain' }, 'Welcome'));
    assert.deepEqual(codes(findings), ['error:welcomeUrl-content-type', 'error:welcomeUrl-cors-missing', 'error:welcomeUrl-login-link-missing', 'error:welcomeUrl-register-link-missing']);
    assert.match(findings[2]?.fix ?? '', /<a href="#\/login">/);
    assert.ok(findings.every((finding) => finding.field === 'welcomeUrl' && finding.message.length > 0));
  });

  it('wants images to be images; CORS on an image is only a warning', () => {
    assert.deepEqual(judgeLookAndFeelUrl('logoUrl', 'https://example.com/logo.svg', seen(200, { 'content-type': 'image/svg+xml', 'access-control-allow-origin': '*' })), []);
    assert.deepEqual(codes(judgeLookAndFeelUrl('logoUrl', 'https://example.com/logo', seen(200, { 'content-type': 'text/html' }))), ['error:logoUrl-content-type', 'warning:logoUrl-cors-missing']);
  });

  it('reports a status other than 200 and a fetch that failed', () => {
    assert.deepEqual(codes(judgeLookAndFeelUrl('homeUrl', 'https://example.com/home', seen(404, html))), ['error:homeUrl-status']);
    const refused: SeenDocument = { ok: false, hops: [], failure: 'refused-address', detail: 'resolves to 10.0.0.1' };
    assert.deepEqual(codes(judgeLookAndFeelUrl('homeUrl', 'https://internal.example.com/', refused)), ['error:homeUrl-refused-address']);
    const big: SeenDocument = { ok: false, hops: [], failure: 'too-large', detail: '9 MB' };
    assert.deepEqual(codes(judgeLookAndFeelUrl('welcomeBackgroundUrl', 'https://example.com/bg.jpg', big)), ['warning:welcomeBackgroundUrl-too-large']);
  });

  it('refuses to save anything but https URLs and a one-line brand', () => {
    assert.deepEqual(lookAndFeelProblems({ ...noLookAndFeel, homeUrl: 'https://example.com/', brand: 'Acme Chat' }), []);
    const problems = lookAndFeelProblems({ ...noLookAndFeel, homeUrl: 'http://example.com/', logoUrl: 'not a url', welcomeUrl: 'https://u:p@example.com/', brand: 'two\nlines' });
    assert.deepEqual(problems.map((problem) => problem.field), ['homeUrl', 'welcomeUrl', 'logoUrl', 'brand']);
  });
});

describe('Element Web config.json', () => {
  it("points the client at the host and carries the host's look and feel", () => {
    const config = renderElementConfig({
      homeserverUrl: 'https://chat.example.com/', serverName: 'example.com',
      lookAndFeel: { brand: 'Acme Chat', homeUrl: 'https://example.com/home.html', welcomeUrl: 'https://example.com/welcome.html', logoUrl: 'https://example.com/logo.svg', welcomeBackgroundUrl: 'https://example.com/bg.jpg' },
      calls: false,
    });
    assert.deepEqual(config, {
      default_server_config: { 'm.homeserver': { base_url: 'https://chat.example.com', server_name: 'example.com' } },
      disable_custom_urls: true,
      brand: 'Acme Chat',
      embedded_pages: { home_url: 'https://example.com/home.html', welcome_url: 'https://example.com/welcome.html' },
      branding: { auth_header_logo_url: 'https://example.com/logo.svg', welcome_background_url: 'https://example.com/bg.jpg' },
    });
  });

  it("leaves Element Web's defaults where nothing is set", () => {
    const config = renderElementConfig({ homeserverUrl: 'https://acme.homeport.localhost:8443/', serverName: 'acme.homeport.localhost', lookAndFeel: noLookAndFeel, calls: false });
    assert.equal(config.brand, 'Element');
    assert.equal(config.embedded_pages, undefined);
    assert.equal(config.branding, undefined);
    assert.equal(config.element_call, undefined, 'no Element Call without calls');
  });

  it('with calls on, every call goes through the Element Call Element Web carries', () => {
    const config = renderElementConfig({ homeserverUrl: 'https://acme.homeport.localhost:8443/', serverName: 'acme.homeport.localhost', lookAndFeel: noLookAndFeel, calls: true });
    assert.deepEqual(config.element_call, { use_exclusively: true });
    assert.deepEqual(config.features, { feature_group_calls: true, feature_video_rooms: true, feature_element_call_video_rooms: true });
  });
});
