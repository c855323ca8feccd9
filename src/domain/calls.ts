// Calls (MatrixRTC over LiveKit): the names and addresses every part agrees on, and who may get a
// LiveKit token for a call.
import { createHash } from 'node:crypto';

/** The one name of the installation's calls service on the edge: token service and LiveKit's signalling. */
export function callsHostname(baseDomain: string): string {
  return `rtc.${baseDomain}`;
}

/** Path prefixes on the calls name: the token service (Homeport's API) and LiveKit's websocket. */
export const tokenServicePath = '/livekit/jwt';
export const livekitPath = '/livekit/sfu';

function origin(hostname: string, httpsPort: number): string {
  return httpsPort === 443 ? `https://${hostname}` : `https://${hostname}:${httpsPort}`;
}

/** What clients find in `org.matrix.msc4143.rtc_foci` (`livekit_service_url`). */
export function tokenServiceUrl(baseDomain: string, httpsPort: number): string {
  return `${origin(callsHostname(baseDomain), httpsPort)}${tokenServicePath}`;
}

/** Where clients connect to LiveKit with the token they were given. */
export function livekitUrl(baseDomain: string, httpsPort: number): string {
  return `${origin(callsHostname(baseDomain), httpsPort).replace(/^https:/, 'wss:')}${livekitPath}`;
}

/** A host's `.well-known/matrix/client` entry that tells MatrixRTC clients where calls go. */
export function rtcFoci(serviceUrl: string): Record<string, unknown> {
  return { 'org.matrix.msc4143.rtc_foci': [{ type: 'livekit', livekit_service_url: serviceUrl }] };
}

/**
 * The LiveKit room of a Matrix room's call: the same for every participant whatever server they
 * are on, and opaque (a room ID says who created the room).
 */
export function livekitRoomName(matrixRoomId: string): string {
  return createHash('sha256').update(`${matrixRoomId}|m.call#ROOM`).digest('base64url');
}

/** The LiveKit identity of one device in a call: unique per user and device. */
export function livekitIdentity(userId: string, deviceId: string): string {
  return `${userId}:${deviceId}`;
}

/** What the token service knows of the caller's server, once its OpenID token is verified. */
export type CallerServer =
  | { kind: 'local'; callsEnabled: boolean }
  | { kind: 'remote' };

/**
 * Whether a verified caller gets a token: users of this installation's hosts with calls on may
 * start a call (the LiveKit room is created for them); users of other servers may only join a
 * room already started, and only when the operator allows it.
 */
export type CallAccess = { grant: 'create' } | { grant: 'join-existing' } | { grant: 'none'; reason: string };

export function callAccess(input: { installationCalls: boolean; server: CallerServer; remoteUsers: boolean }): CallAccess {
  if (!input.installationCalls) return { grant: 'none', reason: 'Calls are off on this installation.' };
  if (input.server.kind === 'local') {
    return input.server.callsEnabled ? { grant: 'create' } : { grant: 'none', reason: 'Calls are switched off for this server.' };
  }
  return input.remoteUsers ? { grant: 'join-existing' } : { grant: 'none', reason: 'Users of other servers cannot join calls here.' };
}

/** Why calls do or do not work on a host, for its owner. */
export function callsProblem(input: { installationCalls: boolean; hostCalls: boolean; livekitRunning: boolean | undefined }): string | null {
  if (!input.installationCalls) return 'This installation does not offer calls (the operator has switched them off).';
  if (!input.hostCalls) return 'Calls are switched off for this host.';
  if (input.livekitRunning === false) return 'The media server is not running; the operator has been told.';
  return null;
}
