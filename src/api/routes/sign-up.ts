// Sign-up and recovery: register, verify the email address, reset a forgotten password.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { accountOverview } from '../../accounts/account-overview.ts';
import { resendVerificationMail, verifyEmail } from '../../accounts/email-verification.ts';
import { completePasswordReset, requestPasswordReset } from '../../accounts/password-changes.ts';
import { registerAccount } from '../../accounts/register-account.ts';
import { Email, Password, RegisterBody, SessionView, TokenBody } from '../../contract/accounts.ts';
import type { HomeportContext } from '../../homeport-context.ts';
import { csrfTokenFor } from '../../store/sessions.ts';
import { accountSecurity, requireAccount, setSessionCookie } from '../authentication.ts';
import { Problem } from '../problem-details.ts';
import { mailRequestLimit, signUpLimit } from '../request-limits.ts';
import { accountView } from '../views/account-view.ts';

export function signUpRoutes(context: HomeportContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.post('/accounts', {
      config: { rateLimit: signUpLimit(context.config) },
      schema: {
        tags: ['sign-up'], summary: 'Register; sends a verification mail and logs the new account in', body: RegisterBody,
        response: { 201: SessionView, 400: Problem, 409: Problem, 422: Problem, 429: Problem },
      },
    }, async (request, reply) => {
      const { account, session } = await registerAccount(context, { ...request.body, ip: request.ip, userAgent: request.headers['user-agent'] ?? null });
      setSessionCookie(context.config, reply, session);
      reply.status(201);
      return { account: accountView(await accountOverview(context.db, account.id, context.config.billing.stripe !== undefined), context.config.require2fa), authenticatedBy: 'session' as const, csrfToken: csrfTokenFor(session.token) };
    });

    app.post('/email-verifications', {
      schema: { tags: ['sign-up'], summary: 'Verify an email address with the token of the mailed link (works once)', body: TokenBody, response: { 200: Type.Object({ email: Type.String(), emailVerified: Type.Boolean() }), 400: Problem, 422: Problem } },
    }, async (request) => {
      const account = await verifyEmail(context, request.body.token);
      return { email: account.email, emailVerified: true };
    });

    app.post('/email-verifications/resend', {
      config: { rateLimit: mailRequestLimit(context.config) },
      schema: { tags: ['sign-up'], summary: 'Mail a new verification link (earlier links stop working)', security: accountSecurity, response: { 200: Type.Object({ sent: Type.Boolean() }), 401: Problem, 403: Problem, 429: Problem } },
    }, async (request) => resendVerificationMail(context, requireAccount(request).id));

    app.post('/password-resets', {
      config: { rateLimit: mailRequestLimit(context.config) },
      schema: {
        tags: ['sign-up'], summary: 'Mail a password reset link; the answer is the same whether the account exists or not',
        body: Type.Object({ email: Email }, { additionalProperties: false }), response: { 202: Type.Object({ detail: Type.String() }), 400: Problem, 429: Problem },
      },
    }, async (request, reply) => {
      await requestPasswordReset(context, request.body.email);
      reply.status(202);
      return { detail: 'If an account with that email exists, a reset link is on its way.' };
    });

    app.post('/password-resets/complete', {
      schema: {
        tags: ['sign-up'], summary: 'Set a new password with the token of the mailed link; logs out every session',
        body: Type.Object({ token: Type.String({ maxLength: 200 }), password: Password }, { additionalProperties: false }),
        response: { 204: Type.Null(), 400: Problem, 422: Problem },
      },
    }, async (request, reply) => {
      await completePasswordReset(context, request.body.token, request.body.password);
      reply.status(204);
    });
  };
}
