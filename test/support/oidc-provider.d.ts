// The part of oidc-provider's API the tests use (the package ships no types; @types/oidc-provider would be one more dependency for three calls).
declare module 'oidc-provider' {
  import type { IncomingMessage, ServerResponse } from 'node:http';

  interface Account {
    accountId: string;
    claims(): Record<string, unknown>;
  }

  export default class Provider {
    constructor(issuer: string, configuration: {
      clients: Record<string, unknown>[];
      claims?: Record<string, string[]>;
      findAccount(context: unknown, id: string): Account | Promise<Account>;
      features?: Record<string, { enabled: boolean }>;
    });
    on(event: 'server_error', listener: (context: unknown, error: Error) => void): this;
    callback(): (request: IncomingMessage, response: ServerResponse) => void;
  }
}
