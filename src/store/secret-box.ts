// Encrypts host secrets at rest with the installation's master key (AES-256-GCM under a
// versioned prefix, with a key derived per purpose so one leaked ciphertext type proves nothing of another).
import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';

const prefix = 'hp1';

export class SecretBox {
  readonly #masterKey: Buffer;

  constructor(masterKey: Buffer) {
    if (masterKey.length !== 32) throw new Error('the master key must be 32 bytes');
    this.#masterKey = masterKey;
  }

  #key(purpose: string): Buffer {
    return Buffer.from(hkdfSync('sha256', this.#masterKey, Buffer.alloc(0), `homeport:${purpose}`, 32));
  }

  /** A 32-byte key of its own purpose and salt, e.g. for one backup file (see sealed-stream.ts). */
  derivedKey(purpose: string, salt: Buffer): Buffer {
    return Buffer.from(hkdfSync('sha256', this.#masterKey, salt, `homeport:${purpose}`, 32));
  }

  seal(purpose: string, plaintext: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.#key(purpose), iv);
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return [prefix, iv.toString('base64url'), body.toString('base64url'), cipher.getAuthTag().toString('base64url')].join(':');
  }

  open(purpose: string, sealed: string): string {
    const [version, iv, body, tag] = sealed.split(':');
    if (version !== prefix || !iv || body === undefined || !tag) throw new Error('not a sealed secret');
    const decipher = createDecipheriv('aes-256-gcm', this.#key(purpose), Buffer.from(iv, 'base64url'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
  }

  /** An HMAC-SHA256 of `message` under a key of its own purpose (e.g. download links), base64url. */
  sign(purpose: string, message: string): string {
    return createHmac('sha256', this.#key(`sign:${purpose}`)).update(message, 'utf8').digest('base64url');
  }

  verify(purpose: string, message: string, signature: string): boolean {
    const expected = Buffer.from(this.sign(purpose, message));
    const given = Buffer.from(signature);
    return given.length === expected.length && timingSafeEqual(given, expected);
  }
}
