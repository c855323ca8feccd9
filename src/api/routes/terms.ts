// /api/v1/terms: the current terms and conditions, and accepting them.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { acceptTerms } from '../../accounts/terms.ts';
import { Terms } from '../../contract/terms.ts';
import { HomeportError } from '../../domain/errors.ts';
import type { HomeportContext } from '../../homeport-context.ts';
import { currentTerms } from '../../store/terms.ts';
import { accountSecurity, requireAccount } from '../authentication.ts';
import { Problem } from '../problem-details.ts';
import { termsView } from '../views/terms-view.ts';

export function termsRoutes(context: HomeportContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get('/terms/current', {
      schema: { tags: ['terms'], summary: 'The current terms and conditions', response: { 200: Terms, 404: Problem } },
    }, async () => {
      const terms = await currentTerms(context.db);
      if (!terms) throw new HomeportError('not-found', 'No terms', 'No terms and conditions have been published yet.');
      return termsView(terms);
    });

    app.post('/terms/acceptances', {
      schema: {
        tags: ['terms'], summary: 'Accept the current terms, naming the version read', security: accountSecurity,
        body: Type.Object({ version: Type.String({ maxLength: 100 }) }, { additionalProperties: false }),
        response: { 201: Type.Object({ version: Type.String(), accepted: Type.Boolean() }), 400: Problem, 401: Problem, 403: Problem, 404: Problem, 409: Problem },
      },
    }, async (request, reply) => {
      const accepted = await acceptTerms(context, requireAccount(request).id, request.body.version);
      reply.status(201);
      return { version: accepted.version, accepted: true };
    });
  };
}
