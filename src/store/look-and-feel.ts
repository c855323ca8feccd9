// Each host's client look and feel as stored; a host without a row has Element Web's defaults.
import { noLookAndFeel, type LookAndFeel } from '../domain/element-config.ts';
import type { Db } from './database.ts';
import type { HostLookAndFeelRow } from './schema.ts';

export function lookAndFeelOf(row: HostLookAndFeelRow | undefined): LookAndFeel {
  if (!row) return noLookAndFeel;
  return { brand: row.brand, homeUrl: row.home_url, welcomeUrl: row.welcome_url, logoUrl: row.logo_url, welcomeBackgroundUrl: row.welcome_background_url };
}

export async function findLookAndFeel(db: Db, hostId: string): Promise<HostLookAndFeelRow | undefined> {
  return db.selectFrom('host_look_and_feel').selectAll().where('host_id', '=', hostId).executeTakeFirst();
}

export async function saveLookAndFeel(db: Db, hostId: string, value: LookAndFeel): Promise<HostLookAndFeelRow> {
  const row = {
    brand: value.brand,
    home_url: value.homeUrl,
    welcome_url: value.welcomeUrl,
    logo_url: value.logoUrl,
    welcome_background_url: value.welcomeBackgroundUrl,
    updated_at: new Date(),
  };
  return db
    .insertInto('host_look_and_feel')
    .values({ host_id: hostId, ...row })
    .onConflict((conflict) => conflict.column('host_id').doUpdateSet(row))
    .returningAll()
    .executeTakeFirstOrThrow();
}
