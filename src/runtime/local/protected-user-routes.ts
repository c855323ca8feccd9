// The edge refuses every request whose path names a protected user (Homeport's own admin user):
// a customer's server admin must not deactivate, demote, lock, log out or rename it through the
// Admin API, nor change its profile through the client API. Synapse takes user IDs from the
// path only (rest/admin/users.py: deactivate, suspend, reset_password, v2/users/<id>,
// users/<id>/admin|login|shadow_ban|override_ratelimit|devices|delete_devices, user/<id>/redact...),
// so one substring pattern per user covers today's endpoints and any later one.
import type { CaddyRoute } from './caddy-config.ts';

/** What a Matrix client shows when the edge refuses a call aimed at Homeport's user. */
export const protectedUserBody = {
  errcode: 'M_FORBIDDEN',
  error: "This user is managed by the hosting provider and cannot be changed from inside the host.",
};

/**
 * Caddy's path matcher compares lowercased, percent-decoded paths (`%40` is `@`, `%3A` is `:`)
 * with a pattern free of `%`, so every encoding of the user ID is caught. The `@` is left out:
 * a path naming the user without it is refused too.
 */
export function protectedUserPathPatterns(userId: string): string[] {
  return [`*${protectedUserText(userId)}*`];
}

/** What a path naming the user holds, whatever its encoding (the substring of the pattern). */
export function protectedUserText(userId: string): string {
  return userId.replace(/^@/, '').toLowerCase();
}

/**
 * One refusal of paths naming any of `userIds`. A user ID may be cut short after its localpart
 * (`@homeport-admin:`): the edge's shared route refuses Homeport's own user on every host so.
 */
export function protectedUserRoutes(userIds: string[]): CaddyRoute[] {
  if (userIds.length === 0) return [];
  return [{
    match: [{ path: userIds.flatMap((userId) => protectedUserPathPatterns(userId)) }],
    handle: [{
      handler: 'static_response',
      status_code: 403,
      headers: { 'Content-Type': ['application/json'] },
      // No braces in a user ID (a hostname) or in this text: Caddy finds no placeholder here.
      body: JSON.stringify(protectedUserBody),
    }],
  }];
}
