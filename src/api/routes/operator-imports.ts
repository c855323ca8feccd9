// /api/v1/operator/imports: an operator imports a host from a folder on the Homeport machine
// (a Homeport export or a self-hosted Synapse's files). 404 for anyone but an operator.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { Host } from '../../contract/hosts.ts';
import { JobSummary } from '../../contract/jobs.ts';
import { importHost } from '../../jobs/commands/import-host.ts';
import type { HomeportContext } from '../../jobs/job-context.ts';
import { accountSecurity, requireOperator } from '../authentication.ts';
import { Problem } from '../problem-details.ts';
import { hostView } from '../views/host-view.ts';
import { jobSummary } from '../views/job-view.ts';

const ImportBody = Type.Object(
  {
    from: Type.Optional(Type.String({ minLength: 1, maxLength: 4096, description: 'Absolute path of the folder on the Homeport machine (or give `upload`)' })),
    upload: Type.Optional(Type.String({ format: 'uuid', description: 'An import upload holding the files (POST /api/v1/operator/import-uploads), instead of `from`' })),
    label: Type.String({ maxLength: 200, description: 'The new host\'s label' }),
    accountEmail: Type.String({ format: 'email', maxLength: 254, description: 'The customer account that will own the host' }),
    size: Type.String({ maxLength: 100 }),
    seats: Type.Integer({ minimum: 1, maximum: 1_000_000 }),
    passphrase: Type.Optional(Type.String({ minLength: 1, maxLength: 1024, description: 'The passphrase of an encrypted export' })),
    verifyUser: Type.String({ minLength: 1, maxLength: 255, description: 'A user of the imported server (localpart or full Matrix ID) whose login proves the import' }),
    verifyPassword: Type.String({ minLength: 1, maxLength: 1024 }),
    clientDomain: Type.Optional(Type.String({ maxLength: 300, description: 'Where clients reach the host when the server name is not <label>.<base domain>' })),
    billing: Type.Optional(Type.Union([Type.Literal('subscription'), Type.Literal('none')], { description: "subscription (default): once the import succeeds the account's subscription for the host starts, its first invoice issued like a purchase's (a card is charged by the billing check, invoice payment gets an open invoice); none: a complimentary host" })),
  },
  { additionalProperties: false },
);

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
