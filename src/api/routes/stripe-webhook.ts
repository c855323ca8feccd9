// /api/v1/stripe/webhook: Stripe's events, verified by signature over the raw body, each processed once.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { handleStripeWebhook } from '../../billing/stripe-webhooks.ts';
import type { HomeportContext } from '../../homeport-context.ts';
import { Problem } from '../problem-details.ts';

export function stripeWebhookRoutes(context: HomeportContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    // The signature covers the exact bytes Stripe sent: this plugin keeps JSON bodies raw.
    app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
    app.post('/stripe/webhook', {
      schema: {
        tags: ['billing'], summary: "Stripe's webhook (Stripe-Signature checked); a replayed event is acknowledged and not processed again",
        response: { 200: Type.Object({ received: Type.Boolean(), duplicate: Type.Boolean() }), 400: Problem, 409: Problem },
      },
    }, async (request) => {
      const signature = request.headers['stripe-signature'];
      return handleStripeWebhook(context, request.body as Buffer, typeof signature === 'string' ? signature : undefined);
    });
  };
}
