import { sql } from 'kysely';
import type { Db } from '../database.ts';

/** Where a connector's poll stands, and how healthy it is. */
export interface ConnectorCursor {
  channel: string;
  shop: string;
  /** Every order modified at or before this instant has been published. */
  cursorAt: Date;
  lastSuccessAt: Date | null;
  published: number;
  failures: number;
  consecutiveFailures: number;
  lastError: string | null;
  lastErrorAt: Date | null;
}

/**
 * The cursor of (channel, shop), creating it at `initialAt` when the connector polls for the
 * first time. Stored before the first poll so that a connector failing for hours still starts
 * from where it was first told to, not from a start that creeps forward with the clock.
 */
export async function ensureCursor(db: Db, channel: string, shop: string, initialAt: Date): Promise<ConnectorCursor> {
  await db
    .insertInto('connector_cursors')
    .values({ channel, shop, cursor_at: initialAt })
    .onConflict((oc) => oc.columns(['channel', 'shop']).doNothing())
    .execute();
  const cursor = await readCursor(db, channel, shop);
  if (!cursor) throw new Error(`connector_cursors: the row of ${channel}/${shop} vanished right after it was ensured`);
  return cursor;
}

/** The cursor of (channel, shop), or undefined before its first poll. */
export async function readCursor(db: Db, channel: string, shop: string): Promise<ConnectorCursor | undefined> {
  const row = await db.selectFrom('connector_cursors').selectAll().where('channel', '=', channel).where('shop', '=', shop).executeTakeFirst();
  return row && toCursor(row);
}

/**
 * Moves the cursor to `to` after a window was published completely, and clears the failure
 * streak. The cursor never moves backwards, so two pollers of one shop cannot undo each other.
 */
export async function advanceCursor(db: Db, channel: string, shop: string, to: Date, published: number): Promise<void> {
  await db
    .updateTable('connector_cursors')
    .set({
      cursor_at: sql<Date>`greatest(cursor_at, ${to})`,
      updated_at: sql<Date>`now()`,
      last_success_at: sql<Date>`now()`,
      published: sql<number>`published + ${published}`,
      consecutive_failures: 0,
    })
    .where('channel', '=', channel)
    .where('shop', '=', shop)
    .execute();
}

/** Counts a failed poll and keeps its error for `status` and alerting; the cursor stays. */
export async function recordPollFailure(db: Db, channel: string, shop: string, error: string): Promise<ConnectorCursor | undefined> {
  const row = await db
    .updateTable('connector_cursors')
    .set({
      failures: sql<number>`failures + 1`,
      consecutive_failures: sql<number>`consecutive_failures + 1`,
      last_error: error,
      last_error_at: sql<Date>`now()`,
    })
    .where('channel', '=', channel)
    .where('shop', '=', shop)
    .returningAll()
    .executeTakeFirst();
  return row && toCursor(row);
}

/** Every connector's cursor and health, for `status` and the console. */
export async function listCursors(db: Db): Promise<ConnectorCursor[]> {
  const rows = await db.selectFrom('connector_cursors').selectAll().orderBy('channel').orderBy('shop').execute();
  return rows.map(toCursor);
}

function toCursor(row: {
  channel: string;
  shop: string;
  cursor_at: Date;
  last_success_at: Date | null;
  published: number;
  failures: number;
  consecutive_failures: number;
  last_error: string | null;
  last_error_at: Date | null;
}): ConnectorCursor {
  return {
    channel: row.channel,
    shop: row.shop,
    cursorAt: row.cursor_at,
    lastSuccessAt: row.last_success_at,
    published: row.published,
    failures: row.failures,
    consecutiveFailures: row.consecutive_failures,
    lastError: row.last_error,
    lastErrorAt: row.last_error_at,
  };
}
