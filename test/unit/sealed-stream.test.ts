// Backup files sealed with the installation's key: a round trip gives back every byte, and a
// file that was changed, cut short, renamed or sealed by another installation is refused.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { test } from 'node:test';
import { SecretBox } from '../../src/store/secret-box.ts';
import { openStream, SealBroken, sealStream } from '../../src/store/sealed-stream.ts';

const box = new SecretBox(randomBytes(32));

async function collect(source: Buffer, transform: NodeJS.ReadWriteStream): Promise<Buffer> {
  const parts: Buffer[] = [];
  // Small uneven pieces, as a network or a disk hands them over.
  const pieces = Array.from({ length: Math.ceil(source.length / 7001) }, (_, index) => source.subarray(index * 7001, (index + 1) * 7001));
  const sink = new Writable({
    write(part: Buffer, _encoding, done) {
      parts.push(part);
      done();
    },
  });
  await pipeline(Readable.from(pieces), transform, sink);
  return Buffer.concat(parts);
}

const seal = (plain: Buffer, name = 'database.tar', sealer = box) => collect(plain, sealStream(sealer, name));
const open = (sealed: Buffer, name = 'database.tar', opener = box) => collect(sealed, openStream(opener, name));

test('sealed and opened again, every byte comes back, for empty, exact-record and uneven sizes', async () => {
  for (const size of [0, 1, 65_536, 65_536 * 3, 200_003]) {
    const plain = randomBytes(size);
    const sealed = await seal(plain);
    // Only a run of 32 bytes says anything: one random byte turns up in any sealed file by chance.
    if (size >= 32) assert.ok(!sealed.includes(plain.subarray(0, 32)), 'no plain text in the sealed file');
    assert.ok((await open(sealed)).equals(plain), `${size} bytes`);
  }
});

test('one changed byte anywhere is refused', async () => {
  const sealed = await seal(randomBytes(150_000));
  for (const position of [3, 20, 40, 70_000, sealed.length - 1]) {
    const tampered = Buffer.from(sealed);
    tampered[position]! ^= 0x01;
    await assert.rejects(open(tampered), SealBroken, `byte ${position}`);
  }
});

test('a file cut short, even at a record boundary, is refused', async () => {
  const sealed = await seal(randomBytes(200_000));
  const header = 8 + 16 + 7;
  for (const length of [10, header, header + 65_536 + 16, header + 2 * (65_536 + 16), sealed.length - 1]) {
    await assert.rejects(open(sealed.subarray(0, length)), SealBroken, `cut at ${length}`);
  }
});

test("another file's name or another installation's key is refused", async () => {
  const sealed = await seal(randomBytes(1000), 'media.tar.gz');
  await assert.rejects(open(sealed, 'database.tar'), SealBroken);
  await assert.rejects(open(sealed, 'media.tar.gz', new SecretBox(randomBytes(32))), SealBroken);
  assert.equal((await open(sealed, 'media.tar.gz')).length, 1000);
});
