// Invoice PDFs, read back with a real PDF parser (pdftotext from poppler-utils): an invoice issued
// in a real PostgreSQL (a reverse-charge buyer with a coupon; a consumer paying VAT) rendered by
// the same service the API's download uses; the text must carry the number, both parties, the
// lines, the coupon's discount, the VAT or the reverse-charge note, the totals as money, and how
// to pay (due date, payment reference, the seller's bank account).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { accountInvoicePdf } from '../../src/billing/invoice-documents.ts';
import { renderInvoiceHtml } from '../../src/billing/invoice-html.ts';
import { sellerParty } from '../../src/billing/seller.ts';
import { invoiceTotals } from '../../src/domain/billing/invoice-totals.ts';
import { reverseChargeNote, taxTreatment } from '../../src/domain/billing/tax.ts';
import type { OpenedDatabase } from '../../src/store/database.ts';
import { insertInvoice, invoiceLines } from '../../src/store/invoices.ts';
import { startMigratedDatabase } from '../support/migrated-database.ts';
import { pdfToText } from '../support/pdf-text.ts';
import { testSeller } from '../support/test-seller.ts';

let opened: OpenedDatabase;

before(async () => {
  opened = await startMigratedDatabase();
});
after(async () => {
  await opened?.close();
});

const pdfText = pdfToText;

const seller = sellerParty(testSeller);
const at = new Date(Date.UTC(2026, 10, 29));
const period = { start: at, end: new Date(Date.UTC(2026, 11, 29)) };
const line = (amountMinor: number, seats: number) => ({ description: `Starter host "chat", ${seats} seats, 2026-11-29 to 2026-12-29`, size: 'starter', seats, unitPriceMinor: amountMinor / seats, amountMinor, periodIndex: 0, wholePeriod: true });

test('a reverse-charge invoice with a coupon: number, parties, discount, the legal note and the totals', async () => {
  const account = await opened.db.insertInto('accounts').values({ email: 'rc@example.org', name: 'Zoë Martin' }).returning('id').executeTakeFirstOrThrow();
  const tax = taxTreatment({ country: 'FR', vatId: 'FR40303265045' }, 'DE', { DE: 1900, FR: 2000 });
  const coupon = { code: 'WELCOME20', discount: { kind: 'percent' as const, basisPoints: 2000 }, duration: { kind: 'forever' as const }, sizes: [] };
  const totals = invoiceTotals([line(123_450, 25)], coupon, tax);
  const invoice = await insertInvoice(opened.db, {
    accountId: account.id, subscriptionId: null, kind: 'purchase', prefix: 'PDF-', issuedAt: at, period, currency: 'EUR', paymentMethod: 'invoice', totals,
    buyer: { name: 'Zoë Martin', companyName: 'Société Exemple SA', vatId: 'FR40303265045', address: ['1 Rue de Rivoli', '75001 Paris', 'FR'] }, seller, paid: false,
  });
  const { fileName, pdf } = await accountInvoicePdf(opened.db, account.id, invoice.id);
  assert.equal(fileName, 'invoice-PDF-2026-000001.pdf');
  assert.equal(pdf.subarray(0, 5).toString(), '%PDF-');
  const text = await pdfText(pdf);
  assert.match(text, /Invoice PDF-2026-000001/);
  assert.match(text, /Issued 2026-11-29 · period 2026-11-29 to 2026-12-29 · Due by 2026-12-13: please pay by bank\s+transfer/);
  for (const party of ['Homeport Test GmbH', 'Teststraße 9', '10115 Berlin', 'Germany', 'VAT ID DE123456789', 'Société Exemple SA', 'Zoë Martin', '75001 Paris', 'VAT ID FR40303265045']) assert.ok(text.includes(party), `${party} in:\n${text}`);
  // How to pay: the seller's bank account as it was at issue time, the due date (issued + 14 days) and the reference.
  for (const payment of ['Due date: 2026-12-13', 'Payment reference: PDF-2026-000001', 'Account holder: Homeport Test GmbH', 'IBAN: DE89 3704 0044 0532 0130 00', 'BIC: COBADEFFXXX', 'Bank: Commerzbank']) {
    assert.ok(text.includes(payment), `${payment} in:\n${text}`);
  }
  const html = renderInvoiceHtml(invoice, await invoiceLines(opened.db, invoice.id));
  for (const payment of ['Due date: 2026-12-13', 'Payment reference: PDF-2026-000001', 'IBAN: DE89 3704 0044 0532 0130 00', 'BIC: COBADEFFXXX', 'Homeport Test GmbH']) assert.ok(html.includes(payment), `${payment} in the HTML`);
  assert.match(text, /Starter host "chat", 25 seats.*€1,234\.50 +-€246\.90/);
  assert.match(text, /Subtotal +€1,234\.50/);
  assert.match(text, /Discount \(coupon WELCOME20\) +-€246\.90/);
  assert.match(text, /VAT 0% +€0\.00/);
  assert.match(text, /Total +€987\.60/);
  // Compared without white space: the note wraps where the font's widths put the line end.
  assert.ok(text.replace(/\s+/g, '').includes(reverseChargeNote.replace(/\s+/g, '')), `the reverse-charge note in:\n${text}`);

  const other = await opened.db.insertInto('accounts').values({ email: 'other@example.org', name: 'Other' }).returning('id').executeTakeFirstOrThrow();
  await assert.rejects(accountInvoicePdf(opened.db, other.id, invoice.id), /does not exist/, "another account's invoice is not found");
});

