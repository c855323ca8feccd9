// /api/v1/sizes and /api/v1/hostnames/{label}: what can be bought, and whether a name is free.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { checkHostname } from '../../jobs/commands/check-hostname.ts';
import type { HomeportContext } from '../../jobs/job-context.ts';
import { Problem } from '../problem-details.ts';

const Size = Type.Object({
  name: Type.String(),
  title: Type.String(),
  pricePerSeatMinor: Type.Integer({ description: 'Price per seat per month in minor units (cents)' }),
  currency: Type.String(),
  minSeats: Type.Integer(),
  maxSeats: Type.Integer(),
  maxUploadSize: Type.String(),
});

const Availability = Type.Object({
  label: Type.String(),
  hostname: Type.String(),
  available: Type.Boolean(),
  reason: Type.Optional(Type.String({ description: 'taken, too-short, too-long, invalid-characters, hyphen-at-edge, punycode or reserved' })),
  detail: Type.Optional(Type.String()),
});

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
