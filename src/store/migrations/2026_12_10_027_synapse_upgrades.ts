// Synapse upgrades: the release each host runs, the customer's maintenance window, and the
// operator's rollouts of a release across the fleet with each host's progress.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('hosts')
    .addColumn('synapse_release', 'text')
    // The first hour (UTC) of the customer's preferred window; null: any time.
    .addColumn('maintenance_hour', 'smallint', (c) => c.check(sql`maintenance_hour BETWEEN 0 AND 23`))
    .execute();
  // Every host built before releases were recorded runs the one venv Homeport had: 1.163.2.
  await sql`UPDATE hosts SET synapse_release = '1.163.2' WHERE status <> 'cancelled'`.execute(db);

  await db.schema
    .createTable('synapse_rollouts')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('target_release', 'text', (c) => c.notNull())
    .addColumn('canary_host_id', 'uuid', (c) => c.references('hosts.id'))
    .addColumn('batch_size', 'integer', (c) => c.notNull().check(sql`batch_size > 0`))
    .addColumn('urgent', 'boolean', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('running'))
    .addColumn('error', 'text')
    .addColumn('created_by', 'uuid', (c) => c.references('accounts.id').onDelete('set null'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('finished_at', 'timestamptz')
    .execute();
  // One rollout at a time: two would fight over the same hosts.
  await sql`CREATE UNIQUE INDEX synapse_rollouts_one_running ON synapse_rollouts ((true)) WHERE status = 'running'`.execute(db);

  await db.schema
    .createTable('synapse_rollout_hosts')
    .addColumn('rollout_id', 'uuid', (c) => c.notNull().references('synapse_rollouts.id').onDelete('cascade'))
    .addColumn('host_id', 'uuid', (c) => c.notNull().references('hosts.id'))
    // The order hosts are taken in (the canary first).
    .addColumn('position', 'integer', (c) => c.notNull())
    // The batch the host was upgraded in (0: the canary); null until it starts.
    .addColumn('batch', 'integer')
    .addColumn('from_release', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('pending'))
    .addColumn('job_id', 'uuid', (c) => c.references('jobs.id'))
    .addColumn('downtime_ms', 'integer')
    .addColumn('error', 'text')
    .addColumn('started_at', 'timestamptz')
    .addColumn('finished_at', 'timestamptz')
    .addPrimaryKeyConstraint('synapse_rollout_hosts_pkey', ['rollout_id', 'host_id'])
    .execute();
  await db.schema.createIndex('synapse_rollout_hosts_job_idx').on('synapse_rollout_hosts').column('job_id').execute();
}
