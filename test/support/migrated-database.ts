// Homeport's own schema, migrated, in a throwaway PostgreSQL cluster: for tests of the store and
// of billing rules against a real database without starting Homeport.
import { migrate, openDatabase, type OpenedDatabase } from '../../src/store/database.ts';
import { startThrowawayPostgres } from './throwaway-postgres.ts';

/** `close()` closes the pool and removes the cluster. */
export async function startMigratedDatabase(poolSize = 4): Promise<OpenedDatabase> {
  const postgres = await startThrowawayPostgres();
  const opened = openDatabase(`postgres://${postgres.superuser}@127.0.0.1:${postgres.port}/postgres`, poolSize);
  const close = async () => {
    await opened.close();
    await postgres.stop();
  };
  try {
    await migrate(opened.db);
  } catch (error) {
    await close();
    throw error;
  }
  return { ...opened, close };
}
