// Authentication, in one place: `Authorization: Bearer <token>` (CLI, automation) or the panel's
// session cookie, resolved to the account once per request. Cookie-authenticated changes need the
// session's CSRF token in `X-CSRF-Token`; bearer requests need none (no browser sends them by itself).
import { timingSafeEqual } from 'node:crypto';
import cookie from '@fastify/cookie';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../config.ts';
import { requiredAction, requiredActionDetail, type RequiredAction } from '../domain/account-restrictions.ts';
import { HomeportError } from '../domain/errors.ts';
import { accountForToken } from '../store/accounts.ts';
import type { Db } from '../store/database.ts';
import type { Account } from '../store/schema.ts';
import { accountForSession, csrfTokenFor } from '../store/sessions.ts';

export const sessionCookie = 'homeport_session';
export const csrfHeader = 'x-csrf-token';

declare module 'fastify' {
  interface FastifyRequest {
    account: Account | undefined;
    /** How the account was authenticated; undefined for anonymous requests. */
    authenticatedBy: 'token' | 'session' | undefined;
    /** The session cookie's token, for logging out and deriving the CSRF token. */
    sessionToken: string | undefined;
    requiredAction: RequiredAction | undefined;
  }
  interface FastifyContextConfig {
    /** The route stays open to an account that must first change its password or enrol in 2FA. */
    allowBeforeRequiredAction?: boolean;
  }
}

const safeMethods = new Set(['GET', 'HEAD', 'OPTIONS']);

function sameSecret(given: string | undefined, expected: string): boolean {
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

export async function registerAuthentication(app: FastifyInstance, db: Db, config: Config): Promise<void> {
  await app.register(cookie);
  app.decorateRequest('account', undefined);
  app.decorateRequest('authenticatedBy', undefined);
  app.decorateRequest('sessionToken', undefined);
  app.decorateRequest('requiredAction', undefined);
  app.addHook('onRequest', async (request) => {
    const header = request.headers.authorization;
    if (header) {
      const match = /^Bearer\s+(\S+)$/i.exec(header);
      request.account = match?.[1] ? await accountForToken(db, match[1]) : undefined;
      request.authenticatedBy = request.account ? 'token' : undefined;
    } else {
      const token = request.cookies[sessionCookie];
      request.account = token ? await accountForSession(db, token) : undefined;
      if (request.account && token) {
        request.authenticatedBy = 'session';
        request.sessionToken = token;
        const given = request.headers[csrfHeader];
        if (!safeMethods.has(request.method) && !sameSecret(typeof given === 'string' ? given : undefined, csrfTokenFor(token))) {
          throw new HomeportError('csrf-failed', 'CSRF token missing or wrong', `Send the session's CSRF token (from GET /api/v1/session) in the ${csrfHeader} header.`);
        }
      }
    }
    if (request.account) {
      request.requiredAction = requiredAction({
        passwordChangeRequired: request.account.password_change_required,
        twoFactorEnabled: request.account.totp_enabled_at !== null,
      }, config.require2fa);
    }
  });
}

/**
 * The signed-in account, or a 401 problem: used by every route that acts for a customer. An
 * account with a required action (new password, 2FA enrolment) gets a 403 problem naming it,
 * except on the routes that let it do that action.
 */
export function requireAccount(request: FastifyRequest): Account {
  if (!request.account) {
    throw new HomeportError('unauthenticated', 'Authentication required', 'Log in, or send a valid API token as "Authorization: Bearer <token>".');
  }
  if (request.requiredAction && !request.routeOptions.config.allowBeforeRequiredAction) {
    throw new HomeportError('action-required', 'Action required first', requiredActionDetail[request.requiredAction], { requiredAction: request.requiredAction });
  }
  return request.account;
}

/** Operator routes answer 404 to everyone else, exactly like a route that does not exist. */
export function requireOperator(request: FastifyRequest): Account {
  if (!request.account?.is_operator) {
    throw new HomeportError('not-found', 'Not found', `${request.method} ${request.url} does not exist.`);
  }
  return requireAccount(request);
}

export function setSessionCookie(config: Config, reply: FastifyReply, session: { token: string; expiresAt: Date }): void {
  reply.setCookie(sessionCookie, session.token, {
    path: '/', httpOnly: true, sameSite: 'lax', secure: config.publicUrl.startsWith('https:'), expires: session.expiresAt,
  });
}

export function clearSessionCookie(config: Config, reply: FastifyReply): void {
  reply.clearCookie(sessionCookie, { path: '/', httpOnly: true, sameSite: 'lax', secure: config.publicUrl.startsWith('https:') });
}

/** OpenAPI: the routes acting for an account accept either a bearer token or the session cookie. */
export const accountSecurity: { [scheme: string]: string[] }[] = [{ bearerAuth: [] }, { sessionCookie: [] }];
