// /api/v1/operator/alerts, /operator/health and /operator/hosts/{id}/status: monitoring of every
// host for the operator. 404 to anyone but an operator.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { HostStatusReport, OperatorAlert, OperatorHostHealth } from '../../contract/monitoring.ts';
import { hostStatusReport, incidentView } from '../../jobs/commands/host-status.ts';
import type { HomeportContext } from '../../homeport-context.ts';
import { listAlerts } from '../../store/alerts.ts';
import { latestHealthChecks } from '../../store/host-health.ts';
import { notFound } from '../../domain/errors.ts';
import { findHost } from '../../store/hosts.ts';
import { accountSecurity, requireOperator } from '../authentication.ts';
import { Problem } from '../problem-details.ts';

const base = { tags: ['operator'], security: accountSecurity };
const iso = (value: Date | string | null) => (value === null ? null : new Date(value).toISOString());

export function operatorMonitoringRoutes(context: HomeportContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.addHook('onRequest', async (request) => {
      requireOperator(request);
    });

    app.get('/alerts', {
      schema: {
        ...base, summary: 'Alerts, newest first: open ones only unless `all` is true',
        querystring: Type.Object({ all: Type.Optional(Type.Boolean({ default: false })), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })) }, { additionalProperties: false }),
        response: { 200: Type.Object({ alerts: Type.Array(OperatorAlert) }), 400: Problem, 404: Problem },
      },
    }, async (request) => ({
      alerts: (await listAlerts(context.db, { open: !(request.query.all ?? false), limit: request.query.limit ?? 100 })).map((alert) => ({
        ...incidentView(alert), hostId: alert.host_id, hostLabel: alert.host_label, notifiedAt: iso(alert.notified_at),
      })),
    }));

    app.get('/health', {
      schema: { ...base, summary: "Every host's last health check", response: { 200: Type.Object({ hosts: Type.Array(OperatorHostHealth) }), 404: Problem } },
    }, async () => ({
      hosts: (await latestHealthChecks(context.db)).map((check) => ({ hostId: check.host_id, label: check.label, state: check.state, checkedAt: iso(check.checked_at)!, responseMs: check.response_ms })),
    }));

    app.get('/hosts/:id/status', {
      schema: { ...base, summary: "Any host's status page", params: Type.Object({ id: Type.String({ format: 'uuid' }) }), response: { 200: HostStatusReport, 400: Problem, 404: Problem } },
    }, async (request) => {
      const host = await findHost(context.db, request.params.id);
      if (!host) throw notFound('host');
      return hostStatusReport(context, host);
    });
  };
}
