// What a customer's password must be: long enough to resist guessing, short enough to hash.

export const passwordLength = { min: 12, max: 256 } as const;

/** Why a password is refused, in words for the customer, or undefined when it is acceptable. */
export function passwordProblem(password: string, email?: string): string | undefined {
  const length = [...password].length;
  if (length < passwordLength.min) return `The password must be at least ${passwordLength.min} characters long.`;
  if (length > passwordLength.max) return `The password must be at most ${passwordLength.max} characters long.`;
  if (/^(.)\1*$/su.test(password)) return 'The password must not be one character repeated.';
  if (email && password.toLowerCase() === email.trim().toLowerCase()) return 'The password must not be your email address.';
  return undefined;
}
