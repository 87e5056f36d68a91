import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import { createDatabaseIfMissing, dropDatabase } from '../scripts/servers/postgres-server.ts';
import { createDb, type Db } from '../sql/database.ts';
import { migrateToLatest } from '../sql/migrate.ts';

/** A migrated database of one test file's own on the suite's Postgres; `drop` closes and removes it. */
export interface OwnDatabase {
  db: Db;
  url: string;
  drop(): Promise<void>;
}

/**
 * Creates and migrates `ordersurge_<prefix>_<random>`, so a file's rows never meet another run's.
 *
 * @example
 * let own: OwnDatabase;
 * beforeAll(async () => (own = await createOwnDatabase('kpi')));
 * afterAll(() => own?.drop());
 */
export async function createOwnDatabase(prefix: string): Promise<OwnDatabase> {
  const name = `ordersurge_${prefix}_${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
  const admin = new URL(inject('databaseUrl'));
  admin.pathname = '/postgres';
  await createDatabaseIfMissing(admin.toString(), name);
  const url = new URL(inject('databaseUrl'));
  url.pathname = `/${name}`;
  const db = createDb(url.toString());
  await migrateToLatest(db);
  return {
    db,
    url: url.toString(),
    drop: async () => {
      await db.destroy();
      await dropDatabase(admin.toString(), name);
    },
  };
}
