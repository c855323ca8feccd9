// /api/v1/session: log in (cookie session), see who is logged in with the CSRF token, log out.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { accountOverview } from '../../accounts/account-overview.ts';
import { logIn, logOut } from '../../accounts/log-in.ts';
import { LogInBody, SessionView } from '../../contract/accounts.ts';
import type { HomeportContext } from '../../homeport-context.ts';
import { csrfTokenFor } from '../../store/sessions.ts';
import { accountSecurity, clearSessionCookie, requireAccount, setSessionCookie } from '../authentication.ts';
import { Problem } from '../problem-details.ts';
import { accountView } from '../views/account-view.ts';

export function sessionRoutes(context: HomeportContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.post('/session', {
      schema: {
        tags: ['session'], summary: 'Log in: sets an HttpOnly session cookie; with two-factor authentication on, `code` is needed too',
        body: LogInBody, response: { 200: SessionView, 400: Problem, 401: Problem, 403: Problem, 429: Problem },
      },
    }, async (request, reply) => {
      const { account, session } = await logIn(context, { ...request.body, ip: request.ip, userAgent: request.headers['user-agent'] ?? null });
      setSessionCookie(context.config, reply, session);
      return { account: accountView(await accountOverview(context.db, account.id, context.config.billing.stripe !== undefined), context.config.require2fa), authenticatedBy: 'session' as const, csrfToken: csrfTokenFor(session.token) };
    });

    app.get('/session', {
      config: { allowBeforeRequiredAction: true },
      schema: { tags: ['session'], summary: 'Who is logged in, and the CSRF token for changes made with the cookie', security: accountSecurity, response: { 200: SessionView, 401: Problem } },
    }, async (request) => {
      const account = requireAccount(request);
      return {
        account: accountView(await accountOverview(context.db, account.id, context.config.billing.stripe !== undefined), context.config.require2fa),
        authenticatedBy: request.authenticatedBy ?? 'token',
        csrfToken: request.sessionToken ? csrfTokenFor(request.sessionToken) : null,
      };
    });

    app.delete('/session', {
      config: { allowBeforeRequiredAction: true },
      schema: { tags: ['session'], summary: 'Log out: the session is revoked on the server and the cookie cleared', security: accountSecurity, response: { 204: Type.Null(), 401: Problem, 403: Problem } },
    }, async (request, reply) => {
      requireAccount(request);
      if (request.sessionToken) await logOut(context, request.sessionToken);
      clearSessionCookie(context.config, reply);
      reply.status(204);
    });
  };
}
