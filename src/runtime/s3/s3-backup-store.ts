// Backups kept in an S3-compatible object store (HOMEPORT_BACKUP_S3_*): each file streams up as a
// multipart upload (8 MiB parts, two at a time, never the whole file in memory) that S3 makes
// visible only when it completes, so a name in the bucket always holds a whole file; an upload
// that fails or is aborted is aborted in the store too. A refusal that will not change on a retry
// (access denied, no such bucket, a bad key) is a PermanentStoreError; anything else may retry.
import { PassThrough, Readable } from 'node:stream';
import {
  DeleteObjectsCommand, GetObjectCommand, HeadBucketCommand, ListObjectsV2Command, PutObjectCommand, DeleteObjectCommand, S3Client, S3ServiceException,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { checkBackupName, PermanentStoreError, type BackupStore } from '../runtime.ts';

export interface S3BackupStoreSettings {
  endpoint: string | undefined;
  bucket: string;
  region: string;
  accessKeyId: string | undefined;
  secretAccessKey: string | undefined;
  /** Empty, or ending in "/". */
  prefix: string;
}

const partSize = 8 * 1024 * 1024;
const permanentCodes = new Set([
  'AccessDenied', 'AllAccessDisabled', 'InvalidAccessKeyId', 'SignatureDoesNotMatch', 'NoSuchBucket', 'InvalidBucketName',
  'AccountProblem', 'InvalidObjectState', 'NotImplemented', 'InvalidRequest', 'AuthorizationHeaderMalformed', 'PermanentRedirect',
]);

/** Whether S3 said no for good (a 403, a missing bucket, a refused request) rather than for now (5xx, throttling, the network). */
function isPermanent(error: unknown): boolean {
  if (!(error instanceof S3ServiceException)) return false;
  if (permanentCodes.has(error.name)) return true;
  const status = error.$metadata.httpStatusCode ?? 0;
  return status === 400 || status === 401 || status === 403 || status === 301;
}

function explain(error: unknown, action: string, where: string): unknown {
  if (isPermanent(error)) {
    const status = (error as S3ServiceException).$metadata.httpStatusCode;
    const { name, message } = error as S3ServiceException;
    // An answer without a body (HEAD) names no reason; say what a bare status means.
    const reason = name === 'Unknown' || message === 'UnknownError'
      ? (status === 403 ? 'access denied, or wrong credentials (key id, secret, or the region they sign for)' : 'no reason given')
      : message;
    return new PermanentStoreError(`${where} refused to ${action}: ${name}${status ? ` (HTTP ${status})` : ''}: ${reason}`, { cause: error });
  }
  return error;
}

export class S3BackupStore implements BackupStore {
  readonly #client: S3Client;
  readonly #settings: S3BackupStoreSettings;

  constructor(settings: S3BackupStoreSettings) {
    this.#settings = settings;
    this.#client = new S3Client({
      region: settings.region,
      ...(settings.endpoint ? { endpoint: settings.endpoint, forcePathStyle: true } : {}),
      ...(settings.accessKeyId && settings.secretAccessKey ? { credentials: { accessKeyId: settings.accessKeyId, secretAccessKey: settings.secretAccessKey } } : {}),
      // The SDK's own retries with backoff for throttling and 5xx; the job retries what is left.
      maxAttempts: 4,
    });
  }

  get description(): string {
    return `S3 bucket ${this.#settings.bucket}${this.#settings.endpoint ? ` at ${this.#settings.endpoint}` : ''}${this.#settings.prefix ? ` under ${this.#settings.prefix}` : ''}`;
  }

  #key(name: string): string {
    return `${this.#settings.prefix}${checkBackupName(name)}`;
  }

  async write(name: string, content: NodeJS.ReadableStream, signal?: AbortSignal): Promise<{ bytes: number }> {
    const key = this.#key(name);
    let bytes = 0;
    const counted = new PassThrough({
      transform(chunk: Buffer, _encoding, done) {
        bytes += chunk.length;
        done(null, chunk);
      },
    });
    const source = content as Readable;
    source.on('error', (error) => counted.destroy(error));
    source.pipe(counted);
    const upload = new Upload({
      client: this.#client,
      params: { Bucket: this.#settings.bucket, Key: key, Body: counted, ContentType: 'application/octet-stream' },
      partSize,
      queueSize: 2,
      leavePartsOnError: false,
    });
    const abort = () => void upload.abort().catch(() => undefined);
    signal?.addEventListener('abort', abort, { once: true });
    try {
      signal?.throwIfAborted();
      await upload.done();
    } catch (error) {
      source.unpipe(counted);
      counted.destroy();
      throw explain(error, `store ${key}`, this.description);
    } finally {
      signal?.removeEventListener('abort', abort);
    }
    return { bytes };
  }

  async read(name: string): Promise<NodeJS.ReadableStream> {
    const key = this.#key(name);
    try {
      const object = await this.#client.send(new GetObjectCommand({ Bucket: this.#settings.bucket, Key: key }));
      if (!(object.Body instanceof Readable)) throw new Error(`${this.description} answered ${key} without a body`);
      return object.Body;
    } catch (error) {
      if (error instanceof S3ServiceException && (error.name === 'NoSuchKey' || error.$metadata.httpStatusCode === 404) && error.name !== 'NoSuchBucket') {
        throw Object.assign(new Error(`${key} is not in ${this.description}`, { cause: error }), { code: 'ENOENT' });
      }
      throw explain(error, `read ${key}`, this.description);
    }
  }

  /** Every object under the folder `prefix` (a name, never a partial name: "a/b" does not list "a/bc"). */
  async list(prefix: string): Promise<{ name: string; bytes: number }[]> {
    const folder = `${this.#key(prefix)}/`;
    const files: { name: string; bytes: number }[] = [];
    let token: string | undefined;
    try {
      do {
        const page = await this.#client.send(new ListObjectsV2Command({ Bucket: this.#settings.bucket, Prefix: folder, ContinuationToken: token }));
        for (const object of page.Contents ?? []) {
          if (object.Key) files.push({ name: object.Key.slice(this.#settings.prefix.length), bytes: object.Size ?? 0 });
        }
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token);
    } catch (error) {
      throw explain(error, `list ${folder}`, this.description);
    }
    return files.sort((a, b) => a.name.localeCompare(b.name));
  }

  async remove(prefix: string): Promise<void> {
    const names = [...(await this.list(prefix)).map((file) => file.name), prefix];
    try {
      for (let index = 0; index < names.length; index += 1000) {
        const batch = names.slice(index, index + 1000).map((name) => ({ Key: this.#key(name) }));
        const answer = await this.#client.send(new DeleteObjectsCommand({ Bucket: this.#settings.bucket, Delete: { Objects: batch, Quiet: true } }));
        const failed = answer.Errors?.[0];
        if (failed) throw new Error(`${this.description} did not delete ${failed.Key ?? '?'}: ${failed.Code ?? ''} ${failed.Message ?? ''}`.trim());
      }
    } catch (error) {
      throw explain(error, `delete ${this.#key(prefix)}`, this.description);
    }
  }

  /** The bucket answers, and an object can be written into the prefix and deleted again. */
  async check(): Promise<void> {
    const probe = `${this.#settings.prefix}.homeport-check`;
    try {
      try {
        await this.#client.send(new HeadBucketCommand({ Bucket: this.#settings.bucket }));
      } catch (error) {
        // A HEAD answer has no body, so a refusal comes without S3's reason: the write below gives it.
        if (!(error instanceof S3ServiceException && error.$metadata.httpStatusCode === 403)) throw error;
      }
      await this.#client.send(new PutObjectCommand({ Bucket: this.#settings.bucket, Key: probe, Body: 'homeport doctor' }));
      await this.#client.send(new DeleteObjectCommand({ Bucket: this.#settings.bucket, Key: probe }));
    } catch (error) {
      // HeadBucket answers a missing bucket with a bare 404.
      if (error instanceof S3ServiceException && error.$metadata.httpStatusCode === 404) throw new PermanentStoreError(`${this.description}: no such bucket`, { cause: error });
      throw explain(error, 'be written', this.description);
    }
  }

  close(): void {
    this.#client.destroy();
  }
}
