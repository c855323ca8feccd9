// Single sign-on of a host's users through OpenID Connect providers: what a provider setting is,
// and the rules a customer's input must meet before Synapse is given it.
export const userIdSources = ['preferred_username', 'sub', 'email_localpart'] as const;
/** Which claim of the provider's ID token becomes the Matrix user ID's localpart. */
export type UserIdSource = (typeof userIdSources)[number];

export interface SsoProvider {
  /** Short name unique within the host, in Synapse's `idp_id` (as `oidc-<id>`) and the login URL. */
  id: string;
  /** What the login button says, e.g. "Acme staff". */
  name: string;
  issuer: string;
  clientId: string;
  scopes: string[];
  userIdSource: UserIdSource;
}

export interface SingleSignOn {
  providers: (SsoProvider & { clientSecret: string })[];
  /** Off: only single sign-on logs in (Synapse's password_config.enabled false). */
  passwordLogin: boolean;
}

export const noSingleSignOn: SingleSignOn = { providers: [], passwordLogin: true };

export const maxProviders = 5;
export const maxScopes = 10;

const providerIdPattern = /^[a-z0-9][a-z0-9_-]{0,31}$/;
// RFC 6749 §3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E )
const scopePattern = /^[\x21\x23-\x5b\x5d-\x7e]{1,64}$/;

export interface FieldError {
  field: string;
  message: string;
}

/** Synapse's identity-provider id for the provider: it prefixes `oidc-` to the configured one. */
export function synapseIdpId(providerId: string): string {
  return `oidc-${providerId}`;
}

/** The URL customers register at their provider as the redirect (callback) URI of the host. */
export function ssoRedirectUri(publicBaseUrl: string): string {
  return new URL('_synapse/client/oidc/callback', publicBaseUrl.endsWith('/') ? publicBaseUrl : `${publicBaseUrl}/`).toString();
}

/**
 * The issuer's errors, if any. HTTPS only, except plain http on development installations (a
 * provider on loopback in tests), where Synapse is told to skip its own https checks.
 */
export function issuerErrors(issuer: string, allowHttp: boolean): string[] {
  let url: URL;
  try {
    url = new URL(issuer);
  } catch {
    return ['The issuer must be a URL such as https://login.example.org/realms/staff.'];
  }
  if (url.protocol !== 'https:' && !(allowHttp && url.protocol === 'http:')) return ['The issuer must be an https:// URL.'];
  if (url.username || url.password) return ['The issuer must not contain a user name or password.'];
  if (url.search || url.hash) return ['The issuer must not have a query (?) or fragment (#).'];
  if (issuer.length > 300) return ['The issuer is longer than 300 characters.'];
  return [];
}

/** Every problem with a provider setting, by field (empty when it is fine). */
export function providerErrors(provider: SsoProvider, clientSecret: string | undefined, allowHttpIssuer: boolean): FieldError[] {
  const errors: FieldError[] = [];
  // Synapse leaves the id `oidc` alone and prefixes `oidc-` to every other.
  if (!providerIdPattern.test(provider.id) || provider.id === 'oidc') errors.push({ field: 'id', message: 'The id is 1–32 lowercase letters, digits, - or _, starting with a letter or digit.' });
  if (provider.name.trim() === '' || provider.name.length > 64) errors.push({ field: 'name', message: 'The name is 1–64 characters.' });
  for (const message of issuerErrors(provider.issuer, allowHttpIssuer)) errors.push({ field: 'issuer', message });
  if (!/^[\x21-\x7e]{1,200}$/.test(provider.clientId)) errors.push({ field: 'clientId', message: 'The client ID is 1–200 visible ASCII characters.' });
  if (clientSecret !== undefined && !/^[\x20-\x7e]{1,500}$/.test(clientSecret)) errors.push({ field: 'clientSecret', message: 'The client secret is 1–500 printable ASCII characters.' });
  if (!provider.scopes.includes('openid')) errors.push({ field: 'scopes', message: 'The scopes must include openid.' });
  if (provider.scopes.length > maxScopes) errors.push({ field: 'scopes', message: `At most ${maxScopes} scopes.` });
  const badScope = provider.scopes.find((scope) => !scopePattern.test(scope));
  if (badScope !== undefined) errors.push({ field: 'scopes', message: `"${badScope.slice(0, 64)}" is not an OAuth scope (no spaces, quotes or backslashes).` });
  if (!userIdSources.includes(provider.userIdSource)) errors.push({ field: 'userIdSource', message: `The user ID comes from one of: ${userIdSources.join(', ')}.` });
  return errors;
}

/** The scopes as stored: trimmed, without duplicates, openid first. */
export function normaliseScopes(scopes: string[]): string[] {
  const unique = [...new Set(scopes.map((scope) => scope.trim()).filter((scope) => scope !== ''))];
  return unique.includes('openid') ? ['openid', ...unique.filter((scope) => scope !== 'openid')] : unique;
}

/** Password login can only be switched off while some provider can log users in. */
export function passwordLoginError(passwordLogin: boolean, providerCount: number): string | undefined {
  return !passwordLogin && providerCount === 0 ? 'Add an identity provider before switching password login off, or nobody could log in.' : undefined;
}
