// /api/v1/operator/hosts/{id}/previous-client-domains/{domain}: the operator switches any host's
// old client domain to "server moved" (or back). 404 to anyone but an operator.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { MovedBody, PreviousClientDomain } from '../../contract/previous-client-domains.ts';
import { setOperatorPreviousDomainMoved } from '../../jobs/commands/client-domain.ts';
import type { HomeportContext } from '../../homeport-context.ts';
import { accountSecurity, requireOperator } from '../authentication.ts';
import { Problem } from '../problem-details.ts';
import { previousClientDomainView } from '../views/previous-client-domain-view.ts';

export function operatorClientDomainRoutes(context: HomeportContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    // Before validation, so a customer's malformed request reveals the route no more than a good one.
    app.addHook('onRequest', async (request) => {
      requireOperator(request);
    });

    app.put('/hosts/:id/previous-client-domains/:domain', {
      schema: {
        tags: ['operator'], security: accountSecurity, summary: 'Switch any host\'s old client domain to answer "server moved" (or back)',
        params: Type.Object({ id: Type.String({ format: 'uuid' }), domain: Type.String({ maxLength: 300 }) }),
        body: MovedBody, response: { 200: PreviousClientDomain, 400: Problem, 404: Problem, 409: Problem },
      },
    }, async (request) => previousClientDomainView(
      await setOperatorPreviousDomainMoved(context, requireOperator(request).id, request.params.id, request.params.domain, request.body.moved),
    ));
  };
}
