// /api/v1/operator/synapse-releases and /api/v1/operator/upgrades: the installed Synapse releases
// and rollouts of one across the hosts, with each host's progress. 404 to anyone but an operator.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { Rollout, RolloutWithHosts, StartRolloutBody, SynapseReleaseUsage } from '../../contract/synapse-upgrades.ts';
import { releaseUsage, rolloutProgress, startRollout } from '../../jobs/commands/synapse-upgrades.ts';
import type { HomeportContext } from '../../homeport-context.ts';
import { listRollouts } from '../../store/synapse-rollouts.ts';
import { accountSecurity, requireOperator } from '../authentication.ts';
import { Problem } from '../problem-details.ts';
import { rolloutProgressView, rolloutView } from '../views/synapse-upgrade-view.ts';

const base = { tags: ['operator'], security: accountSecurity };

export function operatorUpgradeRoutes(context: HomeportContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.addHook('onRequest', async (request) => {
      requireOperator(request);
    });

    app.get('/synapse-releases', {
      schema: { ...base, summary: 'Installed Synapse releases and how many hosts run each', response: { 200: Type.Object({ releases: Type.Array(SynapseReleaseUsage) }), 404: Problem } },
    }, async () => ({ releases: await releaseUsage(context) }));

    app.post('/upgrades', {
      schema: {
        ...base, summary: 'Roll an installed Synapse release out to every host on an older one: the canary first, then in batches',
        body: StartRolloutBody, response: { 201: RolloutWithHosts, 400: Problem, 404: Problem, 409: Problem, 422: Problem },
      },
    }, async (request, reply) => {
      const operator = requireOperator(request);
      const progress = await startRollout(context, operator.id, {
        release: request.body.release, canary: request.body.canary, batchSize: request.body.batchSize ?? 5, urgent: request.body.urgent ?? false,
      });
      reply.status(201);
      return rolloutProgressView(progress);
    });

    app.get('/upgrades', {
      schema: { ...base, summary: 'Rollouts, newest first', querystring: Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })) }), response: { 200: Type.Object({ rollouts: Type.Array(Rollout) }), 400: Problem, 404: Problem } },
    }, async (request) => ({ rollouts: (await listRollouts(context.db, request.query.limit ?? 20)).map(rolloutView) }));

    app.get('/upgrades/:id', {
      schema: { ...base, summary: "A rollout and each host's progress", params: Type.Object({ id: Type.String({ format: 'uuid' }) }), response: { 200: RolloutWithHosts, 400: Problem, 404: Problem } },
    }, async (request) => rolloutProgressView(await rolloutProgress(context, request.params.id)));
  };
}
