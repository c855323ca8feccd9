// Restore points of two kinds: backups (sealed archives in the backup store) and the snapshots a
// Synapse upgrade takes right before it changes a host (a database copy inside PostgreSQL and the
// configuration files). Each records the Synapse release its data was taken on: a restore starts
// the host on a release that can run that data.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('backups')
    .addColumn('kind', 'text', (c) => c.notNull().defaultTo('backup').check(sql`kind IN ('backup', 'snapshot')`))
    // The release the host ran when the data was taken; null: taken before releases were recorded.
    .addColumn('synapse_release', 'text')
    // A snapshot's name in the runtime, and the release its upgrade went to.
    .addColumn('snapshot_name', 'text')
    .addColumn('upgrade_release', 'text')
    .execute();
  // Every upgrade that got past its snapshot left one (the step is done once a rollout host has moved on).
  await sql`
    INSERT INTO backups (host_id, job_id, trigger, status, label, server_name, kind, synapse_release, snapshot_name, upgrade_release, created_at, completed_at)
    SELECT rh.host_id, rh.job_id, 'before-upgrade', 'ready', h.label, h.server_name, 'snapshot', rh.from_release,
           replace(rh.job_id::text, '-', ''), r.target_release, coalesce(rh.started_at, r.created_at), coalesce(rh.started_at, r.created_at)
    FROM synapse_rollout_hosts rh JOIN synapse_rollouts r ON r.id = rh.rollout_id JOIN hosts h ON h.id = rh.host_id
    WHERE rh.job_id IS NOT NULL AND rh.status IN ('upgraded', 'rolled_back') AND h.status <> 'cancelled'
    ON CONFLICT DO NOTHING`.execute(db);
}
