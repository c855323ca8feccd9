// Invoice numbers under concurrency, in a real PostgreSQL: many invoices issued at once, some of
// them in transactions that roll back, still get unique numbers 1..n per year with no gap.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { invoiceTotals } from '../../src/domain/billing/invoice-totals.ts';
import type { OpenedDatabase } from '../../src/store/database.ts';
import { insertInvoice } from '../../src/store/invoices.ts';
import { startMigratedDatabase } from '../support/migrated-database.ts';

let opened: OpenedDatabase;

before(async () => {
  opened = await startMigratedDatabase(12);
});
after(async () => {
  await opened?.close();
});

test('concurrent invoices, some rolled back, have gap-free numbers per year', async () => {
  const account = await opened.db.insertInto('accounts').values({ email: 'n@example.org', name: 'N' }).returning('id').executeTakeFirstOrThrow();
  const totals = invoiceTotals([{ description: 'x', size: 'starter', seats: 5, unitPriceMinor: 500, amountMinor: 2500, periodIndex: 0, wholePeriod: true }], null, { rateBasisPoints: 1900, reverseCharge: false, note: null });
  const issue = (index: number, year: number) => opened.db.transaction().execute(async (trx) => {
    const at = new Date(Date.UTC(year, 5, 1));
    await insertInvoice(trx, {
      accountId: account.id, subscriptionId: null, kind: 'seats', prefix: 'N-', issuedAt: at, period: { start: at, end: at },
      currency: 'EUR', paymentMethod: 'invoice', totals, buyer: { name: 'N', address: [] }, seller: { name: 'S', address: [] }, paid: false,
    });
    // Every third one fails after taking its number, as a purchase whose later step fails would.
    if (index % 3 === 0) throw new Error('rolled back');
  });
  const results = await Promise.allSettled(Array.from({ length: 60 }, (_, index) => issue(index, index % 2 === 0 ? 2026 : 2027)));
  assert.equal(results.filter((result) => result.status === 'rejected').length, 20);
  for (const year of [2026, 2027]) {
    const rows = await opened.db.selectFrom('invoices').select(['sequence', 'number']).where('year', '=', year).orderBy('sequence').execute();
    assert.deepEqual(rows.map((row) => row.sequence), Array.from({ length: 20 }, (_, index) => index + 1), `${year}: 1..20 without gaps`);
    assert.equal(rows[0]!.number, `N-${year}-000001`);
  }
});
