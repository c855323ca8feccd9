// The cancellation rule: free within a day of purchase, else the invoiced month stays owed; the
// sentences shown before and after say exactly that.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cancellationGraceMs, cancellationPromise, cancellationReceipt, cancellationTerms } from '../../src/domain/billing/cancellation.ts';

const bought = new Date('2026-12-01T10:00:00Z');
const periodEnd = new Date('2027-01-01T10:00:00Z');

test('a host cancelled within a day of its purchase costs nothing', () => {
  const terms = cancellationTerms({ startedAt: bought, periodEnd }, new Date(bought.getTime() + 5 * 60_000));
  assert.deepEqual(terms, { kind: 'free', freeUntil: new Date(bought.getTime() + cancellationGraceMs) });
  assert.match(cancellationPromise(terms), /costs nothing: its invoices are voided and a card payment is refunded/);
  assert.equal(cancellationReceipt(terms, ['HP-2026-000007']), 'Nothing is charged for this host: invoice HP-2026-000007 is void, and any card payment for it is refunded.');
  assert.equal(cancellationReceipt(terms, ['A', 'B']), 'Nothing is charged for this host: invoices A, B are void, and any card payment for them is refunded.');
});

test('from the end of the first day on, the invoiced month stays owed and nothing more is invoiced', () => {
  const terms = cancellationTerms({ startedAt: bought, periodEnd }, new Date(bought.getTime() + cancellationGraceMs));
  assert.deepEqual(terms, { kind: 'period-owed', periodEnd });
  assert.match(cancellationPromise(terms), /current month, already invoiced, is not refunded.*Nothing more is invoiced after 1 January 2027\./);
  assert.equal(cancellationReceipt(terms, []), 'The invoice for the current month stays due; nothing more is invoiced for this host after 1 January 2027.');
});

test('a host without a subscription is not billed either way', () => {
  const terms = cancellationTerms(undefined, bought);
  assert.deepEqual(terms, { kind: 'not-billed' });
  assert.match(cancellationPromise(terms), /nothing is invoiced/);
});
