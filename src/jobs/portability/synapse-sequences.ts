// After a restore, each Synapse sequence must be at least the highest id already used in its
// tables, or Synapse reuses ids (or refuses to start). Sequences behind their tables are moved up.
import type pg from 'pg';

/** Synapse's sequences and the queries that give the highest value in use. */
const sequenceSources: Record<string, string[]> = {
  state_group_id_seq: ['SELECT max(id) FROM state_groups'],
  events_stream_seq: ['SELECT max(stream_ordering) FROM events'],
  events_backfill_stream_seq: ['SELECT max(-stream_ordering) FROM events'],
  event_auth_chain_id: ['SELECT max(chain_id) FROM event_auth_chains'],
  user_id_seq: [String.raw`SELECT max(CAST(substring(name FROM '^@([0-9]{1,18}):') AS bigint)) FROM users`],
  account_data_sequence: ['SELECT max(stream_id) FROM account_data', 'SELECT max(stream_id) FROM room_account_data', 'SELECT max(stream_id) FROM room_tags_revisions'],
  device_inbox_sequence: ['SELECT max(stream_id) FROM device_inbox', 'SELECT max(stream_id) FROM device_federation_outbox'],
  device_lists_sequence: ['SELECT max(stream_id) FROM device_lists_stream', 'SELECT max(stream_id) FROM user_signature_stream', 'SELECT max(stream_id) FROM device_lists_outbound_pokes', 'SELECT max(stream_id) FROM device_lists_changes_in_room'],
  e2e_cross_signing_keys_sequence: ['SELECT max(stream_id) FROM e2e_cross_signing_keys'],
  presence_stream_sequence: ['SELECT max(stream_id) FROM presence_stream'],
  push_rules_stream_sequence: ['SELECT max(stream_id) FROM push_rules_stream'],
  pushers_sequence: ['SELECT max(id) FROM pushers', 'SELECT max(stream_id) FROM deleted_pushers'],
  receipts_sequence: ['SELECT max(stream_id) FROM receipts_linearized'],
  cache_invalidation_stream_seq: ['SELECT max(stream_id) FROM cache_invalidation_stream_by_instance'],
  application_services_txn_id_seq: ['SELECT max(txn_id) FROM application_services_txns'],
  un_partial_stated_event_stream_sequence: ['SELECT max(stream_id) FROM un_partial_stated_event_stream'],
  un_partial_stated_room_stream_sequence: ['SELECT max(stream_id) FROM un_partial_stated_room_stream'],
};

export interface SequenceCheck {
  sequence: string;
  lastValue: number;
  highestUsed: number;
  fixed: boolean;
}

async function maxOf(client: pg.Client, queries: string[]): Promise<number | undefined> {
  let highest: number | undefined;
  for (const query of queries) {
    // A table this Synapse version does not have is skipped; outside a transaction nothing else is affected.
    const row = await client.query<{ max: string | null }>(query).then((result) => result.rows[0], () => undefined);
    if (row?.max !== null && row?.max !== undefined) highest = Math.max(highest ?? 0, Number(row.max));
  }
  return highest;
}

/** Checks every known sequence present in the database and moves the ones behind their tables. */
export async function fixSynapseSequences(client: pg.Client): Promise<SequenceCheck[]> {
  const present = await client.query<{ sequencename: string; last_value: string | null }>(
    "SELECT sequencename, last_value::text FROM pg_sequences WHERE schemaname = current_schema()",
  );
  const checks: SequenceCheck[] = [];
  for (const { sequencename, last_value } of present.rows) {
    const queries = sequenceSources[sequencename];
    if (!queries) continue;
    const highestUsed = await maxOf(client, queries);
    if (highestUsed === undefined) continue;
    const lastValue = Number(last_value ?? 0);
    const fixed = highestUsed > lastValue;
    if (fixed) await client.query('SELECT setval($1::regclass, $2)', [sequencename, highestUsed]);
    checks.push({ sequence: sequencename, lastValue: fixed ? highestUsed : lastValue, highestUsed, fixed });
  }
  return checks;
}
