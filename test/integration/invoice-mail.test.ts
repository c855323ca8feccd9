// Invoice mails against a real PostgreSQL and a real SMTP server (smtp-server on loopback), sent
// through Homeport's SMTP mailer and read back with mailparser: number, total, payment state, the
// panel link (HOMEPORT_PUBLIC_URL) and the PDF attached (read with pdftotext). The mail goes out
// once per invoice however often, or however concurrently, its job runs. The whole path from a
// purchase, a seat raise and renewals through the job queue is covered by billing-ledger.test.ts
// (captured mail).
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { sendInvoiceMail } from '../../src/billing/invoice-mail.ts';
import { sellerParty } from '../../src/billing/seller.ts';
import { loadConfig, type Config } from '../../src/config.ts';
import { invoiceTotals } from '../../src/domain/billing/invoice-totals.ts';
import { taxTreatment } from '../../src/domain/billing/tax.ts';
import { SmtpMailer } from '../../src/mail/smtp-mailer.ts';
import { migrate, openDatabase, type OpenedDatabase } from '../../src/store/database.ts';
import { insertInvoice } from '../../src/store/invoices.ts';
import { pdfToText } from '../support/pdf-text.ts';
import { testSeller } from '../support/test-seller.ts';
import { freePort, startThrowawayPostgres, type ThrowawayPostgres } from '../support/throwaway-postgres.ts';

let postgres: ThrowawayPostgres;
let opened: OpenedDatabase;
let smtp: SMTPServer;
let mailer: SmtpMailer;
let config: Config;
let dataDir: string;
const received: Buffer[] = [];

before(async () => {
  postgres = await startThrowawayPostgres();
  opened = openDatabase(`postgres://${postgres.superuser}@127.0.0.1:${postgres.port}/postgres`, 6);
  await migrate(opened.db);
  const port = await freePort();
  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onData(stream, _session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        received.push(Buffer.concat(chunks));
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => smtp.listen(port, '127.0.0.1', resolve));
  mailer = new SmtpMailer({ url: `smtp://127.0.0.1:${port}`, from: 'Homeport <billing@example.org>' });
  dataDir = await mkdtemp(join(tmpdir(), 'homeport-invoice-mail-'));
  config = loadConfig({ HOMEPORT_DATA_DIR: dataDir, HOMEPORT_PUBLIC_URL: 'https://panel.example.org' });
});
after(async () => {
  await mailer?.close();
  await new Promise<void>((resolve) => smtp?.close(() => resolve()));
  await opened?.close();
  await postgres?.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

async function issue(email: string, paymentMethod: 'card' | 'invoice', paid: boolean) {
  const account = await opened.db.insertInto('accounts').values({ email, name: 'Ada', card_last4: paymentMethod === 'card' ? '4242' : null }).returning('id').executeTakeFirstOrThrow();
  const at = new Date(Date.UTC(2026, 10, 29));
  const totals = invoiceTotals([{ description: 'Starter host "mail", 5 seats', size: 'starter', seats: 5, unitPriceMinor: 500, amountMinor: 2500, periodIndex: 0, wholePeriod: true }], null, taxTreatment({ country: 'DE', vatId: null }, 'DE', { DE: 1900 }));
  return insertInvoice(opened.db, {
    accountId: account.id, subscriptionId: null, kind: 'renewal', prefix: 'M-', issuedAt: at, period: { start: at, end: new Date(Date.UTC(2026, 11, 29)) },
    currency: 'EUR', paymentMethod, totals, buyer: { name: 'Ada', address: ['Teststraße 1', '10115 Berlin'] }, seller: sellerParty(testSeller), paid,
  });
}

const mailsTo = async (email: string): Promise<ParsedMail[]> => {
  const parsed = await Promise.all(received.map((raw) => simpleParser(raw)));
  return parsed.filter((mail) => (Array.isArray(mail.to) ? mail.to : [mail.to]).some((to) => to?.text.includes(email)));
};

test('an invoice to pay by transfer is mailed once, with its number, total, due state, panel link and PDF', async () => {
  const invoice = await issue('transfer@example.org', 'invoice', false);
  const context = { db: opened.db, config, mailer };
  // The job run twice in a row, and twice at once (a retry racing the first run): one mail.
  assert.equal(await sendInvoiceMail(context, invoice.id), true);
  assert.equal(await sendInvoiceMail(context, invoice.id), false);
  const concurrent = await Promise.all([sendInvoiceMail(context, invoice.id), sendInvoiceMail(context, invoice.id)]);
  assert.deepEqual(concurrent, [false, false]);
  const mails = await mailsTo('transfer@example.org');
  assert.equal(mails.length, 1, 'exactly one mail');
  const [mail] = mails;
  assert.equal(mail!.subject, `Invoice ${invoice.number}: €29.75`);
  assert.match(mail!.text ?? '', /Total: €29\.75/);
  assert.match(mail!.text ?? '', new RegExp(`Due by 2026-12-13: please pay by bank transfer to the account below, quoting the payment reference ${invoice.number}`));
  for (const payment of [`Payment reference: ${invoice.number}`, 'Due date: 2026-12-13', 'Account holder: Homeport Test GmbH', 'IBAN: DE89 3704 0044 0532 0130 00', 'BIC: COBADEFFXXX', 'Bank: Commerzbank']) {
    assert.ok(mail!.text?.includes(payment), `${payment} in the mail`);
  }
  assert.match(mail!.text ?? '', /https:\/\/panel\.example\.org\/account\/billing/);
  assert.equal(mail!.attachments.length, 1);
  const [pdf] = mail!.attachments;
  assert.equal(pdf!.contentType, 'application/pdf');
  assert.equal(pdf!.filename, `invoice-${invoice.number}.pdf`);
  const text = await pdfToText(pdf!.content);
  assert.match(text, new RegExp(`Invoice ${invoice.number}`));
  assert.match(text, /Total +€29\.75/);
  const row = await opened.db.selectFrom('invoices').select('mailed_at').where('id', '=', invoice.id).executeTakeFirstOrThrow();
  assert.ok(row.mailed_at, 'mailed_at recorded');
});

test('a card invoice says how it is paid; a failed send leaves the invoice to mail on the retry', async () => {
  const open = await issue('card@example.org', 'card', false);
  const paid = await issue('paid@example.org', 'card', true);
  const broken = new SmtpMailer({ url: `smtp://127.0.0.1:${await freePort()}`, from: 'Homeport <billing@example.org>' });
  await assert.rejects(sendInvoiceMail({ db: opened.db, config, mailer: broken }, open.id), 'no SMTP server there');
  await broken.close();
  const unsent = await opened.db.selectFrom('invoices').select('mailed_at').where('id', '=', open.id).executeTakeFirstOrThrow();
  assert.equal(unsent.mailed_at, null, 'not marked mailed when the send failed');
  const context = { db: opened.db, config, mailer };
  assert.equal(await sendInvoiceMail(context, open.id), true);
  assert.equal(await sendInvoiceMail(context, paid.id), true);
  const [openMail] = await mailsTo('card@example.org');
  assert.match(openMail!.text ?? '', /Open: it is charged to your card ending 4242/);
  const [paidMail] = await mailsTo('paid@example.org');
  assert.match(paidMail!.text ?? '', /Paid on \d{4}-\d{2}-\d{2} by card: nothing more to do\./);
});
