// Fills a host with what a real server holds (users with passwords, a room with a few hundred
// messages, an uploaded image, a registration token) through real Matrix clients, and checks
// afterwards that another host (an import) holds exactly the same.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { crc32, deflateSync } from 'node:zlib';
import { Direction, type MatrixClient } from 'matrix-js-sdk';
import type { HomeportProcess } from './homeport-process.ts';
import { hostAdmin } from './host-admin.ts';
import { registerThroughEdge } from './matrix-registration.ts';
import { loginThroughEdge } from './matrix-user.ts';

export interface HostContent {
  users: { localpart: string; password: string }[];
  roomId: string;
  messages: string[];
  image: Buffer;
  mxc: string;
  keyId: string;
  publicKey: string;
  registrationToken: string;
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** A real PNG of random pixels, so the server handles it as an image. */
export function randomPng(size = 48): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.set([8, 2, 0, 0, 0], 8);
  const rows = Buffer.concat(Array.from({ length: size }, () => Buffer.concat([Buffer.from([0]), randomBytes(size * 3)])));
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', header), chunk('IDAT', deflateSync(rows)), chunk('IEND', Buffer.alloc(0))]);
}

export async function serverKey(homeport: HomeportProcess, label: string): Promise<{ keyId: string; publicKey: string }> {
  const fetchEdge = await homeport.edgeFetch();
  const body = (await (await fetchEdge(homeport.edgeUrl(label, '/_matrix/key/v2/server'))).json()) as { verify_keys: Record<string, { key: string }> };
  const [keyId, value] = Object.entries(body.verify_keys)[0] ?? [];
  assert.ok(keyId && value);
  return { keyId, publicKey: value.key };
}

export async function fillHost(homeport: HomeportProcess, token: string, label: string, hostId: string, messageCount = 300): Promise<HostContent> {
  const admin = await hostAdmin(homeport, hostId);
  const serverName = `${label}.${homeport.baseDomain}`;
  const users = ['alice', 'bob', 'carol'].map((localpart) => ({ localpart, password: `${localpart} has a long password ${randomBytes(4).toString('hex')}` }));
  for (const user of users) await admin.upsertUser(`@${user.localpart}:${serverName}`, { password: user.password, displayname: user.localpart });
  const alice = await loginThroughEdge(homeport, label, 'alice', users[0]!.password);
  const bob = await loginThroughEdge(homeport, label, 'bob', users[1]!.password);
  const { room_id: roomId } = await alice.createRoom({ name: 'Everything', invite: [`@bob:${serverName}`] });
  await bob.joinRoom(roomId);
  const messages: string[] = [];
  for (let index = 0; index < messageCount; index += 1) {
    const body = `message ${index} from ${index % 3 === 0 ? 'bob' : 'alice'}`;
    await (index % 3 === 0 ? bob : alice).sendTextMessage(roomId, body);
    messages.push(body);
  }
  const image = randomPng();
  const { content_uri: mxc } = await alice.uploadContent(new Uint8Array(image), { type: 'image/png', name: 'picture.png' });
  await alice.sendMessage(roomId, { msgtype: 'm.image', body: 'picture.png', url: mxc } as never);
  const created = await homeport.api<{ token: string }>('POST', `/api/v1/hosts/${hostId}/registration-tokens`, { token, body: { token: 'keep-this-token', usesAllowed: 5, expiresAt: null } });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  return { users, roomId, messages, image, mxc, ...(await serverKey(homeport, label)), registrationToken: created.body.token };
}

export async function textMessages(client: MatrixClient, roomId: string): Promise<string[]> {
  const bodies: string[] = [];
  let from: string | null = null;
  for (;;) {
    const page = await client.createMessagesRequest(roomId, from, 100, Direction.Backward);
    bodies.push(...page.chunk.filter((event) => event.type === 'm.room.message' && event.content.msgtype === 'm.text').map((event) => String(event.content.body)));
    if (!page.end || page.chunk.length === 0) break;
    from = page.end;
  }
  return bodies.reverse();
}

export async function downloadMedia(homeport: HomeportProcess, label: string, client: MatrixClient, mxc: string): Promise<Buffer> {
  const [serverName, mediaId] = mxc.replace('mxc://', '').split('/');
  const fetchEdge = await homeport.edgeFetch();
  const response = await fetchEdge(homeport.edgeUrl(label, `/_matrix/client/v1/media/download/${serverName}/${mediaId}`), { headers: { authorization: `Bearer ${client.getAccessToken()}` } });
  assert.equal(response.status, 200);
  return Buffer.from(await response.arrayBuffer());
}

/** The checks of the acceptance text: same users and passwords, messages in order, media, key and registration token. */
export async function assertSameContent(homeport: HomeportProcess, label: string, content: HostContent): Promise<void> {
  const clients: MatrixClient[] = [];
  for (const user of content.users) clients.push(await loginThroughEdge(homeport, label, user.localpart, user.password));
  const alice = clients[0]!;
  assert.deepEqual(await textMessages(alice, content.roomId), content.messages);
  assert.deepEqual(await textMessages(clients[1]!, content.roomId), content.messages);
  assert.ok((await downloadMedia(homeport, label, alice, content.mxc)).equals(content.image), 'the image is byte-identical');
  assert.deepEqual(await serverKey(homeport, label), { keyId: content.keyId, publicKey: content.publicKey });
  const registered = await registerThroughEdge(homeport, label, { username: `newcomer${randomBytes(3).toString('hex')}`, password: 'a brand new password', registrationToken: content.registrationToken });
  assert.ok(registered.user_id);
}
