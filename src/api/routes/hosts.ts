// /api/v1/hosts: buy, list, show, change, rebuild and cancel hosts of the signed-in account.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { CancelHostBody, CancellationTerms, CancelledHost, CreateHostBody, Host, HostParams, HostWithJob, UpdateHostBody } from '../../contract/hosts.ts';
import { JobSummary } from '../../contract/jobs.ts';
import { hostCancellationTerms } from '../../billing/cancellation-billing.ts';
import { cancellationPromise } from '../../domain/billing/cancellation.ts';
import { cancelHost, clonesCancelledWith, clonesSentence } from '../../jobs/commands/cancel-host.ts';
import { createHost } from '../../jobs/commands/create-host.ts';
import { seatsInUse } from '../../jobs/commands/host-seats.ts';
import { rebuildHost } from '../../jobs/commands/rebuild-host.ts';
import { updateHostSettings } from '../../jobs/commands/update-host.ts';
import type { HomeportContext } from '../../homeport-context.ts';
import { findAccountHost, listAccountHosts } from '../../store/hosts.ts';
import { accountSecurity, requireAccount } from '../authentication.ts';
import { Problem } from '../problem-details.ts';
import { hostView } from '../views/host-view.ts';
import { jobSummary } from '../views/job-view.ts';

const errors = { 400: Problem, 401: Problem, 404: Problem, 409: Problem, 422: Problem };

export function hostRoutes(context: HomeportContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get('/hosts', {
      schema: {
        tags: ['hosts'], summary: 'List your hosts, newest first, a page at a time', security: accountSecurity,
        querystring: Type.Object({
          limit: Type.Integer({ minimum: 1, maximum: 500, default: 100 }),
          after: Type.Optional(Type.String({ format: 'uuid', description: 'The "next" value of the previous page' })),
        }, { additionalProperties: false }),
        response: { 200: Type.Object({ hosts: Type.Array(Host), next: Type.Union([Type.String(), Type.Null()]) }), 400: Problem, 401: Problem, 404: Problem },
      },
    }, async (request) => {
      const account = requireAccount(request);
      const { hosts, next } = await listAccountHosts(context.db, account.id, request.query);
      return { hosts: hosts.map((host) => hostView(context.config, host)), next };
    });

    app.post('/hosts', {
      schema: { tags: ['hosts'], summary: 'Buy a host: a card is charged first (402 with the reason when declined); its build starts at once', security: accountSecurity, body: CreateHostBody, response: { 202: HostWithJob, ...errors, 402: Problem } },
    }, async (request, reply) => {
      const account = requireAccount(request);
      const { host, job } = await createHost(context, { accountId: account.id, ...request.body });
      reply.status(202).header('location', `/api/v1/hosts/${host.id}`);
      return { host: hostView(context.config, host), job: jobSummary(job) };
    });

    app.get('/hosts/:id', {
      schema: { tags: ['hosts'], summary: 'Show a host', security: accountSecurity, params: HostParams, response: { 200: Host, 401: Problem, 404: Problem } },
    }, async (request) => {
      const account = requireAccount(request);
      const host = await findAccountHost(context.db, account.id, request.params.id);
      return hostView(context.config, host, await seatsInUse(context, host));
    });

    app.patch('/hosts/:id', {
      schema: {
        tags: ['hosts'], summary: 'Raise seats (never lower) or set the Trust & Safety contact', security: accountSecurity,
        params: HostParams, body: UpdateHostBody,
        response: { 200: Type.Object({ host: Host, job: Type.Union([JobSummary, Type.Null()]) }), ...errors },
      },
    }, async (request) => {
      const account = requireAccount(request);
      const { host, job } = await updateHostSettings(context, account.id, request.params.id, request.body);
      return { host: hostView(context.config, host), job: job ? jobSummary(job) : null };
    });

    app.post('/hosts/:id/rebuild', {
      schema: { tags: ['hosts'], summary: 'Re-render the configuration and restart, keeping all data', security: accountSecurity, params: HostParams, response: { 202: HostWithJob, ...errors } },
    }, async (request, reply) => {
      const account = requireAccount(request);
      const { host, job } = await rebuildHost(context, account.id, request.params.id);
      reply.status(202);
      return { host: hostView(context.config, host), job: jobSummary(job) };
    });

    app.get('/hosts/:id/cancellation-terms', {
      schema: { tags: ['hosts'], summary: 'What cancelling the host now would do to the money (shown before the confirmation)', security: accountSecurity, params: HostParams, response: { 200: CancellationTerms, ...errors } },
    }, async (request) => {
      const account = requireAccount(request);
      const host = await findAccountHost(context.db, account.id, request.params.id);
      const terms = await hostCancellationTerms(context.db, host.id, new Date());
      const clones = await clonesCancelledWith(context, host.id);
      return { kind: terms.kind, text: cancellationPromise(terms), clones, clonesText: clonesSentence(clones) ?? null };
    });

    app.delete('/hosts/:id', {
      schema: {
        tags: ['hosts'], summary: 'Cancel a host for good: removes its processes, database and media; its billing follows the cancellation terms', security: accountSecurity,
        params: HostParams, body: CancelHostBody, response: { 202: CancelledHost, ...errors },
      },
    }, async (request, reply) => {
      const account = requireAccount(request);
      const { host, job, billing, clones } = await cancelHost(context, account.id, request.params.id, request.body.confirm);
      reply.status(202);
      return { host: hostView(context.config, host), job: jobSummary(job), billing, clones: clones.map((clone) => ({ label: clone.host.label, job: jobSummary(clone.job) })) };
    });
  };
}
