// /api/v1/operator/imports: an operator imports a host from a folder on the Homeport machine
// (a Homeport export or a self-hosted Synapse's files). 404 for anyone but an operator.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { Host } from '../../contract/hosts.ts';
import { ImportBody } from '../../contract/imports.ts';
import { JobSummary } from '../../contract/jobs.ts';
import { importHost } from '../../jobs/commands/import-host.ts';
import type { HomeportContext } from '../../homeport-context.ts';
import { accountSecurity, requireOperator } from '../authentication.ts';
import { Problem } from '../problem-details.ts';
import { hostView } from '../views/host-view.ts';
import { jobSummary } from '../views/job-view.ts';

export function operatorImportRoutes(context: HomeportContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.addHook('onRequest', async (request) => {
      requireOperator(request);
    });

    app.post('/imports', {
      schema: {
        tags: ['operator'], summary: 'Import a host from a folder on this machine or an import upload; everything that could fail is refused before any change', security: accountSecurity,
        body: ImportBody,
        response: { 202: Type.Object({ host: Host, job: JobSummary, importId: Type.String({ format: 'uuid' }) }), 400: Problem, 404: Problem, 409: Problem, 422: Problem },
      },
    }, async (request, reply) => {
      const operator = requireOperator(request);
      const imported = await importHost(context, operator.id, request.body);
      reply.status(202).header('location', `/api/v1/operator/jobs/${imported.job.id}`);
      return { host: hostView(context.config, imported.host), job: jobSummary(imported.job), importId: imported.import.id };
    });
  };
}
