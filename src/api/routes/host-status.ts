// /api/v1/hosts/{id}/status: a host's status page for its owner (404 for anyone else's host).
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { HostParams } from '../../contract/hosts.ts';
import { HostStatusReport } from '../../contract/monitoring.ts';
import { hostStatusReport } from '../../jobs/commands/host-status.ts';
import type { HomeportContext } from '../../homeport-context.ts';
import { findAccountHost } from '../../store/hosts.ts';
import { accountSecurity, requireAccount } from '../authentication.ts';
import { Problem } from '../problem-details.ts';

export function hostStatusRoutes(context: HomeportContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get('/hosts/:id/status', {
      schema: {
        tags: ['hosts'], summary: "The host's health: current state, uptime over 24 hours and 7 days, the last day's checks, recent incidents",
        security: accountSecurity, params: HostParams, response: { 200: HostStatusReport, 400: Problem, 401: Problem, 404: Problem },
      },
    }, async (request) => {
      const account = requireAccount(request);
      return hostStatusReport(context, await findAccountHost(context.db, account.id, request.params.id));
    });
  };
}
