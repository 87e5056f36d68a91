import { APP_ROLE, appUrlOf, ensureAppRole, grantAppRole } from '../../sql/app-role.ts';
import { createDb } from '../../sql/database.ts';
import { migrateToLatest } from '../../sql/migrate.ts';

/** The two ways in: the owner's (migrations) and the app's (workers, CLI: rows only). */
export interface DatabaseUrls {
  ownerUrl: string;
  appUrl: string;
}

/**
 * Which URL does what. Embedded Postgres (no URL given): its superuser `postgres` owns the schema
 * and migrates, workers and the CLI connect as `ordersurge_app`. `DATABASE_OWNER_URL` and
 * `DATABASE_URL` both given: the first migrates, the second is the app's (a role you created;
 * setup grants it row access). Only one given: it does both, as before (no separation).
 *
 * @example
 * databaseUrls({ databaseUrl: undefined, databaseOwnerUrl: undefined }, 'postgres://postgres@127.0.0.1:54329/ordersurge')
 * // { ownerUrl: 'postgres://postgres@...', appUrl: 'postgres://ordersurge_app@127.0.0.1:54329/ordersurge' }
 */
export function databaseUrls(given: { databaseUrl: string | undefined; databaseOwnerUrl: string | undefined }, embeddedOwnerUrl: string): DatabaseUrls {
  if (given.databaseUrl === undefined && given.databaseOwnerUrl === undefined) return { ownerUrl: embeddedOwnerUrl, appUrl: appUrlOf(embeddedOwnerUrl) };
  const ownerUrl = given.databaseOwnerUrl ?? given.databaseUrl!;
  return { ownerUrl, appUrl: given.databaseUrl ?? ownerUrl };
}

/** The app's role when it is another role than the owner's, else undefined (one URL does both). */
export function separateAppRole(urls: DatabaseUrls): string | undefined {
  const user = (url: string): string => decodeURIComponent(new URL(url).username);
  return user(urls.appUrl) !== user(urls.ownerUrl) ? user(urls.appUrl) : undefined;
}

/**
 * Makes sure the embedded server's app role exists (`ordersurge_app`); an app role of your own
 * (`DATABASE_URL` beside `DATABASE_OWNER_URL`) is yours to create. Returns the line to log.
 */
export async function ensureDatabaseRoles(urls: DatabaseUrls): Promise<string> {
  const role = separateAppRole(urls);
  if (role === undefined) return 'Postgres: one role migrates and runs the pipeline (give DATABASE_OWNER_URL beside DATABASE_URL to separate them)';
  if (role !== APP_ROLE) return `Postgres: migrations as ${decodeURIComponent(new URL(urls.ownerUrl).username)}, the pipeline as ${role}`;
  const db = createDb(urls.ownerUrl, 1);
  try {
    const created = await ensureAppRole(db, role);
    return created ? `Postgres: created role ${role} (rows only, no DDL) for workers and the CLI` : `Postgres role ${role} in place: nothing to do`;
  } finally {
    await db.destroy();
  }
}

/**
 * Applies pending migrations as the owner, then grants the app role row access to everything
 * (so a new table is the app's to use at once). Returns the migrations applied.
 */
export async function migrateAsOwner(urls: DatabaseUrls): Promise<string[]> {
  const db = createDb(urls.ownerUrl, 2);
  try {
    const applied = await migrateToLatest(db);
    const role = separateAppRole(urls);
    if (role !== undefined) await grantAppRole(db, role);
    return applied;
  } finally {
    await db.destroy();
  }
}
