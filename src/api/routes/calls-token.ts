// The calls token service, reached by clients at https://rtc.<base domain>/livekit/jwt/... (the
// edge maps that to /api/v1/calls/...): an OpenID token in, a LiveKit token out. No Homeport
// session: the caller's homeserver vouches for them.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { CallToken, GetTokenBody, SfuGetBody } from '../../contract/calls.ts';
import { issueCallToken } from '../../jobs/commands/calls-token.ts';
import type { HomeportContext } from '../../homeport-context.ts';
import { Problem } from '../problem-details.ts';

const responses = { 200: CallToken, 400: Problem, 401: Problem, 403: Problem, 503: Problem };

export function callsTokenRoutes(context: HomeportContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.post('/calls/sfu/get', {
      schema: { tags: ['calls'], summary: 'A LiveKit token for the call of a Matrix room (lk-jwt-service /sfu/get)', body: SfuGetBody, response: responses },
    }, async (request) => issueCallToken(context, {
      roomId: request.body.room,
      deviceId: request.body.device_id,
      openIdToken: { accessToken: request.body.openid_token.access_token, matrixServerName: request.body.openid_token.matrix_server_name },
    }));
    app.post('/calls/get_token', {
      schema: { tags: ['calls'], summary: 'A LiveKit token for the call of a Matrix room (lk-jwt-service /get_token)', body: GetTokenBody, response: responses },
    }, async (request) => issueCallToken(context, {
      roomId: request.body.room_id,
      deviceId: request.body.member.claimed_device_id,
      openIdToken: { accessToken: request.body.openid_token.access_token, matrixServerName: request.body.openid_token.matrix_server_name },
    }));
  };
}
