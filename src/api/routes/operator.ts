// /api/v1/operator/*: the operator console's API. Every route answers 404 to anyone but an operator.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { searchAccountsWithHosts, setAccountSuspended, withHostNames } from '../../accounts/operator-accounts.ts';
import { publishTerms } from '../../accounts/terms.ts';
import { HostStatus } from '../../contract/hosts.ts';
import { JobSummary } from '../../contract/jobs.ts';
import { AuditEntry, Capacity, Mail, OperatorAccount, OperatorHost, OperatorJob, OperatorJobSummary } from '../../contract/operator.ts';
import { machineCapacity } from '../../jobs/commands/machine-capacity.ts';
import { Terms } from '../../contract/terms.ts';
import { notFound } from '../../domain/errors.ts';
import type { HomeportContext } from '../../homeport-context.ts';
import { listAudit } from '../../store/audit-log.ts';
import { listCapturedMail } from '../../store/captured-mail.ts';
import { hostOwners, listAllHosts } from '../../store/hosts.ts';
import { findJob, jobDetail, listJobs } from '../../store/jobs.ts';
import { listTerms } from '../../store/terms.ts';
import { accountSecurity, requireOperator } from '../authentication.ts';
import { bigserialMax, MultiLineText } from '../../contract/input-text.ts';
import { Problem } from '../problem-details.ts';
import { jobSummary, jobView } from '../views/job-view.ts';
import { auditView, capacityView, mailView, operatorAccountView, operatorHostView } from '../views/operator-view.ts';
import { termsView } from '../views/terms-view.ts';

const Limit = Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 }));
const IdParams = Type.Object({ id: Type.String({ format: 'uuid' }) });
const base = { tags: ['operator'], security: accountSecurity };

export function operatorRoutes(context: HomeportContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.addHook('onRequest', async (request) => {
      requireOperator(request);
    });

    app.get('/accounts', {
      schema: { ...base, summary: "Search accounts by email, name, company, or a host's label or server name", querystring: Type.Object({ search: Type.Optional(Type.String({ maxLength: 200 })), limit: Limit }), response: { 200: Type.Object({ accounts: Type.Array(OperatorAccount) }), 400: Problem, 404: Problem } },
    }, async (request) => ({ accounts: (await searchAccountsWithHosts(context.db, request.query.search, request.query.limit ?? 100)).map(operatorAccountView) }));

    for (const [path, suspended] of [['suspend', true], ['unsuspend', false]] as const) {
      app.post(`/accounts/:id/${path}`, {
        schema: { ...base, summary: suspended ? 'Suspend an account: no login, no API tokens, sessions ended' : 'Lift a suspension', params: IdParams, response: { 200: OperatorAccount, 400: Problem, 404: Problem } },
      }, async (request) => {
        const account = await setAccountSuspended(context, requireOperator(request).id, request.params.id, suspended);
        return operatorAccountView((await withHostNames(context.db, [account]))[0]!);
      });
    }

    app.get('/mail', {
      schema: { ...base, summary: 'Mail captured because no SMTP server is configured, newest first', querystring: Type.Object({ to: Type.Optional(Type.String({ maxLength: 254 })), limit: Limit }), response: { 200: Type.Object({ mail: Type.Array(Mail) }), 404: Problem } },
    }, async (request) => ({ mail: (await listCapturedMail(context.db, { recipient: request.query.to, limit: request.query.limit ?? 100 })).map(mailView) }));

    app.get('/terms', {
      schema: { ...base, summary: 'Every published version of the terms, newest (current) first', response: { 200: Type.Object({ versions: Type.Array(Terms) }), 404: Problem } },
    }, async () => ({ versions: (await listTerms(context.db)).map(termsView) }));

    app.post('/terms', {
      schema: {
        ...base, summary: 'Publish a new version of the terms; every customer must accept it before buying again',
        body: Type.Object({ version: Type.String({ minLength: 1, maxLength: 100 }), text: MultiLineText({ minLength: 1, maxLength: 200_000 }) }, { additionalProperties: false }),
        response: { 201: Terms, 400: Problem, 404: Problem, 409: Problem },
      },
    }, async (request, reply) => {
      const published = await publishTerms(context, requireOperator(request).id, request.body);
      reply.status(201);
      return termsView(published);
    });

    app.get('/hosts', {
      schema: { ...base, summary: "Every customer's hosts with their status", querystring: Type.Object({ status: Type.Optional(HostStatus), limit: Limit }), response: { 200: Type.Object({ hosts: Type.Array(OperatorHost) }), 400: Problem, 404: Problem } },
    }, async (request) => ({ hosts: (await listAllHosts(context.db, { status: request.query.status, limit: request.query.limit ?? 100 })).map(operatorHostView) }));

    app.get('/capacity', {
      schema: { ...base, summary: "Hosts per status, each host's memory and database connections, the machine's headroom, and whether it takes new hosts", response: { 200: Capacity, 404: Problem } },
    }, async () => capacityView(await machineCapacity(context), context.config.capacity));

    app.get('/jobs', {
      schema: {
        ...base, summary: 'Recent jobs of every host',
        querystring: Type.Object({ status: Type.Optional(JobSummary.properties.status), hostId: Type.Optional(Type.String({ format: 'uuid' })), limit: Limit }),
        response: { 200: Type.Object({ jobs: Type.Array(OperatorJobSummary) }), 400: Problem, 404: Problem },
      },
    }, async (request) => {
      const jobs = await listJobs(context.db, { status: request.query.status, hostId: request.query.hostId, limit: request.query.limit ?? 100 });
      const owners = await hostOwners(context.db, jobs.map((job) => job.host_id));
      return { jobs: jobs.map((job) => ({ ...jobSummary(job), hostName: owners.get(job.host_id)?.serverName ?? null, accountEmail: owners.get(job.host_id)?.accountEmail ?? null })) };
    });

    app.get('/jobs/:id', {
      schema: {
        ...base, summary: "Any job with its steps and log", params: IdParams,
        querystring: Type.Object({ logsAfter: Type.Optional(Type.Integer({ minimum: 0, maximum: bigserialMax, description: 'Only log lines after this id' })) }),
        response: { 200: OperatorJob, 400: Problem, 404: Problem },
      },
    }, async (request) => {
      const job = await findJob(context.db, request.params.id);
      if (!job) throw notFound(`Job ${request.params.id}`);
      const owner = (await hostOwners(context.db, [job.host_id])).get(job.host_id);
      return { ...jobView(await jobDetail(context.db, job, request.query.logsAfter ?? 0)), hostName: owner?.serverName ?? null, accountEmail: owner?.accountEmail ?? null };
    });

    app.get('/audit-log', {
      schema: {
        ...base, summary: 'The audit log of privileged actions, newest first; page with `before`',
        querystring: Type.Object({ before: Type.Optional(Type.Integer({ minimum: 1, maximum: bigserialMax })), accountId: Type.Optional(Type.String({ format: 'uuid' })), limit: Limit }),
        response: { 200: Type.Object({ entries: Type.Array(AuditEntry) }), 400: Problem, 404: Problem },
      },
    }, async (request) => ({
      entries: (await listAudit(context.db, { limit: request.query.limit ?? 100, before: request.query.before?.toString(), accountId: request.query.accountId })).map(auditView),
    }));
  };
}
