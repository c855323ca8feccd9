// /api/v1/hosts/{id}/federation-checks: "check again" of whether remote servers reach a host and trust its key, and the last result.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { FederationCheck } from '../../contract/federation-checks.ts';
import { HostParams } from '../../contract/hosts.ts';
import { checkAccountHostFederation, showFederationCheck } from '../../jobs/commands/check-federation.ts';
import type { HomeportContext } from '../../homeport-context.ts';
import { accountSecurity, requireAccount } from '../authentication.ts';
import { Problem } from '../problem-details.ts';
import { federationCheckView } from '../views/federation-view.ts';

export function hostFederationCheckRoutes(context: HomeportContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.post('/hosts/:id/federation-checks', {
      schema: {
        tags: ['hosts'], summary: 'Check again: resolve the host\'s server name, fetch its key and federation version as a remote server does, and keep the result',
        security: accountSecurity, params: HostParams, response: { 201: FederationCheck, 401: Problem, 404: Problem, 409: Problem },
      },
    }, async (request, reply) => {
      const account = requireAccount(request);
      reply.status(201);
      return federationCheckView(await checkAccountHostFederation(context, account.id, request.params.id));
    });

    app.get('/hosts/:id/federation-checks', {
      schema: {
        tags: ['hosts'], summary: 'The last federation check of a host and when it ran',
        security: accountSecurity, params: HostParams, response: { 200: Type.Union([FederationCheck, Type.Null()]), 401: Problem, 404: Problem },
      },
    }, async (request) => {
      const account = requireAccount(request);
      const last = await showFederationCheck(context, account.id, request.params.id);
      return last ? federationCheckView(last) : null;
    });
  };
}
