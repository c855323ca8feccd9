// /api/v1/account/tokens: personal API tokens for the CLI and automation.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { createAccountToken, revokeAccountToken } from '../../accounts/api-tokens.ts';
import { TokenSummary } from '../../contract/api-tokens.ts';
import type { HomeportContext } from '../../homeport-context.ts';
import { listApiTokens } from '../../store/accounts.ts';
import { accountSecurity, requireAccount } from '../authentication.ts';
import { Problem } from '../problem-details.ts';

export function apiTokenRoutes(context: HomeportContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get('/account/tokens', {
      schema: { tags: ['account'], summary: 'Your active API tokens (never the tokens themselves)', security: accountSecurity, response: { 200: Type.Object({ tokens: Type.Array(TokenSummary) }), 401: Problem, 403: Problem } },
    }, async (request) => {
      const tokens = await listApiTokens(context.db, requireAccount(request).id);
      return { tokens: tokens.map((t) => ({ id: t.id, name: t.name, createdAt: t.createdAt.toISOString(), lastUsedAt: t.lastUsedAt?.toISOString() ?? null })) };
    });

    app.post('/account/tokens', {
      schema: {
        tags: ['account'], summary: 'Create an API token; the token is in this answer only', security: accountSecurity,
        body: Type.Object({ name: Type.String({ minLength: 1, maxLength: 100, description: 'What the token is for' }) }, { additionalProperties: false }),
        response: { 201: Type.Object({ id: Type.String({ format: 'uuid' }), name: Type.String(), token: Type.String() }), 400: Problem, 401: Problem, 403: Problem },
      },
    }, async (request, reply) => {
      const created = await createAccountToken(context, requireAccount(request).id, request.body.name);
      reply.status(201);
      return { id: created.id, name: request.body.name.trim(), token: created.token };
    });

    app.delete('/account/tokens/:id', {
      schema: {
        tags: ['account'], summary: 'Revoke an API token', security: accountSecurity,
        params: Type.Object({ id: Type.String({ maxLength: 100 }) }), response: { 204: Type.Null(), 401: Problem, 403: Problem, 404: Problem },
      },
    }, async (request, reply) => {
      await revokeAccountToken(context, requireAccount(request).id, request.params.id);
      reply.status(204);
    });
  };
}
