// The one pino logger factory: JSON logs with tokens, passwords, keys and secrets redacted.
import { pino, type Logger } from 'pino';
import { PinoPretty } from 'pino-pretty';
import type { LogFormat } from './config.ts';

export type { Logger };

const redactedKeys = [
  'password', 'new_password', 'token', 'access_token', 'accessToken', 'adminToken', 'secret',
  'authorization', 'Authorization', 'mac', 'pepper', 'signingKey', 'macaroonSecretKey',
  'formSecret', 'registrationSharedSecret', 'masterKey',
];

export const redactPaths = [
  ...redactedKeys,
  ...redactedKeys.map((key) => `*.${key}`),
  'req.headers.authorization',
  'req.headers.cookie',
];

/** Logged by `homeport start` for a promise rejection nobody handled; the test harness fails on it. */
export const unhandledRejectionMessage = 'unhandled promise rejection';

/** JSON lines by default; `pretty` writes readable, coloured lines for a person at a terminal (same redaction). */
export function createLogger(level = 'info', destination?: NodeJS.WritableStream, format: LogFormat = 'json'): Logger {
  const options = { level, redact: { paths: redactPaths, censor: '[redacted]' } };
  if (destination) return pino(options, destination as pino.DestinationStream);
  if (format === 'pretty') return pino(options, PinoPretty({ sync: true, translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname' }));
  return pino(options);
}
