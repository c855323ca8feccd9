// The billing check (renewals, card invoices not yet charged, lost charges) as a graphile-worker
// job: on its schedule, once at start, and whenever an operator asks for it.
import { sql } from 'kysely';
import type { Db } from './database.ts';

export const billingCheckTask = 'billing_check';

/** One job key: asking while a check waits adds nothing; asking while one runs queues the next. */
export const billingCheckJobKey = 'billing-check';

export async function queueBillingCheck(db: Db): Promise<void> {
  await sql`SELECT graphile_worker.add_job(${billingCheckTask}, '{}'::json, max_attempts => 1, job_key => ${billingCheckJobKey})`.execute(db);
}
