// The rules for registration tokens and the chosen-password rule.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkChosenPassword } from '../../src/domain/chosen-password.ts';
import { HomeportError } from '../../src/domain/errors.ts';
import { checkRegistrationTokenRequest, isRegistrationTokenUsable, registrationTokenProblems } from '../../src/domain/registration-token.ts';

const now = new Date('2026-12-01T12:00:00Z');
const later = new Date('2026-12-31T00:00:00Z');

test('accepts random or chosen tokens with unlimited or counted uses', () => {
  assert.deepEqual(registrationTokenProblems({ usesAllowed: null, expiresAt: null }, now), []);
  assert.deepEqual(registrationTokenProblems({ token: 'Team-2026_a.b~c', usesAllowed: 1, expiresAt: later }, now), []);
  assert.deepEqual(registrationTokenProblems({ token: 'x'.repeat(64), usesAllowed: 500, expiresAt: null }, now), []);
});

test('names every wrong field at once', () => {
  const problems = registrationTokenProblems({ token: 'has space', usesAllowed: -1, expiresAt: new Date('2026-11-30T00:00:00Z') }, now);
  assert.deepEqual(problems.map((problem) => problem.field), ['token', 'usesAllowed', 'expiresAt']);
  assert.throws(
    () => checkRegistrationTokenRequest({ usesAllowed: 0, expiresAt: null }, now),
    (error: HomeportError) => error.code === 'registration-token-invalid' && /usesAllowed must be a whole number of at least 1/.test(error.message),
  );
});

test('refuses empty, long, oddly-charactered tokens and past or invalid expiries', () => {
  const fieldsOf = (request: Parameters<typeof registrationTokenProblems>[0]) => registrationTokenProblems(request, now).map((problem) => problem.field);
  assert.deepEqual(fieldsOf({ token: '', usesAllowed: null, expiresAt: null }), ['token']);
  assert.deepEqual(fieldsOf({ token: 'x'.repeat(65), usesAllowed: null, expiresAt: null }), ['token']);
  assert.deepEqual(fieldsOf({ token: 'a/b', usesAllowed: null, expiresAt: null }), ['token']);
  assert.deepEqual(fieldsOf({ usesAllowed: 1.5, expiresAt: null }), ['usesAllowed']);
  assert.deepEqual(fieldsOf({ usesAllowed: null, expiresAt: now }), ['expiresAt']);
  assert.deepEqual(fieldsOf({ usesAllowed: null, expiresAt: new Date('not a date') }), ['expiresAt']);
});

test('knows when a token can no longer start a registration', () => {
  assert.equal(isRegistrationTokenUsable({ usesAllowed: null, pending: 5, completed: 50, expiresAt: null }, now), true);
  assert.equal(isRegistrationTokenUsable({ usesAllowed: 1, pending: 1, completed: 0, expiresAt: null }, now), false);
  assert.equal(isRegistrationTokenUsable({ usesAllowed: 2, pending: 0, completed: 1, expiresAt: later }, now), true);
  assert.equal(isRegistrationTokenUsable({ usesAllowed: null, pending: 0, completed: 0, expiresAt: new Date('2026-11-01T00:00:00Z') }, now), false);
});

test('asks a chosen password for 12 to 512 characters without spaces at its ends', () => {
  assert.doesNotThrow(() => checkChosenPassword('correct horse battery'));
  for (const password of ['short', 'x'.repeat(513), ' padded password ']) {
    assert.throws(() => checkChosenPassword(password), (error: HomeportError) => error.code === 'password-invalid', password);
  }
});
