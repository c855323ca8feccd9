// A certified OpenID provider (npm oidc-provider) on loopback over plain http, with its
// development login form: any user name logs in as that account, whose claims are derived from it.
import type { AddressInfo } from 'node:net';
import { createServer, type Server } from 'node:http';
import Provider from 'oidc-provider';

export interface OpenIdProvider {
  issuer: string;
  stop(): Promise<void>;
}

export async function startOpenIdProvider(client: { clientId: string; clientSecret: string; redirectUri: string }): Promise<OpenIdProvider> {
  // The issuer names its port, so the port is taken before the provider exists.
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const provider = new Provider(issuer, {
    clients: [{
      client_id: client.clientId, client_secret: client.clientSecret, redirect_uris: [client.redirectUri],
      response_types: ['code'], grant_types: ['authorization_code'], token_endpoint_auth_method: 'client_secret_basic',
    }],
    claims: { openid: ['sub'], profile: ['preferred_username', 'name'], email: ['email'] },
    findAccount: (_context, id) => ({
      accountId: id,
      claims: () => ({ sub: id, preferred_username: id, name: `User ${id}`, email: `${id}@example.org` }),
    }),
    features: { devInteractions: { enabled: true } },
  });
  provider.on('server_error', (_context: unknown, error: Error) => console.error('oidc-provider:', error));
  server.on('request', provider.callback());
  return {
    issuer,
    stop: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}
