// /api/v1/hosts/{id}/look-and-feel: the client's brand, home and welcome pages, logo and welcome background.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { HostParams } from '../../contract/hosts.ts';
import { LookAndFeelBody, LookAndFeelView, SavedLookAndFeel } from '../../contract/look-and-feel.ts';
import { saveHostLookAndFeel, showLookAndFeel } from '../../jobs/commands/look-and-feel.ts';
import { hostPublicUrl } from '../../jobs/host-spec.ts';
import type { HomeportContext } from '../../homeport-context.ts';
import { accountSecurity, requireAccount } from '../authentication.ts';
import { Problem } from '../problem-details.ts';
import { lookAndFeelView } from '../views/look-and-feel-view.ts';

export function hostLookAndFeelRoutes(context: HomeportContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get('/hosts/:id/look-and-feel', {
      schema: { tags: ['hosts'], summary: "The host's client look and feel", security: accountSecurity, params: HostParams, response: { 200: LookAndFeelView, 401: Problem, 404: Problem } },
    }, async (request) => {
      const shown = await showLookAndFeel(context, requireAccount(request).id, request.params.id);
      return lookAndFeelView(shown, hostPublicUrl(context.config, shown.host));
    });

    app.put('/hosts/:id/look-and-feel', {
      schema: {
        tags: ['hosts'], summary: 'Check and save the look and feel; applied to Element Web at once, saved even with findings',
        security: accountSecurity, params: HostParams, body: LookAndFeelBody,
        response: { 200: SavedLookAndFeel, 400: Problem, 401: Problem, 404: Problem, 409: Problem, 422: Problem },
      },
    }, async (request) => {
      const saved = await saveHostLookAndFeel(context, requireAccount(request).id, request.params.id, request.body);
      return { lookAndFeel: lookAndFeelView(saved, hostPublicUrl(context.config, saved.host)), findings: saved.findings };
    });
  };
}
