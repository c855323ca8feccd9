// Seat rules: sizes set a minimum and maximum, and seats only go up.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HomeportError } from '../../src/domain/errors.ts';
import { checkSeatChange, checkSeatsForSize, registrationSeatWarning, seatWarning } from '../../src/domain/seats.ts';
import { builtInSizes, sizeProblems } from '../../src/domain/sizes.ts';

const starter = builtInSizes.find((size) => size.name === 'starter')!;

test('accepts seats within the size', () => {
  assert.doesNotThrow(() => checkSeatsForSize(starter, starter.minSeats));
  assert.doesNotThrow(() => checkSeatsForSize(starter, starter.maxSeats));
});

test('refuses seats below the minimum or above the maximum', () => {
  assert.throws(() => checkSeatsForSize(starter, starter.minSeats - 1), (error: HomeportError) => error.code === 'seats-below-minimum');
  assert.throws(() => checkSeatsForSize(starter, starter.maxSeats + 1), (error: HomeportError) => error.code === 'invalid-input');
  assert.throws(() => checkSeatsForSize(starter, 7.5), (error: HomeportError) => error.code === 'invalid-input');
});

test('refuses to lower seats, with the current count in the message', () => {
  assert.throws(() => checkSeatChange(starter, 10, 9), (error: HomeportError) => error.code === 'seats-cannot-decrease' && /has 10 seats/.test(error.message));
  assert.doesNotThrow(() => checkSeatChange(starter, 10, 11));
});

test('finds mistakes in operator-configured sizes', () => {
  assert.deepEqual(sizeProblems(builtInSizes), []);
  const problems = sizeProblems([{ ...starter, name: 'Bad Name', minSeats: 0, maxUploadSize: 'lots' }, starter, starter]);
  assert.ok(problems.some((problem) => problem.includes('lowercase')));
  assert.ok(problems.some((problem) => problem.includes('minSeats')));
  assert.ok(problems.some((problem) => problem.includes('maxUploadSize')));
  assert.ok(problems.some((problem) => problem.includes('listed twice')));
});

test('customers are warned from 90 % of their seats in use, and told at the limit what it means', () => {
  assert.equal(seatWarning(8, 10), null);
  assert.match(seatWarning(9, 10) ?? '', /^9 of 10 seats are in use: buy more seats/);
  assert.match(seatWarning(10, 10) ?? '', /^All 10 seats are in use: no new user can log in or register/);
  assert.equal(seatWarning(4, 5), null, '4 of 5 is 80 %');
  assert.equal(registrationSeatWarning(4, 5), null);
  assert.equal(registrationSeatWarning(null, 5), null, 'unknown: no claim');
  assert.match(registrationSeatWarning(5, 5) ?? '', /M_RESOURCE_LIMIT_EXCEEDED.*pending/);
});
