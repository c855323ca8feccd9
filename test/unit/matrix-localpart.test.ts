// The rules for new usernames and for naming a user of one host.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HomeportError } from '../../src/domain/errors.ts';
import { checkNewLocalpart, localpartProblem, userIdOnServer } from '../../src/domain/matrix-localpart.ts';

const server = 'acme.example.org';

test('accepts the localparts the Matrix spec allows', () => {
  for (const localpart of ['alice', 'bob.smith', 'x_y', 'a=b', 'team/ops', 'a-b', 'mail+tag', 'r2d2', 'a']) {
    assert.equal(localpartProblem(localpart, server), undefined, localpart);
  }
});

test('names the problem of each bad localpart', () => {
  const cases: [string, string][] = [
    ['', 'empty'], ['Alice', 'uppercase'], ['a b', 'whitespace'], ['@x:y', 'full-user-id'], ['x:y', 'full-user-id'],
    ['café', 'invalid-characters'], ['a#b', 'invalid-characters'], ['_bridge', 'underscore-prefix'], ['12345', 'only-digits'],
    ['a'.repeat(300), 'too-long'],
  ];
  for (const [localpart, problem] of cases) assert.equal(localpartProblem(localpart, server), problem, localpart);
});

test('counts the whole user ID against the 255-character limit', () => {
  const longest = 255 - `@:${server}`.length;
  assert.equal(localpartProblem('a'.repeat(longest), server), undefined);
  assert.equal(localpartProblem('a'.repeat(longest + 1), server), 'too-long');
});

test('explains a bad localpart in words a customer understands', () => {
  const reason = (localpart: string) => {
    try {
      checkNewLocalpart(localpart, server);
    } catch (error) {
      assert.ok(error instanceof HomeportError);
      assert.equal(error.code, 'localpart-invalid');
      return error.message;
    }
    assert.fail(`"${localpart}" was accepted`);
  };
  assert.match(reason('Alice'), /must be lowercase, e\.g\. "alice"/);
  assert.match(reason('a b'), /may not contain spaces/);
  assert.match(reason('@x:y'), /only the username, without "@"/);
  assert.match(reason('a'.repeat(300)), /at most 255 characters/);
  assert.doesNotMatch(reason('a'.repeat(300)), /a{100}/, 'a long name is not echoed in full');
});

test('resolves a user named by full ID or localpart on its own server only', () => {
  assert.equal(userIdOnServer('alice', server), `@alice:${server}`);
  assert.equal(userIdOnServer(`@alice:${server}`, server), `@alice:${server}`);
  assert.equal(userIdOnServer('@bob:other.example.org', server), undefined);
  assert.equal(userIdOnServer('@bob', server), undefined);
  assert.equal(userIdOnServer('', server), undefined);
  assert.equal(userIdOnServer('a b', server), undefined);
  assert.equal(userIdOnServer('x'.repeat(300), server), undefined);
  // Existing users may predate today's grammar: they can still be named.
  assert.equal(userIdOnServer('Legacy', server), `@Legacy:${server}`);
});
