// /healthz (the process answers), /readyz (its database answers) and /metrics (Prometheus).
import type { FastifyPluginAsync } from 'fastify';
import { sql } from 'kysely';
import type { Registry } from 'prom-client';
import type { Db } from '../../store/database.ts';

export function healthRoutes(db: Db, metrics: Registry): FastifyPluginAsync {
  return async (app) => {
    app.get('/healthz', { schema: { hide: true } }, async () => ({ status: 'ok' }));
    app.get('/readyz', { schema: { hide: true } }, async (_request, reply) => {
      try {
        await sql`SELECT 1`.execute(db);
        return { status: 'ready' };
      } catch {
        return reply.status(503).send({ status: 'database unavailable' });
      }
    });
    app.get('/metrics', { schema: { hide: true } }, async (_request, reply) => {
      reply.type(metrics.contentType);
      return metrics.metrics();
    });
  };
}