test('a consumer invoice in yen, paid: VAT charged, no discount line, no reverse-charge note', async () => {
  const account = await opened.db.insertInto('accounts').values({ email: 'jp@example.org', name: 'Consumer' }).returning('id').executeTakeFirstOrThrow();
  const totals = invoiceTotals([line(5000, 5)], null, taxTreatment({ country: 'DE', vatId: null }, 'DE', { DE: 1900 }));
  const invoice = await insertInvoice(opened.db, {
    accountId: account.id, subscriptionId: null, kind: 'renewal', prefix: 'PDF-', issuedAt: at, period, currency: 'JPY', paymentMethod: 'card', totals,
    buyer: { name: 'Consumer', address: ['Teststraße 2', '10115 Berlin', 'DE'] }, seller, paid: true,
  });
  const text = await pdfText((await accountInvoicePdf(opened.db, account.id, invoice.id)).pdf);
  assert.match(text, /Invoice PDF-2026-000002/);
  assert.match(text, /Paid 2026-/);
  assert.match(text, /Subtotal +¥5,000/);
  assert.match(text, /VAT 19% +¥950/);
  assert.match(text, /Total +¥5,950/);
  assert.doesNotMatch(text, /Discount \(|Reverse charge/);
});

test('names and addresses in Greek, Cyrillic and Central European letters print as they are written', async () => {
  const account = await opened.db.insertInto('accounts').values({ email: 'intl@example.org', name: 'Łukasz Żółć' }).returning('id').executeTakeFirstOrThrow();
  const totals = invoiceTotals([line(5000, 5)], null, taxTreatment({ country: 'PL', vatId: null }, 'DE', { PL: 2300 }));
  const invoice = await insertInvoice(opened.db, {
    accountId: account.id, subscriptionId: null, kind: 'purchase', prefix: 'PDF-', issuedAt: at, period, currency: 'EUR', paymentMethod: 'invoice', totals,
    buyer: { name: 'Łukasz Żółć', companyName: 'Οδυσσέας Ελύτης ΑΕ', address: ['ул. Тверская, 7', '00-950 Warszawa', 'PL'] }, seller, paid: false,
  });
  const text = await pdfText((await accountInvoicePdf(opened.db, account.id, invoice.id)).pdf);
  for (const written of ['Łukasz Żółć', 'Οδυσσέας Ελύτης ΑΕ', 'ул. Тверская, 7', 'VAT 23%']) assert.ok(text.includes(written), `${written} in:\n${text}`);
  assert.doesNotMatch(text, /\?\?/, 'no letter replaced by a question mark');
});
