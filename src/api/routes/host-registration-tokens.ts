// /api/v1/hosts/{id}/registration-tokens: the tokens a host requires for registration.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { HostParams } from '../../contract/hosts.ts';
import {
  CreatedRegistrationToken, CreateRegistrationTokenBody, RegistrationToken, RegistrationTokenList, RegistrationTokenParams, RegistrationTokenQuery, UpdateRegistrationTokenBody,
} from '../../contract/registration-tokens.ts';
import {
  createHostRegistrationToken, listHostRegistrationTokens, revokeHostRegistrationToken, showHostRegistrationToken, updateHostRegistrationToken,
} from '../../jobs/commands/host-registration-tokens.ts';
import type { HomeportContext } from '../../homeport-context.ts';
import { accountSecurity, requireAccount } from '../authentication.ts';
import { Problem } from '../problem-details.ts';
import { registrationTokenView } from '../views/registration-token-view.ts';

const errors = { 400: Problem, 401: Problem, 404: Problem, 409: Problem, 422: Problem, 503: Problem };
const tags = ['server admin'];

export function hostRegistrationTokenRoutes(context: HomeportContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get('/hosts/:id/registration-tokens', {
      schema: {
        tags, summary: "List a host's registration tokens with their uses", security: accountSecurity,
        params: HostParams, querystring: RegistrationTokenQuery, response: { 200: RegistrationTokenList, ...errors },
      },
    }, async (request) => {
      const account = requireAccount(request);
      const { tokens, seatWarning } = await listHostRegistrationTokens(context, account.id, request.params.id, request.query.usable);
      return { tokens: tokens.map((token) => registrationTokenView(token)), seatWarning };
    });

    app.post('/hosts/:id/registration-tokens', {
      schema: {
        tags, summary: 'Create a registration token (random or chosen)', security: accountSecurity,
        params: HostParams, body: CreateRegistrationTokenBody, response: { 201: CreatedRegistrationToken, ...errors },
      },
    }, async (request, reply) => {
      const account = requireAccount(request);
      const { token, seatWarning } = await createHostRegistrationToken(context, account.id, request.params.id, request.body);
      reply.status(201);
      return { ...registrationTokenView(token), ...(seatWarning ? { seatWarning } : {}) };
    });

    app.get('/hosts/:id/registration-tokens/:token', {
      schema: { tags, summary: 'Show a registration token', security: accountSecurity, params: RegistrationTokenParams, response: { 200: RegistrationToken, ...errors } },
    }, async (request) => {
      const account = requireAccount(request);
      return registrationTokenView(await showHostRegistrationToken(context, account.id, request.params.id, request.params.token));
    });

    app.patch('/hosts/:id/registration-tokens/:token', {
      schema: {
        tags, summary: "Change a registration token's uses allowed or expiry", security: accountSecurity,
        params: RegistrationTokenParams, body: UpdateRegistrationTokenBody, response: { 200: RegistrationToken, ...errors },
      },
    }, async (request) => {
      const account = requireAccount(request);
      return registrationTokenView(await updateHostRegistrationToken(context, account.id, request.params.id, request.params.token, request.body));
    });

    app.delete('/hosts/:id/registration-tokens/:token', {
      schema: {
        tags, summary: 'Revoke a registration token', security: accountSecurity,
        params: RegistrationTokenParams, response: { 204: Type.Null(), ...errors },
      },
    }, async (request, reply) => {
      const account = requireAccount(request);
      await revokeHostRegistrationToken(context, account.id, request.params.id, request.params.token);
      return reply.status(204).send(null);
    });
  };
}
