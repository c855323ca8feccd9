// The acceptance text of federation, between any two Matrix servers with a real client on each:
// an invite, a join, messages and a media file both ways, a room alias and a profile across servers.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Method, type MatrixClient } from 'matrix-js-sdk';
import { eventually } from './eventually.ts';
import { randomPng } from './host-content.ts';
import { messagesOf } from './matrix-user.ts';

export interface FederationSide {
  client: MatrixClient;
  userId: string;
  serverName: string;
  displayName: string;
  /** Downloads media through this side's own server (remote media comes over federation). */
  download(mxc: string): Promise<Buffer>;
}

/** Federation retries back off; a working path answers well within this. */
const federationTimeoutMs = 90_000;

async function pendingInvites(client: MatrixClient): Promise<string[]> {
  const sync = await client.http.authedRequest<{ rooms?: { invite?: Record<string, unknown> } }>(Method.Get, '/sync', { timeout: '0' });
  return Object.keys(sync.rooms?.invite ?? {});
}

async function sendImage(side: FederationSide, roomId: string): Promise<{ mxc: string; image: Buffer }> {
  const image = randomPng();
  const { content_uri: mxc } = await side.client.uploadContent(new Uint8Array(image), { type: 'image/png', name: 'picture.png' });
  await side.client.sendMessage(roomId, { msgtype: 'm.image', body: 'picture.png', url: mxc } as never);
  return { mxc, image };
}

async function seesMessage(side: FederationSide, roomId: string, body: string): Promise<void> {
  await eventually(async () => assert.ok((await messagesOf(side.client, roomId)).includes(body), `${side.userId} does not see "${body}" yet`), federationTimeoutMs);
}

/** Runs the whole exchange from `a` (who creates the room) to `b`; throws on the first thing that does not cross. */
export async function assertFederation(a: FederationSide, b: FederationSide): Promise<void> {
  const tag = randomBytes(4).toString('hex');
  const aliasLocalpart = `federated-${tag}`;
  const { room_id: roomId } = await a.client.createRoom({ name: `Federated ${tag}`, room_alias_name: aliasLocalpart, invite: [b.userId] });

  await eventually(async () => assert.ok((await pendingInvites(b.client)).includes(roomId), `${b.userId} has no invite yet`), federationTimeoutMs);
  const resolved = await b.client.getRoomIdForAlias(`#${aliasLocalpart}:${a.serverName}`);
  assert.equal(resolved.room_id, roomId);
  assert.ok(resolved.servers.includes(a.serverName));
  await b.client.joinRoom(roomId, { viaServers: [a.serverName] });

  const fromA = `hello from ${a.serverName} ${tag}`;
  const fromB = `hello from ${b.serverName} ${tag}`;
  await a.client.sendTextMessage(roomId, fromA);
  await b.client.sendTextMessage(roomId, fromB);
  await seesMessage(b, roomId, fromA);
  await seesMessage(a, roomId, fromB);

  const imageOfA = await sendImage(a, roomId);
  const imageOfB = await sendImage(b, roomId);
  assert.ok((await eventually(() => b.download(imageOfA.mxc), federationTimeoutMs)).equals(imageOfA.image), 'a\'s image arrives byte-identical at b');
  assert.ok((await eventually(() => a.download(imageOfB.mxc), federationTimeoutMs)).equals(imageOfB.image), 'b\'s image arrives byte-identical at a');

  assert.equal((await b.client.getProfileInfo(a.userId)).displayname, a.displayName);
  assert.equal((await a.client.getProfileInfo(b.userId)).displayname, b.displayName);
}
