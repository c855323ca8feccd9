// The host_names table against a real PostgreSQL: the migration gives existing hosts their names
// (the oldest host keeps a name several claim, in any spelling), a second owner is refused, a
// host keeps its names when they change role, and a cancelled host's names are free again.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Migrator, type MigrationProvider } from 'kysely/migration';
import { HomeportError } from '../../src/domain/errors.ts';
import { createAccount } from '../../src/store/accounts.ts';
import { migrate, openDatabase, type OpenedDatabase } from '../../src/store/database.ts';
import { claimHostName } from '../../src/store/host-names.ts';
import { migrations } from '../../src/store/migrations/index.ts';
import { startThrowawayPostgres, type ThrowawayPostgres } from '../support/throwaway-postgres.ts';

describe('host names in the database', () => {
  let postgres: ThrowawayPostgres;
  let opened: OpenedDatabase;
  const ids: Record<string, string> = {};

  before(async () => {
    postgres = await startThrowawayPostgres();
    opened = openDatabase(`postgres://${postgres.superuser}@127.0.0.1:${postgres.port}/postgres`, 2);
  });
  after(async () => {
    await opened?.close();
    await postgres?.stop();
  });

  test('the migration gives existing hosts their names; the oldest keeps a name several claim', async () => {
    const provider: MigrationProvider = { getMigrations: async () => migrations };
    const { error } = await new Migrator({ db: opened.db, provider }).migrateTo('2026_12_07_012_import_uploads');
    assert.equal(error, undefined);
    const { db } = opened;
    const account = await createAccount(db, { email: 'legacy@example.test', name: 'Legacy', emailVerified: true });
    // Data from before names were owned: three hosts sharing names across columns and spellings.
    const legacy = [
      { label: 'older', server_name: 'older.test', custom_homeserver_domain: 'older.test', custom_client_domain: 'chat.older.test', created_at: new Date('2026-01-01') },
      { label: 'newer', server_name: 'newer.test', custom_homeserver_domain: 'newer.test', custom_client_domain: 'Older.Test.', created_at: new Date('2026-02-01') },
      { label: 'gone', server_name: 'gone.test', custom_homeserver_domain: 'gone.test', custom_client_domain: 'chat.gone.test', created_at: new Date('2026-03-01') },
    ];
    for (const host of legacy) {
      const row = await db.insertInto('hosts').values({
        ...host, account_id: account.id, size: 'starter', seats: 5, status: host.label === 'gone' ? 'cancelled' : 'running', database_name: `host_${host.label}`,
        support_email: null, synapse_version: null, cancelled_at: null,
      }).returning('id').executeTakeFirstOrThrow();
      ids[host.label] = row.id;
    }
    await db.insertInto('host_previous_client_domains').values({ host_id: ids.newer ?? '', domain: 'chat.older.test', replaced_at: new Date() }).execute();

    await migrate(db);
    const names = await db.selectFrom('host_names').select(['name', 'host_id', 'kind']).orderBy('name').execute();
    assert.deepEqual(names, [
      { name: 'chat.older.test', host_id: ids.older, kind: 'client' },
      { name: 'newer.test', host_id: ids.newer, kind: 'homeserver' },
      { name: 'older.test', host_id: ids.older, kind: 'homeserver' },
    ]);
  });

  test("a name another host owns is refused; the owner's own name may change role", async () => {
    await assert.rejects(claimHostName(opened.db, ids.newer ?? '', 'chat.older.test', 'client'),
      (error: unknown) => error instanceof HomeportError && error.code === 'domain-taken' && /client domain "chat\.older\.test"/.test(error.message));
    await claimHostName(opened.db, ids.older ?? '', 'chat.older.test', 'previous');
    const row = await opened.db.selectFrom('host_names').select(['host_id', 'kind']).where('name', '=', 'chat.older.test').executeTakeFirstOrThrow();
    assert.deepEqual(row, { host_id: ids.older, kind: 'previous' });
    await assert.rejects(opened.db.insertInto('host_names').values({ name: 'Upper.Test', host_id: ids.newer ?? '', kind: 'client' }).execute(), /host_names_name_check/);
  });

  test("a cancelled host's names are free again", async () => {
    await opened.db.updateTable('hosts').set({ status: 'cancelled' }).where('id', '=', ids.older ?? '').execute();
    const left = await opened.db.selectFrom('host_names').select('name').where('host_id', '=', ids.older ?? '').execute();
    assert.deepEqual(left, []);
    await claimHostName(opened.db, ids.newer ?? '', 'older.test', 'client');
  });
});
