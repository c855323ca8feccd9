// Single sign-on rules and rendering: what a provider setting may be, the oidc_providers Synapse
// gets, password login off, and an export that names the client secret's place without carrying it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { portableHomeserverConfig } from '../../src/domain/export-document.ts';
import { normaliseScopes, passwordLoginError, providerErrors, ssoRedirectUri, type SsoProvider } from '../../src/domain/single-sign-on.ts';
import { singleSignOnSettings } from '../../src/synapse/oidc-config.ts';

const provider: SsoProvider = { id: 'staff', name: 'Staff', issuer: 'https://login.example.org/realms/staff', clientId: 'matrix', scopes: ['openid', 'profile'], userIdSource: 'preferred_username' };

test('refuses bad provider settings at their fields', () => {
  assert.deepEqual(providerErrors(provider, 'secret', false), []);
  const fields = (changes: Partial<SsoProvider>, secret?: string, allowHttp = false) =>
    providerErrors({ ...provider, ...changes }, secret, allowHttp).map((error) => error.field);
  assert.deepEqual(fields({ issuer: 'http://login.example.org' }), ['issuer']);
  assert.deepEqual(fields({ issuer: 'http://127.0.0.1:9000' }, undefined, true), []);
  assert.deepEqual(fields({ issuer: 'https://login.example.org/?x=1' }), ['issuer']);
  assert.deepEqual(fields({ issuer: 'not a url' }), ['issuer']);
  assert.deepEqual(fields({ id: 'Staff!' }), ['id']);
  assert.deepEqual(fields({ id: 'oidc' }), ['id']);
  assert.deepEqual(fields({ scopes: ['profile'] }), ['scopes']);
  assert.deepEqual(fields({ scopes: ['openid', 'a "b'] }), ['scopes']);
  assert.deepEqual(fields({}, 'line\nbreak'), ['clientSecret']);
  assert.deepEqual(fields({ userIdSource: 'name' as SsoProvider['userIdSource'] }), ['userIdSource']);
  assert.deepEqual(normaliseScopes([' email ', 'openid', 'email', '']), ['openid', 'email']);
});

test('password login cannot go off without a provider', () => {
  assert.match(passwordLoginError(false, 0) ?? '', /identity provider/);
  assert.equal(passwordLoginError(false, 1), undefined);
  assert.equal(passwordLoginError(true, 0), undefined);
});

test('the redirect URI is the host\'s Synapse OIDC callback', () => {
  assert.equal(ssoRedirectUri('https://acme.example.org:8443/'), 'https://acme.example.org:8443/_synapse/client/oidc/callback');
  assert.equal(ssoRedirectUri('https://acme.example.org'), 'https://acme.example.org/_synapse/client/oidc/callback');
});

test('renders oidc_providers and password login for Synapse', () => {
  const settings = singleSignOnSettings({ providers: [{ ...provider, clientSecret: 's3cret' }, { ...provider, id: 'dev', issuer: 'http://127.0.0.1:9000', userIdSource: 'email_localpart', clientSecret: 'x' }], passwordLogin: false }, 'pepper');
  assert.deepEqual(settings.password_config, { enabled: false, pepper: 'pepper' });
  const [staff, dev] = settings.oidc_providers as Record<string, unknown>[];
  assert.equal(staff?.idp_id, 'staff');
  assert.equal(staff?.client_secret, 's3cret');
  assert.equal(staff?.allow_existing_users, false);
  assert.equal(staff?.skip_verification, undefined);
  assert.deepEqual((staff?.user_mapping_provider as { config: Record<string, string> }).config.localpart_template, '{{ user.preferred_username }}');
  assert.equal(dev?.skip_verification, true);
  assert.deepEqual((dev?.user_mapping_provider as { config: Record<string, string> }).config.localpart_template, '{{ user.email | localpart_from_email }}');
  const passwordsOnly = singleSignOnSettings({ providers: [], passwordLogin: true }, 'pepper');
  assert.equal(passwordsOnly.oidc_providers, undefined);
});

test('an export names where each client secret goes without carrying it', () => {
  const settings = singleSignOnSettings({ providers: [{ ...provider, clientSecret: 's3cret' }], passwordLogin: true }, 'pepper');
  const portable = portableHomeserverConfig({ server_name: 'acme.example.org', ...settings }, 'acme.example.org');
  const text = JSON.stringify(portable);
  assert.equal(text.includes('s3cret'), false);
  assert.equal((portable as { oidc_providers: { client_secret: string }[] }).oidc_providers[0]?.client_secret, 'CLIENT_SECRET_OF_STAFF');
});
