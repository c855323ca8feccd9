// /api/v1/edge/certificate-permission: the edge (Caddy's on-demand TLS `ask`) asks whether a name
// may get a certificate; 200 for names of live hosts, 404 for anything else. Mounted by the
// composition root for the local runtime's edge only (other runtimes' edges do not ask).
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { mayHaveCertificate } from '../../jobs/commands/certificate-permission.ts';
import type { HomeportContext } from '../../homeport-context.ts';
import { notFound } from '../../domain/errors.ts';
import { Problem } from '../problem-details.ts';

export function edgeRoutes(context: HomeportContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get('/edge/certificate-permission', {
      schema: {
        tags: ['edge'], summary: "The edge's on-demand TLS question: does this name belong to a host?",
        querystring: Type.Object({ domain: Type.String({ minLength: 1, maxLength: 300 }) }),
        response: { 200: Type.Object({ domain: Type.String(), allowed: Type.Literal(true) }), 400: Problem, 404: Problem },
      },
    }, async (request) => {
      if (!(await mayHaveCertificate(context, request.query.domain))) throw notFound(`A host named ${request.query.domain}`);
      return { domain: request.query.domain, allowed: true as const };
    });
  };
}
