// Seat rules: sizes set a minimum and maximum, and seats only go up.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HomeportError } from '../../src/domain/errors.ts';
import { checkSeatChange, checkSeatsForSize } from '../../src/domain/seats.ts';
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
