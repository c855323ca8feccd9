// /api/v1/hosts/{id}/delegation and /delegation-checks: what a custom-DNS host's owner publishes, "check again" and its last result.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { Delegation, DelegationCheck } from '../../contract/delegation.ts';
import { HostParams } from '../../contract/hosts.ts';
import { checkAccountHostDelegation, showDelegation } from '../../jobs/commands/check-delegation.ts';
import type { HomeportContext } from '../../homeport-context.ts';
import { accountSecurity, requireAccount } from '../authentication.ts';
import { Problem } from '../problem-details.ts';
import { delegationCheckView, delegationView } from '../views/delegation-view.ts';

export function hostDelegationRoutes(context: HomeportContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get('/hosts/:id/delegation', {
      schema: {
        tags: ['hosts'], summary: 'What to publish for a custom-DNS host: both well-knowns, the CNAME record and ready snippets, with the last check',
        security: accountSecurity, params: HostParams, response: { 200: Delegation, 401: Problem, 404: Problem, 409: Problem },
      },
    }, async (request) => {
      const account = requireAccount(request);
      const { delegation, lastCheck } = await showDelegation(context, account.id, request.params.id);
      return delegationView(delegation, lastCheck);
    });

    app.post('/hosts/:id/delegation-checks', {
      schema: {
        tags: ['hosts'], summary: 'Check again: fetch both well-knowns and look up the CNAME now, and keep the result',
        security: accountSecurity, params: HostParams, response: { 201: DelegationCheck, 401: Problem, 404: Problem, 409: Problem },
      },
    }, async (request, reply) => {
      const account = requireAccount(request);
      reply.status(201);
      return delegationCheckView(await checkAccountHostDelegation(context, account.id, request.params.id));
    });

    app.get('/hosts/:id/delegation-checks', {
      schema: {
        tags: ['hosts'], summary: 'The last delegation check of a host and when it ran',
        security: accountSecurity, params: HostParams, response: { 200: Type.Union([DelegationCheck, Type.Null()]), 401: Problem, 404: Problem, 409: Problem },
      },
    }, async (request) => {
      const account = requireAccount(request);
      const { lastCheck } = await showDelegation(context, account.id, request.params.id);
      return lastCheck ? delegationCheckView(lastCheck) : null;
    });
  };
}
