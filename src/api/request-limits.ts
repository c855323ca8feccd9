// Per-address rate limits for the anonymous routes that create accounts or send mail, counted in
// PostgreSQL (src/store/request-counts.ts) through @fastify/rate-limit's store interface.
import rateLimit, { type FastifyRateLimitStore, type RateLimitOptions } from '@fastify/rate-limit';
import type { FastifyInstance } from 'fastify';
import type { Config } from '../config.ts';
import { HomeportError } from '../domain/errors.ts';
import type { Db } from '../store/database.ts';
import { countRequest } from '../store/request-counts.ts';

const hourMs = 3_600_000;

function postgresStore(db: Db) {
  return class PostgresRequestStore implements FastifyRateLimitStore {
    incr(key: string, callback: (error: Error | null, result?: { current: number; ttl: number }) => void, timeWindow: number): void {
      countRequest(db, key, timeWindow).then(
        ({ count, windowEnd }) => callback(null, { current: count, ttl: Math.max(0, windowEnd.getTime() - Date.now()) }),
        (error: unknown) => callback(error instanceof Error ? error : new Error(String(error))),
      );
    }

    /** One store serves every route: the key names the route (see keyGenerator). */
    child(): FastifyRateLimitStore {
      return this;
    }
  };
}

/** Registers the limiter; routes opt in with `config: { rateLimit: ... }` from the functions below. */
export async function registerRequestLimits(app: FastifyInstance, db: Db): Promise<void> {
  await app.register(rateLimit, {
    global: false,
    store: postgresStore(db),
    keyGenerator: (request) => `${request.method} ${request.routeOptions.url ?? request.url} ${request.ip}`,
    // The problem-details mapper answers it, with Retry-After from retryAfterSeconds.
    errorResponseBuilder: (_request, context) => new HomeportError(
      'too-many-attempts', 'Too many requests',
      `Too many requests of this kind from your address. Try again in ${Math.max(1, Math.ceil(context.ttl / 60_000))} minute(s).`,
      { retryAfterSeconds: Math.max(1, Math.ceil(context.ttl / 1000)), limitedBy: 'address' },
    ),
    addHeadersOnExceeding: { 'x-ratelimit-limit': true, 'x-ratelimit-remaining': true, 'x-ratelimit-reset': true },
    addHeaders: { 'x-ratelimit-limit': true, 'x-ratelimit-remaining': true, 'x-ratelimit-reset': true, 'retry-after': false },
  });
}

/** Sign-ups from one address per hour (HOMEPORT_SIGNUPS_PER_ADDRESS_PER_HOUR). */
export function signUpLimit(config: Pick<Config, 'signUpsPerAddressPerHour'>): RateLimitOptions {
  return { max: config.signUpsPerAddressPerHour, timeWindow: hourMs };
}

/** Requests that mail someone (password reset, verification resend) from one address per hour. */
export function mailRequestLimit(config: Pick<Config, 'mailRequestsPerAddressPerHour'>): RateLimitOptions {
  return { max: config.mailRequestsPerAddressPerHour, timeWindow: hourMs };
}
