// Homeport's rate limits as Synapse's rc_* settings of homeserver.yaml.
import type { RateLimit, RateLimits } from '../domain/rate-limits.ts';

const rc = (limit: RateLimit) => ({ per_second: limit.perSecond, burst_count: limit.burstCount });

export function rateLimitSettings(limits: RateLimits): Record<string, unknown> {
  return {
    rc_message: rc(limits.message),
    rc_login: { address: rc(limits.loginAddress), account: rc(limits.loginAccount), failed_attempts: rc(limits.loginFailedAttempts) },
    rc_registration: rc(limits.registration),
    rc_joins: { local: rc(limits.joinsLocal), remote: rc(limits.joinsRemote) },
    rc_invites: { per_room: rc(limits.invitesPerRoom), per_user: rc(limits.invitesPerUser), per_issuer: rc(limits.invitesPerIssuer) },
    rc_media_create: rc(limits.mediaCreate),
  };
}
