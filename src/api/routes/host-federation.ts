// /api/v1/hosts/{id}/federation: open federation, private federation (only listed servers), or off.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { FederationBody } from '../../contract/federation.ts';
import { Host, HostParams } from '../../contract/hosts.ts';
import { JobSummary } from '../../contract/jobs.ts';
import { changeFederation } from '../../jobs/commands/host-federation.ts';
import type { HomeportContext } from '../../homeport-context.ts';
import { accountSecurity, requireAccount } from '../authentication.ts';
import { Problem } from '../problem-details.ts';
import { hostView } from '../views/host-view.ts';
import { jobSummary } from '../views/job-view.ts';

export function hostFederationRoutes(context: HomeportContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.put('/hosts/:id/federation', {
      schema: {
        tags: ['hosts'], summary: 'Choose whom the host federates with: everyone, only listed servers, or nobody (applied by a rebuild)',
        security: accountSecurity, params: HostParams, body: FederationBody,
        response: {
          200: Type.Object({ host: Host, job: Type.Union([JobSummary, Type.Null()], { description: 'The rebuild that applies it; null when nothing changed' }) }),
          400: Problem, 401: Problem, 404: Problem, 409: Problem,
        },
      },
    }, async (request) => {
      const { host, job } = await changeFederation(context, requireAccount(request).id, request.params.id, request.body);
      return { host: hostView(context.config, host), job: job ? jobSummary(job) : null };
    });
  };
}
