// The rules for a host's registration tokens: a chosen token's characters, how many uses, when it expires.
import { HomeportError } from './errors.ts';

/** Synapse's own limits for tokens, chosen or generated. */
export const registrationTokenLength = { min: 1, max: 64 };
const tokenCharacters = /^[A-Za-z0-9._~-]+$/;

export interface RegistrationTokenRequest {
  /** Absent: Homeport asks Synapse for a random one. */
  token?: string;
  /** null: unlimited. */
  usesAllowed: number | null;
  /** null: never expires. */
  expiresAt: Date | null;
}

export interface FieldProblem {
  field: string;
  message: string;
}

export function registrationTokenProblems(request: RegistrationTokenRequest, now: Date): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const { token, usesAllowed, expiresAt } = request;
  if (token !== undefined) {
    if (token.length < registrationTokenLength.min || token.length > registrationTokenLength.max) {
      problems.push({ field: 'token', message: `must be ${registrationTokenLength.min} to ${registrationTokenLength.max} characters long` });
    } else if (!tokenCharacters.test(token)) {
      problems.push({ field: 'token', message: 'may contain only letters, digits and . _ ~ -' });
    }
  }
  if (usesAllowed !== null && (!Number.isInteger(usesAllowed) || usesAllowed < 1)) {
    problems.push({ field: 'usesAllowed', message: 'must be a whole number of at least 1, or null for unlimited uses' });
  }
  if (expiresAt !== null) {
    if (Number.isNaN(expiresAt.getTime())) problems.push({ field: 'expiresAt', message: 'must be a date and time' });
    else if (expiresAt.getTime() <= now.getTime()) problems.push({ field: 'expiresAt', message: 'must be in the future, or null for a token that never expires' });
  }
  return problems;
}

/** Throws a 422 naming every field that is wrong, so a form can mark them all at once. */
export function checkRegistrationTokenRequest(request: RegistrationTokenRequest, now: Date): void {
  const problems = registrationTokenProblems(request, now);
  if (problems.length > 0) {
    const detail = problems.map((problem) => `${problem.field} ${problem.message}`).join('; ');
    throw new HomeportError('registration-token-invalid', 'Invalid registration token', `The registration token is not valid: ${detail}.`, { errors: problems });
  }
}

/** Whether the token can still start a registration, by the same rule Synapse applies. */
export function isRegistrationTokenUsable(
  token: { usesAllowed: number | null; pending: number; completed: number; expiresAt: Date | null },
  now: Date,
): boolean {
  const usesLeft = token.usesAllowed === null || token.pending + token.completed < token.usesAllowed;
  const notExpired = token.expiresAt === null || token.expiresAt.getTime() > now.getTime();
  return usesLeft && notExpired;
}

/** A path segment can only name a token that could exist. */
export function couldBeRegistrationToken(token: string): boolean {
  return token.length >= registrationTokenLength.min && token.length <= registrationTokenLength.max && tokenCharacters.test(token);
}
