// Streaming authenticated encryption of backup files with the installation's key: AES-256-GCM
// over 64 KiB records, the STREAM construction (a nonce of a random prefix, the record's number
// and a last-record flag), so every record is checked before a byte of it is used, and a file
// cut short, reordered, or moved to another name is refused, not half-restored. The key is
// derived per file from the master key, a random salt and the file's name.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import type { SecretBox } from './secret-box.ts';

const magic = Buffer.from('HPSEAL01');
const saltBytes = 16;
const prefixBytes = 7;
const headerBytes = magic.length + saltBytes + prefixBytes;
const recordBytes = 64 * 1024;
const tagBytes = 16;

/** The file is not what was sealed (tampered, cut short, another file's, or another installation's). */
export class SealBroken extends Error {
  constructor(detail: string) {
    super(`the backup file fails its authentication: ${detail}`);
    this.name = 'SealBroken';
  }
}

function nonce(prefix: Buffer, counter: number, last: boolean): Buffer {
  const value = Buffer.alloc(12);
  prefix.copy(value, 0);
  value.writeUInt32BE(counter, prefixBytes);
  value[11] = last ? 1 : 0;
  return value;
}

const purposeOf = (name: string) => `backup-file:${name}`;

/** Encrypts a stream for the file `name` (the name is bound into the key: a renamed file is refused). */
export function sealStream(box: SecretBox, name: string): Transform {
  const salt = randomBytes(saltBytes);
  const prefix = randomBytes(prefixBytes);
  const header = Buffer.concat([magic, salt, prefix]);
  const key = box.derivedKey(purposeOf(name), salt);
  let pending = Buffer.alloc(0);
  let counter = 0;
  const record = (plain: Buffer, last: boolean): Buffer => {
    const cipher = createCipheriv('aes-256-gcm', key, nonce(prefix, counter, last));
    cipher.setAAD(header);
    counter += 1;
    return Buffer.concat([cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
  };
  return new Transform({
    construct(callback) {
      this.push(header);
      callback();
    },
    transform(chunk: Buffer, _encoding, callback: TransformCallback) {
      pending = Buffer.concat([pending, chunk]);
      // A full record is written only once more follows: the last one is always flagged last.
      while (pending.length > recordBytes) {
        this.push(record(pending.subarray(0, recordBytes), false));
        pending = pending.subarray(recordBytes);
      }
      callback();
    },
    flush(callback: TransformCallback) {
      this.push(record(pending, true));
      callback();
    },
  });
}

/** Decrypts and checks a stream sealed for `name`; errors with SealBroken at the first record that fails. */
export function openStream(box: SecretBox, name: string): Transform {
  let pending = Buffer.alloc(0);
  let header: Buffer | undefined;
  let key: Buffer | undefined;
  let prefix: Buffer | undefined;
  let counter = 0;
  const record = (sealed: Buffer, last: boolean): Buffer => {
    if (sealed.length < tagBytes) throw new SealBroken('it ends inside a record');
    const decipher = createDecipheriv('aes-256-gcm', key!, nonce(prefix!, counter, last));
    decipher.setAAD(header!);
    decipher.setAuthTag(sealed.subarray(sealed.length - tagBytes));
    counter += 1;
    try {
      return Buffer.concat([decipher.update(sealed.subarray(0, sealed.length - tagBytes)), decipher.final()]);
    } catch {
      throw new SealBroken(`record ${counter} does not match${last ? ' (or the file was cut short)' : ''}`);
    }
  };
  const readHeader = (): boolean => {
    if (header) return true;
    if (pending.length < headerBytes) return false;
    header = pending.subarray(0, headerBytes);
    if (!header.subarray(0, magic.length).equals(magic)) throw new SealBroken('it is not a sealed Homeport file');
    key = box.derivedKey(purposeOf(name), header.subarray(magic.length, magic.length + saltBytes));
    prefix = header.subarray(magic.length + saltBytes);
    pending = pending.subarray(headerBytes);
    return true;
  };
  return new Transform({
    transform(chunk: Buffer, _encoding, callback: TransformCallback) {
      try {
        pending = Buffer.concat([pending, chunk]);
        if (readHeader()) {
          while (pending.length > recordBytes + tagBytes) {
            this.push(record(pending.subarray(0, recordBytes + tagBytes), false));
            pending = pending.subarray(recordBytes + tagBytes);
          }
        }
        callback();
      } catch (error) {
        callback(error as Error);
      }
    },
    flush(callback: TransformCallback) {
      try {
        if (!readHeader()) throw new SealBroken('it is shorter than its header');
        this.push(record(pending, true));
        callback();
      } catch (error) {
        callback(error as Error);
      }
    },
  });
}
