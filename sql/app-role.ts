import { sql, type Kysely } from 'kysely';

/**
 * The role workers and the CLI connect as on the embedded Postgres: it may read and write rows
 * (SELECT, INSERT, UPDATE, DELETE, sequences) and nothing else: no DDL, no TRUNCATE, no
 * triggers or references of its own, and it owns nothing. Migrations run as the owner.
 */
export const APP_ROLE = 'ordersurge_app';

// Two processes creating the role at once: one wins, the other sees one of these.
const ALREADY_THERE = new Set(['42710', '23505', 'XX000']);

/**
 * Creates the app role on the owner's server unless it exists (roles are cluster-wide, so once a
 * server). Safe to run from processes starting together. Returns whether it was created.
 */
export async function ensureAppRole(owner: Kysely<any>, role: string = APP_ROLE): Promise<boolean> {
  const exists = async (): Promise<boolean> => (await sql<{ n: number }>`select 1 as n from pg_roles where rolname = ${role}`.execute(owner)).rows.length > 0;
  if (await exists()) return false;
  try {
    await sql`create role ${sql.id(role)} login nosuperuser nocreatedb nocreaterole noinherit noreplication nobypassrls`.execute(owner);
    return true;
  } catch (error) {
    if (ALREADY_THERE.has((error as { code?: string }).code ?? '') && (await exists())) return false;
    throw error;
  }
}

/**
 * Gives `role` the row access the pipeline needs on the owner's current database: CONNECT, USAGE
 * of schema public, SELECT/INSERT/UPDATE/DELETE on every table, USAGE/SELECT/UPDATE on every
 * sequence, and the same by default on whatever later migrations (run by the same owner) create.
 * Idempotent; run after migrating.
 *
 * @example
 * await migrateToLatest(ownerDb);
 * await grantAppRole(ownerDb, 'ordersurge_app');
 */
export async function grantAppRole(owner: Kysely<any>, role: string = APP_ROLE): Promise<void> {
  const { rows } = await sql<{ db: string }>`select current_database() as db`.execute(owner);
  const r = sql.id(role);
  await sql`grant connect on database ${sql.id(rows[0]!.db)} to ${r}`.execute(owner);
  await sql`grant usage on schema public to ${r}`.execute(owner);
  await sql`grant select, insert, update, delete on all tables in schema public to ${r}`.execute(owner);
  await sql`grant usage, select, update on all sequences in schema public to ${r}`.execute(owner);
  await sql`alter default privileges in schema public grant select, insert, update, delete on tables to ${r}`.execute(owner);
  await sql`alter default privileges in schema public grant usage, select, update on sequences to ${r}`.execute(owner);
}

/** The same server and database as `ownerUrl`, connecting as `role` (no password: the embedded server trusts loopback). */
export function appUrlOf(ownerUrl: string, role: string = APP_ROLE): string {
  const url = new URL(ownerUrl);
  url.username = role;
  url.password = '';
  return url.toString();
}
