// Billing: coupons, a subscription per host, invoices with gap-free numbers per year and their
// lines, a journal of card charges (so a charge whose host was never made is refunded), Stripe
// webhook events seen (each processed once), and each account's payment settings.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('coupons')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('code', 'text', (c) => c.notNull().unique())
    .addColumn('percent_off_bp', 'integer')
    .addColumn('amount_off_minor', 'integer')
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('duration', 'text', (c) => c.notNull().check(sql`duration IN ('once', 'months', 'forever')`))
    .addColumn('duration_months', 'integer')
    .addColumn('sizes', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'`))
    .addColumn('expires_at', 'timestamptz')
    .addColumn('max_redemptions', 'integer')
    .addColumn('redemptions', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('created_by', 'uuid', (c) => c.references('accounts.id'))
    .addCheckConstraint('coupons_one_discount', sql`(percent_off_bp IS NULL) <> (amount_off_minor IS NULL)`)
    .execute();

  await db.schema
    .alterTable('accounts')
    .addColumn('invoice_payment_enabled', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('stripe_customer_id', 'text')
    .addColumn('card_payment_method_id', 'text')
    .addColumn('card_brand', 'text')
    .addColumn('card_last4', 'text')
    .addColumn('card_expiry', 'text')
    .addColumn('coupon_id', 'uuid', (c) => c.references('coupons.id'))
    .addColumn('coupon_applied_at', 'timestamptz')
    .addColumn('first_purchase_at', 'timestamptz')
    .execute();

  await db.schema
    .createTable('subscriptions')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('account_id', 'uuid', (c) => c.notNull().references('accounts.id'))
    .addColumn('host_id', 'uuid', (c) => c.notNull().unique().references('hosts.id'))
    .addColumn('size', 'text', (c) => c.notNull())
    .addColumn('seats', 'integer', (c) => c.notNull())
    .addColumn('price_per_seat_minor', 'integer', (c) => c.notNull())
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('payment_method', 'text', (c) => c.notNull().check(sql`payment_method IN ('card', 'invoice')`))
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('active').check(sql`status IN ('active', 'cancelling', 'ended')`))
    .addColumn('period_index', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('current_period_start', 'timestamptz', (c) => c.notNull())
    .addColumn('current_period_end', 'timestamptz', (c) => c.notNull())
    .addColumn('started_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('cancel_at', 'timestamptz')
    .addColumn('ended_at', 'timestamptz')
    .execute();
  await sql`CREATE INDEX subscriptions_due_idx ON subscriptions (current_period_end) WHERE status <> 'ended'`.execute(db);

  await db.schema
    .createTable('invoice_counters')
    .addColumn('year', 'integer', (c) => c.primaryKey())
    .addColumn('last_sequence', 'integer', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('invoices')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('account_id', 'uuid', (c) => c.notNull().references('accounts.id'))
    .addColumn('subscription_id', 'uuid', (c) => c.references('subscriptions.id'))
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind IN ('purchase', 'renewal', 'seats')`))
    .addColumn('number', 'text', (c) => c.notNull().unique())
    .addColumn('year', 'integer', (c) => c.notNull())
    .addColumn('sequence', 'integer', (c) => c.notNull())
    .addColumn('issued_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('period_start', 'timestamptz', (c) => c.notNull())
    .addColumn('period_end', 'timestamptz', (c) => c.notNull())
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('payment_method', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status IN ('open', 'paid')`))
    .addColumn('paid_at', 'timestamptz')
    .addColumn('payment_error', 'text')
    .addColumn('subtotal_minor', 'bigint', (c) => c.notNull())
    .addColumn('discount_minor', 'bigint', (c) => c.notNull())
    .addColumn('tax_rate_bp', 'integer', (c) => c.notNull())
    .addColumn('tax_minor', 'bigint', (c) => c.notNull())
    .addColumn('total_minor', 'bigint', (c) => c.notNull())
    .addColumn('reverse_charge', 'boolean', (c) => c.notNull())
    .addColumn('tax_note', 'text')
    .addColumn('coupon_code', 'text')
    .addColumn('buyer', 'jsonb', (c) => c.notNull())
    .addColumn('seller', 'jsonb', (c) => c.notNull())
    .addUniqueConstraint('invoices_year_sequence_key', ['year', 'sequence'])
    .execute();
  // One purchase or renewal invoice per subscription and period: a repeated renewal run makes no second one.
  await sql`CREATE UNIQUE INDEX invoices_period_once ON invoices (subscription_id, period_start) WHERE kind IN ('purchase', 'renewal')`.execute(db);
  await db.schema.createIndex('invoices_account_idx').on('invoices').columns(['account_id', 'issued_at']).execute();

  await db.schema
    .createTable('invoice_lines')
    .addColumn('invoice_id', 'uuid', (c) => c.notNull().references('invoices.id').onDelete('cascade'))
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('size', 'text', (c) => c.notNull())
    .addColumn('seats', 'integer', (c) => c.notNull())
    .addColumn('unit_price_minor', 'integer', (c) => c.notNull())
    .addColumn('amount_minor', 'bigint', (c) => c.notNull())
    .addColumn('discount_minor', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('invoice_lines_pkey', ['invoice_id', 'position'])
    .execute();

  await db.schema
    .createTable('card_charges')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('account_id', 'uuid', (c) => c.notNull().references('accounts.id'))
    .addColumn('purpose', 'text', (c) => c.notNull().check(sql`purpose IN ('purchase', 'invoice')`))
    .addColumn('invoice_id', 'uuid', (c) => c.references('invoices.id'))
    .addColumn('host_id', 'uuid', (c) => c.references('hosts.id'))
    .addColumn('amount_minor', 'bigint', (c) => c.notNull())
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('payment_intent_id', 'text')
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('pending').check(sql`status IN ('pending', 'succeeded', 'failed', 'attached', 'refunded')`))
    .addColumn('failure', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await sql`CREATE INDEX card_charges_unsettled_idx ON card_charges (created_at) WHERE status IN ('pending', 'succeeded')`.execute(db);

  await db.schema
    .createTable('stripe_events')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('received_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
}
