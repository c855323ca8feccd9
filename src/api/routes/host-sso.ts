// /api/v1/hosts/{id}/sso: the host's identity providers (OpenID Connect), password login, and links of users to provider accounts.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { HostParams } from '../../contract/hosts.ts';
import { HostUserParams } from '../../contract/host-users.ts';
import { JobSummary } from '../../contract/jobs.ts';
import { PasswordLoginBody, SignOn, SsoLinkBody, SsoLinks, SsoProviderBody, SsoProviderParams } from '../../contract/single-sign-on.ts';
import { changePasswordLogin, linkUser, removeProvider, saveProvider, showSignOn } from '../../jobs/commands/host-sso.ts';
import type { HomeportContext } from '../../homeport-context.ts';
import { accountSecurity, requireAccount } from '../authentication.ts';
import { Problem } from '../problem-details.ts';
import { jobSummary } from '../views/job-view.ts';

const tags = ['single sign-on'];
const errors = { 400: Problem, 401: Problem, 404: Problem, 409: Problem };
const Changed = Type.Object({
  signOn: SignOn,
  job: Type.Union([JobSummary, Type.Null()], { description: 'The rebuild that applies it; null when nothing changed' }),
});

export function hostSsoRoutes(context: HomeportContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get('/hosts/:id/sso', {
      schema: { tags, summary: 'Show the host\'s identity providers (never their secrets) and the redirect URI to register at them', security: accountSecurity, params: HostParams, response: { 200: SignOn, ...errors } },
    }, async (request) => showSignOn(context, requireAccount(request).id, request.params.id));

    app.put('/hosts/:id/sso/providers/:providerId', {
      schema: {
        tags, summary: 'Add or change an identity provider, checked at the provider first (applied by a rebuild)',
        security: accountSecurity, params: SsoProviderParams, body: SsoProviderBody, response: { 200: Changed, ...errors },
      },
    }, async (request) => {
      const { signOn, job } = await saveProvider(context, requireAccount(request).id, request.params.id, request.params.providerId, request.body);
      return { signOn, job: jobSummary(job) };
    });

    app.delete('/hosts/:id/sso/providers/:providerId', {
      schema: { tags, summary: 'Remove an identity provider (applied by a rebuild)', security: accountSecurity, params: SsoProviderParams, response: { 200: Changed, ...errors } },
    }, async (request) => {
      const { signOn, job } = await removeProvider(context, requireAccount(request).id, request.params.id, request.params.providerId);
      return { signOn, job: jobSummary(job) };
    });

    app.put('/hosts/:id/sso/password-login', {
      schema: { tags, summary: 'Keep or stop password login (off needs an identity provider)', security: accountSecurity, params: HostParams, body: PasswordLoginBody, response: { 200: Changed, ...errors } },
    }, async (request) => {
      const { signOn, job } = await changePasswordLogin(context, requireAccount(request).id, request.params.id, request.body.passwordLogin);
      return { signOn, job: job ? jobSummary(job) : null };
    });

    app.put('/hosts/:id/users/:userId/sso-link', {
      schema: {
        tags, summary: 'Link an existing user to their account at one of the host\'s identity providers',
        security: accountSecurity, params: HostUserParams, body: SsoLinkBody, response: { 200: SsoLinks, ...errors, 502: Problem, 503: Problem },
      },
    }, async (request) => ({ links: await linkUser(context, requireAccount(request).id, request.params.id, request.params.userId, request.body) }));
  };
}
