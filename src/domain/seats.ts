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
