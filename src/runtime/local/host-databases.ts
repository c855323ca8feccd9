// Creates a host's own PostgreSQL database and role, each step safe to repeat (retired-databases.ts removes them).
import pg from 'pg';

export interface HostDatabase {
  name: string;
  user: string;
  password: string;
}

const identifier = /^[a-z_][a-z0-9_]{0,62}$/;

function checkIdentifier(value: string): string {
  if (!identifier.test(value)) throw new Error(`"${value}" is not a safe PostgreSQL identifier`);
  return pg.escapeIdentifier(value);
}

/** Where a host's database is copied from: a prepared Synapse schema, and the role owning it there. */
export interface SchemaTemplate {
  name: string;
  owner: string;
}

/**
 * Creates the role and the database if missing; answers whether the database is a copy of the
 * template. A copy's tables are handed to the host's role on every call, so a build killed between
 * the copy and the hand-over finishes it when the step runs again.
 */
export async function ensureHostDatabase(admin: pg.Pool, database: HostDatabase, template?: SchemaTemplate): Promise<{ fromTemplate: boolean }> {
  const role = checkIdentifier(database.user);
  const name = checkIdentifier(database.name);
  const password = pg.escapeLiteral(database.password);
  const roleExists = await admin.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [database.user]);
  // The password is (re)set every time so a role left by an interrupted build matches the stored secret.
  await admin.query(`${roleExists.rowCount ? 'ALTER' : 'CREATE'} ROLE ${role} LOGIN PASSWORD ${password}`);
  const databaseExists = await admin.query<{ datallowconn: boolean }>('SELECT datallowconn FROM pg_database WHERE datname = $1', [database.name]);
  const createdNow = !databaseExists.rowCount;
  // A host's database that takes no connections was being retired (renamed away, e.g. to be
  // recreated from a restore point) when Homeport was killed: its contents are untouched, so it
  // is opened again and the job's later step retires it again.
  if (databaseExists.rows[0]?.datallowconn === false) await admin.query(`ALTER DATABASE ${name} WITH ALLOW_CONNECTIONS true`);
  if (createdNow) {
    if (template) {
      await admin.query(`CREATE DATABASE ${name} TEMPLATE ${checkIdentifier(template.name)} OWNER ${role}`);
    } else {
      // Synapse refuses any collation but C, and template0 is the only template that allows choosing it.
      await admin.query(`CREATE DATABASE ${name} ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0 OWNER ${role}`);
    }
  }
  if (!template) return { fromTemplate: false };
  const inHostDatabase = new pg.Client({ connectionString: connectionStringFor(admin, database.name) });
  await inHostDatabase.connect();
  try {
    const copied = await inHostDatabase.query('SELECT 1 FROM pg_tables WHERE tableowner = $1 LIMIT 1', [template.owner]);
    await inHostDatabase.query(`REASSIGN OWNED BY ${checkIdentifier(template.owner)} TO ${role}`);
    return { fromTemplate: createdNow || Boolean(copied.rowCount) };
  } finally {
    await inHostDatabase.end();
  }
}

/** The admin pool's connection string pointed at another database of the same server. */
export function connectionStringFor(admin: pg.Pool, databaseName: string): string {
  const base = admin.options.connectionString;
  if (!base) throw new Error('the admin pool needs a connection string');
  const url = new URL(base);
  url.pathname = `/${encodeURIComponent(databaseName)}`;
  return url.toString();
}
