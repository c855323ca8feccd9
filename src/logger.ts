// The one pino logger factory: JSON logs with tokens, passwords, keys and secrets redacted.
import { pino, type Logger } from 'pino';

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

export function createLogger(level = 'info', destination?: NodeJS.WritableStream): Logger {
  const options = { level, redact: { paths: redactPaths, censor: '[redacted]' } };
  return destination ? pino(options, destination as pino.DestinationStream) : pino(options);
}
