// Imported hosts are billed, against a real PostgreSQL with Homeport's migrations. A real import
// takes minutes (Synapse, a restore, a login), so this test calls the billing function the import
// job calls at its end (finishImport) on a host row as an import leaves it: the subscription for
// the host's size and seats starts with an open first invoice like a purchase's (no card is
// charged at import time), running it again bills nothing more, and billing 'none' leaves a
// complimentary host with no subscription and no invoice.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { startImportedHostBilling } from '../../src/billing/imported-host-billing.ts';
import type { BillingContext } from '../../src/billing/purchase-billing.ts';
import { loadConfig } from '../../src/config.ts';
import { builtInSizes } from '../../src/domain/sizes.ts';
import { prepareJobQueue } from '../../src/jobs/job-worker.ts';
import { createLogger } from '../../src/logger.ts';
import type { OpenedDatabase } from '../../src/store/database.ts';
import { insertHost } from '../../src/store/hosts.ts';
import { startMigratedDatabase } from '../support/migrated-database.ts';
import { saveTestSeller } from '../support/test-seller.ts';

let opened: OpenedDatabase;
let dataDir: string;
let context: BillingContext;

before(async () => {
  opened = await startMigratedDatabase();
  // Issuing an invoice queues its mail as a graphile-worker job in the same transaction.
  await prepareJobQueue(opened.pool);
  dataDir = await mkdtemp(join(tmpdir(), 'homeport-import-billing-'));
  const config = loadConfig({ HOMEPORT_DATA_DIR: dataDir, HOMEPORT_INVOICE_PREFIX: 'IMP-' });
  context = { config, db: opened.db, sizes: builtInSizes, logger: createLogger('silent') };
  await saveTestSeller(opened.db);
});
after(async () => {
  await opened?.close();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

async function importedHost(email: string, label: string, seats: number) {
  const account = await opened.db.insertInto('accounts').values({ email, name: label, billing_line1: 'Teststraße 1', billing_postal_code: '10115', billing_city: 'Berlin', billing_country: 'DE' })
    .returning('id').executeTakeFirstOrThrow();
  const host = await insertHost(opened.db, { accountId: account.id, label, serverName: `${label}.example.org`, size: 'business', seats, databaseName: `synapse_${label}` });
  await opened.db.updateTable('hosts').set({ status: 'running' }).where('id', '=', host.id).execute();
  return { accountId: account.id, hostId: host.id };
}

test('a successful import starts the subscription with an open first invoice, once', async () => {
  const { accountId, hostId } = await importedHost('imported@example.org', 'moved', 12);
  const result = await startImportedHostBilling(context, hostId, 'subscription');
  assert.ok(result.started);
  const subscription = await opened.db.selectFrom('subscriptions').selectAll().where('host_id', '=', hostId).executeTakeFirstOrThrow();
  assert.deepEqual([subscription.account_id, subscription.size, subscription.seats, subscription.price_per_seat_minor, subscription.payment_method, subscription.status], [accountId, 'business', 12, 1000, 'invoice', 'active']);
  const invoices = await opened.db.selectFrom('invoices').selectAll().where('account_id', '=', accountId).execute();
  assert.equal(invoices.length, 1);
  const [invoice] = invoices;
  // 12 seats × 10.00, German VAT 19% for a consumer in Germany; not paid: nothing was charged.
  assert.deepEqual([invoice!.kind, invoice!.status, Number(invoice!.subtotal_minor), Number(invoice!.tax_minor), Number(invoice!.total_minor), invoice!.subscription_id], ['purchase', 'open', 12_000, 2280, 14_280, subscription.id]);
  assert.match(invoice!.number, /^IMP-\d{4}-000001$/);
  const mailJobs = await opened.pool.query<{ key: string }>("SELECT key FROM graphile_worker.jobs WHERE task_identifier = 'invoice-mail'");
  assert.deepEqual(mailJobs.rows.map((row) => row.key), [`invoice-mail:${invoice!.id}`], 'its mail is queued with the invoice');
  const account = await opened.db.selectFrom('accounts').select('first_purchase_at').where('id', '=', accountId).executeTakeFirstOrThrow();
  assert.ok(account.first_purchase_at, 'the import counts as the first purchase (no coupon afterwards)');
  const audit = await opened.db.selectFrom('audit_log').select(['action', 'details']).where('host_id', '=', hostId).execute();
  assert.deepEqual(audit.map((entry) => [entry.action, entry.details.source]), [['subscription.started', 'import']]);

  // The job's end may run again after a crash: nothing more is billed.
  assert.deepEqual(await startImportedHostBilling(context, hostId, 'subscription'), { started: false, reason: 'already-billed' });
  const again = await Promise.all([startImportedHostBilling(context, hostId, 'subscription'), startImportedHostBilling(context, hostId, 'subscription')]);
  assert.ok(again.every((r) => !r.started));
  assert.equal((await opened.db.selectFrom('invoices').select('id').where('account_id', '=', accountId).execute()).length, 1);
  assert.equal((await opened.db.selectFrom('subscriptions').select('id').where('host_id', '=', hostId).execute()).length, 1);
});

test('two imports for one account at once: each host gets its own subscription and invoice', async () => {
  const first = await importedHost('two@example.org', 'first', 10);
  const second = await insertHost(opened.db, { accountId: first.accountId, label: 'second', serverName: 'second.example.org', size: 'starter', seats: 5, databaseName: 'synapse_second' });
  const results = await Promise.all([startImportedHostBilling(context, first.hostId, 'subscription'), startImportedHostBilling(context, second.id, 'subscription')]);
  assert.ok(results.every((r) => r.started));
  const invoices = await opened.db.selectFrom('invoices').select(['sequence', 'total_minor']).where('account_id', '=', first.accountId).orderBy('sequence').execute();
  assert.deepEqual(invoices.map((i) => Number(i.total_minor)).sort((a, b) => a - b), [2975, 11_900]);
});

test("billing 'none' leaves a complimentary host: no subscription, no invoice, an audit entry", async () => {
  const { accountId, hostId } = await importedHost('free@example.org', 'gift', 20);
  assert.deepEqual(await startImportedHostBilling(context, hostId, 'none'), { started: false, reason: 'complimentary' });
  assert.equal(await opened.db.selectFrom('subscriptions').select('id').where('host_id', '=', hostId).executeTakeFirst(), undefined);
  assert.equal((await opened.db.selectFrom('invoices').select('id').where('account_id', '=', accountId).execute()).length, 0);
  const audit = await opened.db.selectFrom('audit_log').select('action').where('host_id', '=', hostId).execute();
  assert.deepEqual(audit.map((entry) => entry.action), ['host.complimentary']);
});
