// Seat rules: a host's seats fit its size, and they may only ever increase.
import { HomeportError } from './errors.ts';
import type { Size } from './sizes.ts';

export function checkSeatsForSize(size: Size, seats: number): void {
  if (!Number.isInteger(seats)) {
    throw new HomeportError('invalid-input', 'Invalid seats', 'Seats must be a whole number.');
  }
  if (seats < size.minSeats) {
    throw new HomeportError('seats-below-minimum', 'Too few seats', `The ${size.title} size needs at least ${size.minSeats} seats.`, { minSeats: size.minSeats });
  }
  if (seats > size.maxSeats) {
    throw new HomeportError('invalid-input', 'Too many seats', `The ${size.title} size allows at most ${size.maxSeats} seats.`, { maxSeats: size.maxSeats });
  }
}

export function checkSeatChange(size: Size, current: number, requested: number): void {
  if (requested < current) {
    throw new HomeportError(
      'seats-cannot-decrease',
      'Seats cannot be lowered',
      `This host has ${current} seats; seats can be raised at any time but never lowered.`,
      { currentSeats: current },
    );
  }
  checkSeatsForSize(size, requested);
}

/** Seats used from this share of those bought on, customers are warned. */
export const seatWarningShare = 0.9;

/** What a customer is told about seats in use: null while well below the limit. */
export function seatWarning(used: number, bought: number): string | null {
  if (used >= bought) {
    return `All ${bought} seats are in use: no new user can log in or register until a user stays inactive for 30 days or more seats are bought.`;
  }
  if (used >= Math.ceil(bought * seatWarningShare)) {
    return `${used} of ${bought} seats are in use: buy more seats before the limit, where no new user can log in or register.`;
  }
  return null;
}

export function seatLimitReached(used: number, bought: number, hostLabel: string): HomeportError {
  return new HomeportError(
    'seat-limit-reached',
    'All seats are in use',
    `All ${bought} seats of host ${hostLabel} are in use (${used} monthly active users): a new user could not log in. Buy more seats first.`,
    { seatsUsed: used, seats: bought },
  );
}

/** Why a registration token cannot work now: at the seat limit Synapse refuses the registration after its token stage. */
export function registrationSeatWarning(used: number | null, bought: number): string | null {
  if (used === null || used < bought) return null;
  return `All ${bought} seats are in use: the homeserver refuses new registrations (M_RESOURCE_LIMIT_EXCEEDED) once the token is entered, ` +
    'and each refused registration stays counted as pending on the token. Buy more seats before handing out tokens.';
}
