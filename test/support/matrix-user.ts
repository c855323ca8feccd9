// A real Matrix client (matrix-js-sdk) that reaches a host through Homeport's edge over verified TLS.
import { createClient, Direction, type MatrixClient } from 'matrix-js-sdk';
import type { HomeportProcess } from './homeport-process.ts';

export async function loginThroughEdge(homeport: HomeportProcess, label: string, user: string, password: string): Promise<MatrixClient> {
  const fetchFn = await homeport.edgeFetch();
  const baseUrl = homeport.edgeUrl(label);
  const anonymous = createClient({ baseUrl, fetchFn });
  const login = await anonymous.loginRequest({ type: 'm.login.password', identifier: { type: 'm.id.user', user }, password });
  return createClient({ baseUrl, fetchFn, accessToken: login.access_token, userId: login.user_id, deviceId: login.device_id });
}

export async function messagesOf(client: MatrixClient, roomId: string): Promise<string[]> {
  const page = await client.createMessagesRequest(roomId, null, 50, Direction.Backward);
  return page.chunk.filter((event) => event.type === 'm.room.message').map((event) => String(event.content.body));
}
