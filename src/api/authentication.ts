// Bearer-token authentication: resolves `Authorization: Bearer <token>` to the account, once per request.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { HomeportError } from '../domain/errors.ts';
import { accountForToken } from '../store/accounts.ts';
import type { Account } from '../store/schema.ts';
import type { Db } from '../store/database.ts';

declare module 'fastify' {
  interface FastifyRequest {
    account: Account | undefined;
  }
}

export function registerAuthentication(app: FastifyInstance, db: Db): void {
  app.decorateRequest('account', undefined);
  app.addHook('onRequest', async (request) => {
    const header = request.headers.authorization;
    if (!header) return;
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    request.account = match?.[1] ? await accountForToken(db, match[1]) : undefined;
  });
}

/** The signed-in account, or a 401 problem: used by every route that acts for a customer. */
export function requireAccount(request: FastifyRequest): Account {
  if (!request.account) {
    throw new HomeportError('unauthenticated', 'Authentication required', 'Send a valid API token as "Authorization: Bearer <token>".');
  }
  return request.account;
}

export const bearerSecurity = [{ bearerAuth: [] }];
