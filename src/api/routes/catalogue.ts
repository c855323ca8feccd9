// /api/v1/sizes, /api/v1/hostnames/{label} and /api/v1/custom-dns-checks: what can be bought,
// whether a name is free, and whether a custom DNS pair would be accepted (checked before purchase,
// by the same rule the purchase applies, so the wizard can say so at its step).
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { Availability, CustomDnsCheck, CustomDnsCheckBody, Size } from '../../contract/catalogue.ts';
import { checkCustomDns } from '../../domain/custom-dns.ts';
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

    app.post('/custom-dns-checks', {
      schema: {
        tags: ['catalogue'], summary: 'Check a custom homeserver and client domain pair before buying (the same rules as the purchase)',
        body: CustomDnsCheckBody, response: { 200: CustomDnsCheck, 400: Problem },
      },
    }, async (request) => {
      const checked = checkCustomDns(request.body, context.config.baseDomain);
      if ('customDns' in checked) return { valid: true, problems: [] };
      return { valid: false, problems: checked.problems.map(({ field, message }) => ({ field, message })) };
    });
  };
}
