// /api/v1/sizes and /api/v1/hostnames/{label}: what can be bought, and whether a name is free.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { Availability, Size } from '../../contract/catalogue.ts';
import { checkHostname } from '../../jobs/commands/check-hostname.ts';
import type { HomeportContext } from '../../homeport-context.ts';
import { Problem } from '../problem-details.ts';

export function catalogueRoutes(context: HomeportContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get('/sizes', {
      schema: { tags: ['catalogue'], summary: 'Sizes on offer', response: { 200: Type.Object({ sizes: Type.Array(Size) }) } },
    }, async () => ({ sizes: context.sizes }));

    app.get('/hostnames/:label', {
      schema: {
        tags: ['catalogue'], summary: 'Check whether a hostname label is available',
        params: Type.Object({ label: Type.String({ maxLength: 200 }) }),
        response: { 200: Availability, 400: Problem },
      },
    }, async (request) => checkHostname(context, request.params.label));
  };
}
