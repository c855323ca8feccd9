// /api/v1/hosts/{id}/calls: whether the host's users can make calls, whether calls work, and the switch.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { HostCalls, HostCallsBody } from '../../contract/calls.ts';
import { HostParams } from '../../contract/hosts.ts';
import { JobSummary } from '../../contract/jobs.ts';
import { changeHostCalls, hostCalls } from '../../jobs/commands/host-calls.ts';
import type { HomeportContext } from '../../homeport-context.ts';
import { accountSecurity, requireAccount } from '../authentication.ts';
import { Problem } from '../problem-details.ts';
import { jobSummary } from '../views/job-view.ts';

export function hostCallsRoutes(context: HomeportContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get('/hosts/:id/calls', {
      schema: {
        tags: ['hosts'], summary: 'Whether the host has calls on, and whether they work (with the reason when not)',
        security: accountSecurity, params: HostParams, response: { 200: HostCalls, 401: Problem, 404: Problem },
      },
    }, async (request) => hostCalls(context, requireAccount(request).id, request.params.id));
    app.put('/hosts/:id/calls', {
      schema: {
        tags: ['hosts'], summary: "Switch calls on or off for the host's users (applied by a rebuild); 409 when the installation does not offer calls",
        security: accountSecurity, params: HostParams, body: HostCallsBody,
        response: {
          200: Type.Object({ calls: HostCalls, job: Type.Union([JobSummary, Type.Null()], { description: 'The rebuild that applies it; null when nothing changed' }) }),
          400: Problem, 401: Problem, 404: Problem, 409: Problem,
        },
      },
    }, async (request) => {
      const { calls, job } = await changeHostCalls(context, requireAccount(request).id, request.params.id, request.body.enabled);
      return { calls, job: job ? jobSummary(job) : null };
    });
  };
}
