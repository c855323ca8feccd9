// Renders a host's single sign-on into Synapse's settings: `oidc_providers` and whether password login stays on.
import type { SingleSignOn, UserIdSource } from '../domain/single-sign-on.ts';

// Jinja templates over the ID token's (and userinfo's) claims; Synapse lowercases and escapes
// the result into a valid localpart itself.
const localpartTemplates: Record<UserIdSource, string> = {
  preferred_username: '{{ user.preferred_username }}',
  sub: '{{ user.sub }}',
  email_localpart: '{{ user.email | localpart_from_email }}',
};

export function singleSignOnSettings(sso: SingleSignOn, pepper: string): Record<string, unknown> {
  return {
    password_config: { enabled: sso.passwordLogin, pepper },
    ...(sso.providers.length > 0 ? {
      oidc_providers: sso.providers.map((provider) => ({
        // Synapse prefixes `oidc-` itself (see synapseIdpId).
        idp_id: provider.id,
        idp_name: provider.name,
        issuer: provider.issuer,
        client_id: provider.clientId,
        client_secret: provider.clientSecret,
        scopes: provider.scopes,
        // Off: a provider account never takes over an existing Matrix user by name; existing users
        // are linked explicitly (admin API external_ids), so a look-alike username cannot.
        allow_existing_users: false,
        // OpenID Connect Core §5.4: with an access token, conformant providers put profile claims
        // (preferred_username, email) in userinfo only, not in the ID token.
        user_profile_method: 'userinfo_endpoint',
        // Only plain-http issuers get here (development installations): Synapse's checks demand https.
        ...(provider.issuer.startsWith('http:') ? { skip_verification: true } : {}),
        user_mapping_provider: {
          config: { localpart_template: localpartTemplates[provider.userIdSource], display_name_template: '{{ user.name }}' },
        },
      })),
    } : {}),
  };
}
