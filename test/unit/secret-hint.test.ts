// A secret's hint for the audit log names its start and length, never the secret.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { secretHint } from '../../src/domain/secret-hint.ts';

test('shows the first two characters and the length of a long secret', () => {
  assert.equal(secretHint('AbCdEfGhIjKlMnOp'), 'Ab…(16 characters)');
});

test('shows only the length of a short secret, whose start would give most of it away', () => {
  assert.equal(secretHint('team-2026'), '…(9 characters)');
  assert.equal(secretHint('x'), '…(1 characters)');
});
