// /api/v1/jobs/{id}: a job's steps, progress and log lines, for the account that owns its host.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { Job } from '../../contract/jobs.ts';
import { notFound } from '../../domain/errors.ts';
import type { HomeportContext } from '../../homeport-context.ts';
import { findAccountHost } from '../../store/hosts.ts';
import { findJob, jobDetail } from '../../store/jobs.ts';
import { accountSecurity, requireAccount } from '../authentication.ts';
import { bigserialMax } from '../../contract/input-text.ts';
import { Problem } from '../problem-details.ts';
import { jobView } from '../views/job-view.ts';

export function jobRoutes(context: HomeportContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get('/jobs/:id', {
      schema: {
        tags: ['jobs'], summary: 'Show a job with its steps and log', security: accountSecurity,
        params: Type.Object({ id: Type.String({ format: 'uuid' }) }),
        querystring: Type.Object({ logsAfter: Type.Optional(Type.Integer({ minimum: 0, maximum: bigserialMax, description: 'Only log lines after this id' })) }),
        response: { 200: Job, 400: Problem, 401: Problem, 404: Problem },
      },
    }, async (request) => {
      const account = requireAccount(request);
      const job = await findJob(context.db, request.params.id);
      if (!job) throw notFound(`Job ${request.params.id}`);
      // Throws "not found" for a job of another account's host, exactly as for a missing job.
      await findAccountHost(context.db, account.id, job.host_id).catch(() => { throw notFound(`Job ${request.params.id}`); });
      return jobView(await jobDetail(context.db, job, request.query.logsAfter ?? 0));
    });
  };
}
