// /api/v1/hosts/{id}/client-domain and /previous-client-domains: move a custom-DNS host to a new
// client domain, and switch an old one to answer "server moved" so every client signs out cleanly.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { Host, HostParams } from '../../contract/hosts.ts';
import { JobSummary } from '../../contract/jobs.ts';
import { MovedBody, PreviousClientDomain, PreviousDomainParams } from '../../contract/previous-client-domains.ts';
import { accountPreviousClientDomains, changeClientDomain, setAccountPreviousDomainMoved } from '../../jobs/commands/client-domain.ts';
import type { HomeportContext } from '../../homeport-context.ts';
import { accountSecurity, requireAccount } from '../authentication.ts';
import { Problem } from '../problem-details.ts';
import { hostView } from '../views/host-view.ts';
import { jobSummary } from '../views/job-view.ts';
import { previousClientDomainView } from '../views/previous-client-domain-view.ts';

const errors = { 400: Problem, 401: Problem, 404: Problem, 409: Problem, 422: Problem };

export function hostClientDomainRoutes(context: HomeportContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.put('/hosts/:id/client-domain', {
      schema: {
        tags: ['hosts'], summary: "Give a host its own client domain (its CNAME must lead to the edge first) or move it to a new one; an old one becomes a previous client domain. The server name never changes",
        security: accountSecurity, params: HostParams,
        body: Type.Object({ clientDomain: Type.String({ maxLength: 300 }) }, { additionalProperties: false }),
        response: { 200: Type.Object({ host: Host, job: Type.Union([JobSummary, Type.Null()], { description: 'The rebuild that applies it; null when nothing changed' }) }), ...errors },
      },
    }, async (request) => {
      const { host, job } = await changeClientDomain(context, requireAccount(request).id, request.params.id, request.body.clientDomain);
      return { host: hostView(context.config, host), job: job ? jobSummary(job) : null };
    });

    app.get('/hosts/:id/previous-client-domains', {
      schema: {
        tags: ['hosts'], summary: 'Client domains the host had before, and whether each answers "server moved"',
        security: accountSecurity, params: HostParams, response: { 200: Type.Object({ domains: Type.Array(PreviousClientDomain) }), 401: Problem, 404: Problem },
      },
    }, async (request) => {
      const { domains } = await accountPreviousClientDomains(context, requireAccount(request).id, request.params.id);
      return { domains: domains.map(previousClientDomainView) };
    });

    app.put('/hosts/:id/previous-client-domains/:domain', {
      schema: {
        tags: ['hosts'], summary: 'Switch an old client domain to answer every request with 401 "Server moved, please log in again." (or back)',
        security: accountSecurity, params: PreviousDomainParams, body: MovedBody, response: { 200: PreviousClientDomain, ...errors },
      },
    }, async (request) => previousClientDomainView(
      await setAccountPreviousDomainMoved(context, requireAccount(request).id, request.params.id, request.params.domain, request.body.moved),
    ));
  };
}
