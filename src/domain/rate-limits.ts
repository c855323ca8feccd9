// Synapse's rate limits as Homeport sells them: per size, sized for a hosted community rather
// than for an open server on the internet (Synapse's defaults make a user pasting 100 messages
// wait minutes, and throttle an office behind one address at its sixth login).

/** A token bucket: `burstCount` actions at once, refilled at `perSecond`. */
export interface RateLimit {
  perSecond: number;
  burstCount: number;
}

export const rateLimitNames = [
  'message', 'loginAddress', 'loginAccount', 'loginFailedAttempts', 'registration',
  'joinsLocal', 'joinsRemote', 'invitesPerRoom', 'invitesPerUser', 'invitesPerIssuer', 'mediaCreate',
] as const;

export type RateLimitName = (typeof rateLimitNames)[number];
export type RateLimits = Record<RateLimitName, RateLimit>;

const limit = (perSecond: number, burstCount: number): RateLimit => ({ perSecond, burstCount });

/** Starter's limits, and the base of an operator's own size that names no built-in one. */
export const communityRateLimits: RateLimits = {
  // Messages, and display-name or avatar changes (Synapse counts those as messages too).
  message: limit(5, 200),
  // Logins from one address: a whole office may sit behind it.
  loginAddress: limit(1, 50),
  loginAccount: limit(0.1, 20),
  // Kept tight: this is what stops password guessing.
  loginFailedAttempts: limit(0.05, 10),
  // Registrations from one address: a team onboarding with tokens from one office.
  registration: limit(0.5, 30),
  joinsLocal: limit(1, 50),
  joinsRemote: limit(0.1, 20),
  invitesPerRoom: limit(1, 50),
  // Invites one user receives: a spam target, so moderate.
  invitesPerUser: limit(0.1, 20),
  invitesPerIssuer: limit(1, 50),
  mediaCreate: limit(10, 50),
};

/** The built-in sizes' limits, by size name: bigger communities, more people behind one address. */
export const builtInRateLimits: Record<string, RateLimits> = {
  starter: communityRateLimits,
  business: {
    ...communityRateLimits,
    message: limit(10, 300),
    loginAddress: limit(2, 100),
    registration: limit(1, 100),
    joinsLocal: limit(2, 100),
    joinsRemote: limit(0.2, 30),
    invitesPerRoom: limit(2, 100),
    invitesPerIssuer: limit(2, 100),
    mediaCreate: limit(20, 100),
  },
  enterprise: {
    ...communityRateLimits,
    message: limit(20, 500),
    loginAddress: limit(5, 200),
    registration: limit(2, 300),
    joinsLocal: limit(5, 200),
    joinsRemote: limit(0.5, 50),
    invitesPerRoom: limit(5, 200),
    invitesPerIssuer: limit(5, 200),
    mediaCreate: limit(50, 200),
  },
};

/** The limits of a size: an operator's changes over the built-in size of that name (else over Starter's). */
export function rateLimitsFor(sizeName: string, changes: Partial<RateLimits> = {}): RateLimits {
  return { ...(builtInRateLimits[sizeName] ?? communityRateLimits), ...changes };
}

/** Problems of an operator's rate limit changes for one size; empty when valid. */
export function rateLimitProblems(sizeName: string, changes: unknown): string[] {
  if (changes === undefined) return [];
  if (typeof changes !== 'object' || changes === null || Array.isArray(changes)) return [`size "${sizeName}": rateLimits must be a mapping`];
  const problems: string[] = [];
  for (const [name, value] of Object.entries(changes)) {
    if (!(rateLimitNames as readonly string[]).includes(name)) {
      problems.push(`size "${sizeName}": unknown rate limit "${name}" (known: ${rateLimitNames.join(', ')})`);
      continue;
    }
    const { perSecond, burstCount } = (value ?? {}) as Partial<Record<keyof RateLimit, unknown>>;
    const keys = typeof value === 'object' && value !== null ? Object.keys(value) : [];
    if (keys.some((key) => key !== 'perSecond' && key !== 'burstCount')) problems.push(`size "${sizeName}": rate limit "${name}" takes only perSecond and burstCount`);
    if (typeof perSecond !== 'number' || !Number.isFinite(perSecond) || perSecond <= 0 || perSecond > 1_000_000) {
      problems.push(`size "${sizeName}": rate limit "${name}" needs perSecond, a number above 0`);
    }
    if (!Number.isInteger(burstCount) || (burstCount as number) < 1 || (burstCount as number) > 1_000_000) {
      problems.push(`size "${sizeName}": rate limit "${name}" needs burstCount, a whole number of at least 1`);
    }
  }
  return problems;
}
