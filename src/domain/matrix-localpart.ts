// The rules for a new Matrix user's localpart (`alice` in @alice:acme.example), and how a user
// named in a request (full user ID or bare localpart) becomes a user ID of one server.
import { HomeportError } from './errors.ts';

export type LocalpartProblem =
  | 'empty'
  | 'full-user-id'
  | 'uppercase'
  | 'whitespace'
  | 'invalid-characters'
  | 'underscore-prefix'
  | 'only-digits'
  | 'too-long';

/** Synapse's and the Matrix spec's limit on a whole user ID, `@localpart:server` included. */
export const maxUserIdLength = 255;

// The Matrix spec's grammar for new user IDs (v1.8 added "+"); Synapse enforces the same set.
const allowedCharacters = /^[a-z0-9._=\-/+]+$/;

export function userIdFor(localpart: string, serverName: string): string {
  return `@${localpart}:${serverName}`;
}

export function localpartProblem(localpart: string, serverName: string): LocalpartProblem | undefined {
  if (localpart === '') return 'empty';
  if (localpart.startsWith('@') || localpart.includes(':')) return 'full-user-id';
  if (/\s/.test(localpart)) return 'whitespace';
  if (!allowedCharacters.test(localpart)) return allowedCharacters.test(localpart.toLowerCase()) ? 'uppercase' : 'invalid-characters';
  if (localpart.startsWith('_')) return 'underscore-prefix';
  if (/^\d+$/.test(localpart)) return 'only-digits';
  if (userIdFor(localpart, serverName).length > maxUserIdLength) return 'too-long';
  return undefined;
}

export function explainLocalpartProblem(localpart: string, serverName: string, problem: LocalpartProblem): string {
  const shown = localpart.length > 40 ? `${localpart.slice(0, 20)}... (${localpart.length} characters)` : localpart;
  switch (problem) {
    case 'empty':
      return 'The username must not be empty.';
    case 'full-user-id':
      return `Enter only the username, without "@" and ":${serverName}": the user ID is made from it.`;
    case 'uppercase':
      return `The username "${shown}" must be lowercase, e.g. "${localpart.toLowerCase()}".`;
    case 'whitespace':
      return `The username "${shown}" may not contain spaces.`;
    case 'invalid-characters':
      return `The username "${shown}" may contain only lowercase letters, digits and . _ = - / +`;
    case 'underscore-prefix':
      return `The username "${shown}" may not start with "_" (reserved for bridges and bots).`;
    case 'only-digits':
      return `The username "${shown}" may not be only digits (reserved for guest accounts).`;
    case 'too-long':
      return `The username is too long: a user ID (@username:${serverName}) may have at most ${maxUserIdLength} characters, and this one would have ${userIdFor(localpart, serverName).length}.`;
  }
}

/** Throws a 422 with a reason a customer understands unless `localpart` can name a new user. */
export function checkNewLocalpart(localpart: string, serverName: string): void {
  const problem = localpartProblem(localpart, serverName);
  if (problem) {
    throw new HomeportError('localpart-invalid', 'Invalid username', explainLocalpartProblem(localpart, serverName, problem), { reason: problem });
  }
}

/**
 * The user ID that `reference` (a full user ID or a bare localpart) names on `serverName`, or
 * undefined when it cannot name a user of that server. Existing users may predate today's
 * grammar, so only the shape is checked here, not the character set.
 */
export function userIdOnServer(reference: string, serverName: string): string | undefined {
  let localpart = reference;
  if (reference.startsWith('@')) {
    const separator = reference.indexOf(':');
    if (separator < 0 || reference.slice(separator + 1) !== serverName) return undefined;
    localpart = reference.slice(1, separator);
  }
  if (localpart === '' || localpart.includes(':') || /[\s\p{Cc}]/u.test(localpart)) return undefined;
  const userId = userIdFor(localpart, serverName);
  return userId.length <= maxUserIdLength ? userId : undefined;
}
