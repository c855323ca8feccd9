// The rule for a password a customer chooses for one of their host's users (generated ones are always fine).
import { HomeportError } from './errors.ts';

/** 12 characters is the floor for a password nobody checks against a breach list; 512 is Synapse's ceiling. */
export const chosenPasswordLength = { min: 12, max: 512 };

export function checkChosenPassword(password: string): void {
  if (password.length < chosenPasswordLength.min) {
    throw new HomeportError('password-invalid', 'Password too short', `The password must be at least ${chosenPasswordLength.min} characters long; leave it out and Homeport generates a strong one.`);
  }
  if (password.length > chosenPasswordLength.max) {
    throw new HomeportError('password-invalid', 'Password too long', `The password may be at most ${chosenPasswordLength.max} characters long.`);
  }
  if (password.trim() !== password) {
    throw new HomeportError('password-invalid', 'Password has spaces at its ends', 'The password may not start or end with spaces: they are easily lost when it is typed or copied.');
  }
}
