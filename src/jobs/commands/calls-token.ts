// The calls token service (what Element's lk-jwt-service does): a Matrix user proves who they are
// with an OpenID token, which their own homeserver confirms over federation, and gets a LiveKit
// token for the call of one Matrix room. Hosts of this installation with calls on may start calls;
// users of other servers may join one already going on, when the operator allows it.
import { AccessToken } from 'livekit-server-sdk';
import { callAccess, livekitIdentity, livekitRoomName, livekitUrl, type CallerServer } from '../../domain/calls.ts';
import { HomeportError } from '../../domain/errors.ts';
import { discoverServer, federationRequest, parseServerName } from '../../net/matrix-server-discovery.ts';
import { safeFetch, type SafeFetchOptions } from '../../net/safe-fetch.ts';
import { ensureCallsKeys } from '../../store/calls-keys.ts';
import type { HomeportContext } from '../../homeport-context.ts';
import { routedStatuses } from '../edge-hosts.ts';
import { federationFetchOptions } from '../federation-fetch.ts';
import { hostPublicUrl } from '../host-spec.ts';

export interface CallTokenRequest {
  /** The Matrix room of the call. */
  roomId: string;
  /** The caller's device, so that two devices of one user are two participants. */
  deviceId: string;
  /** From /_matrix/client/v3/user/{userId}/openid/request_token on the caller's homeserver. */
  openIdToken: { accessToken: string; matrixServerName: string };
}

export interface CallToken {
  /** Where the client connects (LiveKit's websocket through the edge). */
  url: string;
  jwt: string;
}

/** How long a LiveKit token may be used to join (LiveKit keeps a joined participant in longer calls). */
const tokenTtl = '6h';

function invalidToken(detail: string): HomeportError {
  return new HomeportError('openid-token-invalid', 'OpenID token not accepted', detail);
}

function refused(detail: string): HomeportError {
  return new HomeportError('call-token-refused', 'No call token', detail);
}

async function callerServer(context: HomeportContext, serverName: string): Promise<{ server: CallerServer; userInfoBase?: string }> {
  // A staging clone shares its original's server name but is never that server: only the original answers for it.
  const host = await context.db.selectFrom('hosts').select(['label', 'server_name', 'custom_client_domain', 'calls_enabled', 'cloned_from_host_id'])
    .where('server_name', '=', serverName).where('cloned_from_host_id', 'is', null).where('status', 'in', [...routedStatuses]).executeTakeFirst();
  if (!host) return { server: { kind: 'remote' } };
  // A local host is asked where its clients reach it, whatever its federation setting (OpenID stays on).
  return { server: { kind: 'local', callsEnabled: host.calls_enabled }, userInfoBase: hostPublicUrl(context.config, host).replace(/\/$/, '') };
}

/** The user ID the caller's homeserver confirms for this OpenID token; throws when it does not. */
async function verifiedUserId(serverName: string, accessToken: string, userInfoBase: string | undefined, fetch: SafeFetchOptions): Promise<string> {
  const path = `/_matrix/federation/v1/openid/userinfo?access_token=${encodeURIComponent(accessToken)}`;
  let request: { url: string; options: SafeFetchOptions };
  if (userInfoBase) {
    request = { url: `${userInfoBase}${path}`, options: fetch };
  } else {
    const server = await discoverServer(serverName, fetch);
    if (!server) throw invalidToken(`${serverName} is not a Matrix server name.`);
    request = federationRequest(server, path, fetch);
  }
  const answer = await safeFetch(request.url, { ...request.options, maxRedirects: 0 });
  const status = answer.hops.at(-1)?.status;
  if (!answer.ok || status !== 200) throw invalidToken(`${serverName} did not confirm the OpenID token (${answer.ok ? `HTTP ${status}` : answer.failure}).`);
  let sub: unknown;
  try {
    sub = (JSON.parse(answer.body) as { sub?: unknown }).sub;
  } catch {
    throw invalidToken(`${serverName} answered something other than a user.`);
  }
  // A server vouches for its own users only.
  if (typeof sub !== 'string' || !sub.startsWith('@') || sub.slice(sub.indexOf(':') + 1) !== serverName) {
    throw invalidToken(`${serverName} answered a user of another server.`);
  }
  return sub;
}

export async function issueCallToken(context: HomeportContext, request: CallTokenRequest): Promise<CallToken> {
  const { config } = context;
  const serverName = request.openIdToken.matrixServerName.toLowerCase();
  if (!parseServerName(serverName)) throw invalidToken('matrix_server_name is not a Matrix server name.');
  if (!request.roomId.startsWith('!')) throw new HomeportError('invalid-input', 'Not a room ID', 'room must be a Matrix room ID (!...).');
  // Nothing is fetched for an installation that could not give a token anyway.
  if (!config.calls.enabled) throw refused('Calls are off on this installation.');
  const media = context.calls;
  if (!media) throw new HomeportError('calls-unavailable', 'Calls unavailable', 'The media server does not run on this installation.');
  const { server, userInfoBase } = await callerServer(context, serverName);
  const fetch = await federationFetchOptions(config, context.developmentEdge);
  const userId = await verifiedUserId(serverName, request.openIdToken.accessToken, userInfoBase, fetch);
  const access = callAccess({ installationCalls: config.calls.enabled, server, remoteUsers: config.calls.remoteUsers });
  if (access.grant === 'none') throw refused(access.reason);
  const room = livekitRoomName(request.roomId);
  if (access.grant === 'create') await media.ensureRoom(room);
  else if (!(await media.roomExists(room))) throw refused('No call is going on in this room; a user of a server here must start it.');
  const keys = await ensureCallsKeys(context.db, context.box);
  const token = new AccessToken(keys.apiKey, keys.apiSecret, { identity: livekitIdentity(userId, request.deviceId), name: userId, ttl: tokenTtl });
  token.addGrant({ room, roomJoin: true, canPublish: true, canSubscribe: true, canPublishData: true });
  context.logger.info({ userId, room }, 'call token issued');
  return { url: livekitUrl(config.baseDomain, config.edgeHttpsPort), jwt: await token.toJwt() };
}
