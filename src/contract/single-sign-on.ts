// A host's single sign-on as the API shows and takes it. The client secret goes in, never out.
import { Type } from 'typebox';
import { maxScopes } from '../domain/single-sign-on.ts';

export const UserIdSource = Type.Union([Type.Literal('preferred_username'), Type.Literal('sub'), Type.Literal('email_localpart')], {
  description: 'Which claim becomes the Matrix username: preferred_username, sub (the provider\'s subject), or the part of email before the @',
});

export const SsoProvider = Type.Object({
  id: Type.String({ description: 'Short name unique within the host; Synapse knows it as oidc-<id>' }),
  name: Type.String({ description: 'What the login button says' }),
  issuer: Type.String({ description: 'The OpenID Connect issuer URL' }),
  clientId: Type.String(),
  scopes: Type.Array(Type.String()),
  userIdSource: UserIdSource,
});

export const SignOn = Type.Object({
  providers: Type.Array(SsoProvider),
  passwordLogin: Type.Boolean({ description: 'Whether users may still log in with a password' }),
  redirectUri: Type.String({ description: 'Register this as the redirect (callback) URI at each provider' }),
});

export const SsoProviderParams = Type.Object({
  id: Type.String({ maxLength: 100, description: 'Host id or label' }),
  providerId: Type.String({ maxLength: 32, pattern: '^[a-z0-9][a-z0-9_-]{0,31}$', description: 'Lowercase letters, digits, - and _' }),
});

export const SsoProviderBody = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 64 }),
  issuer: Type.String({ minLength: 1, maxLength: 300, description: 'https://… exactly as the provider\'s discovery document names it' }),
  clientId: Type.String({ minLength: 1, maxLength: 200 }),
  clientSecret: Type.Optional(Type.String({ minLength: 1, maxLength: 500, description: 'Required for a new provider; omitted, the stored secret stays' })),
  scopes: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { maxItems: maxScopes, description: 'Default: openid profile email' })),
  userIdSource: UserIdSource,
}, { additionalProperties: false });

export const PasswordLoginBody = Type.Object({ passwordLogin: Type.Boolean() }, { additionalProperties: false });

export const SsoLinkBody = Type.Object({
  providerId: Type.String({ maxLength: 32, pattern: '^[a-z0-9][a-z0-9_-]{0,31}$' }),
  subject: Type.String({ minLength: 1, maxLength: 255, description: 'The user\'s subject (sub claim) at the provider' }),
}, { additionalProperties: false });

export const SsoLinks = Type.Object({
  links: Type.Array(Type.Object({ authProvider: Type.String(), externalId: Type.String() })),
});
