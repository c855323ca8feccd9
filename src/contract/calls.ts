// Calls as the API shows and takes them: the token service's requests (the shapes Element Call
// and lk-jwt-service use) and a host's calls switch.
import { Type } from 'typebox';

const OpenIdToken = Type.Object({
  access_token: Type.String({ minLength: 1, maxLength: 1000 }),
  token_type: Type.Optional(Type.String({ maxLength: 50 })),
  matrix_server_name: Type.String({ minLength: 1, maxLength: 255, description: "The caller's homeserver, which is asked to confirm the token" }),
  expires_in: Type.Optional(Type.Integer({ minimum: 0, maximum: 31_536_000 })),
}, { description: 'From /_matrix/client/v3/user/{userId}/openid/request_token' });

/** A room ID is '!' and printable ASCII (the Matrix spec's opaque ID grammar, server part included). */
const RoomId = Type.String({ minLength: 2, maxLength: 255, pattern: '^![\\x21-\\x7E]+$', description: 'The Matrix room ID of the call (!...)' });
const DeviceId = Type.String({ minLength: 1, maxLength: 255 });

/** The request of MatrixRTC clients that speak lk-jwt-service's first API (POST /sfu/get). */
export const SfuGetBody = Type.Object({
  room: RoomId,
  openid_token: OpenIdToken,
  device_id: DeviceId,
});

/** The request of newer MatrixRTC clients (POST /get_token). */
export const GetTokenBody = Type.Object({
  room_id: RoomId,
  slot_id: Type.Optional(Type.String({ maxLength: 255 })),
  openid_token: OpenIdToken,
  member: Type.Object({
    id: Type.Optional(Type.String({ maxLength: 255 })),
    claimed_user_id: Type.Optional(Type.String({ maxLength: 255 })),
    claimed_device_id: DeviceId,
  }),
});

export const CallToken = Type.Object({
  url: Type.String({ description: "LiveKit's websocket, through the edge" }),
  jwt: Type.String({ description: 'A LiveKit access token for the call of that room' }),
});

export const HostCalls = Type.Object({
  offered: Type.Boolean({ description: 'Whether this installation offers calls at all (HOMEPORT_CALLS); without them no host can switch calls on' }),
  enabled: Type.Boolean({ description: "Whether the host's users can make calls" }),
  working: Type.Boolean({ description: 'Whether calls work right now' }),
  problem: Type.Union([Type.String(), Type.Null()], { description: 'Why calls do not work; null when they do' }),
  serviceUrl: Type.Union([Type.String(), Type.Null()], { description: "The token service in the host's .well-known/matrix/client (org.matrix.msc4143.rtc_foci); null with calls off" }),
});

export const HostCallsBody = Type.Object({ enabled: Type.Boolean() }, { additionalProperties: false });
