import { sql } from 'kysely';
import type { Db } from '../database.ts';
import type { PlatformTicket } from '../../workers/ingest/adapters/platform-ticket.ts';
import type { TicketState, TicketType } from '../../workers/aftersales/ticket-machine.ts';

/**
 * The after-sale feed's cursor of (channel, shop), created at `initialAt` on the first poll (see
 * `ensureCursor` of the order feed: a connector failing for hours still starts where it was told).
 */
export async function ensureAftersaleCursor(db: Db, channel: string, shop: string, initialAt: Date): Promise<Date> {
  await db
    .insertInto('aftersale_cursors')
    .values({ channel, shop, cursor_at: initialAt })
    .onConflict((oc) => oc.columns(['channel', 'shop']).doNothing())
    .execute();
  const row = await db.selectFrom('aftersale_cursors').select('cursor_at').where('channel', '=', channel).where('shop', '=', shop).executeTakeFirstOrThrow();
  return row.cursor_at;
}

/** Moves the after-sale cursor forward (never back) after a window was stored completely. */
export async function advanceAftersaleCursor(db: Db, channel: string, shop: string, to: Date, pulled: number): Promise<void> {
  await db
    .updateTable('aftersale_cursors')
    .set({
      cursor_at: sql<Date>`greatest(cursor_at, ${to})`,
      updated_at: sql<Date>`now()`,
      last_success_at: sql<Date>`now()`,
      pulled: sql<number>`pulled + ${pulled}`,
      consecutive_failures: 0,
    })
    .where('channel', '=', channel)
    .where('shop', '=', shop)
    .execute();
}

/** Counts a failed after-sale poll and keeps its error; the cursor stays. */
export async function recordAftersalePollFailure(db: Db, channel: string, shop: string, error: string): Promise<void> {
  await db
    .updateTable('aftersale_cursors')
    .set({ failures: sql<number>`failures + 1`, consecutive_failures: sql<number>`consecutive_failures + 1`, last_error: error, last_error_at: sql<Date>`now()` })
    .where('channel', '=', channel)
    .where('shop', '=', shop)
    .execute();
}

/** What storing a record's version found. */
export type StoredVersion = 'new' | 'newer' | 'same' | 'stale';

/**
 * Stores a platform after-sale record of `shop` unless a later version of it is already stored:
 * `new` (first seen), `newer` (replaced an older version), `same` (this version again: a re-read
 * window), `stale` (an older version than the one stored: ignored).
 */
export async function storePlatformTicket(db: Db, shop: string, orderId: string, ticket: PlatformTicket): Promise<StoredVersion> {
  const modifiedAt = new Date(ticket.modifiedAtMs);
  const row = await db
    .insertInto('platform_aftersales')
    .values({
      shop,
      platform_ticket_id: ticket.platformTicketId,
      channel: ticket.channel,
      order_id: orderId,
      platform_status: ticket.platformStatus,
      status: ticket.status,
      modified_at: modifiedAt,
      record: JSON.stringify(ticket),
    })
    .onConflict((oc) =>
      oc
        .columns(['shop', 'platform_ticket_id'])
        .doUpdateSet((eb) => ({
          platform_status: eb.ref('excluded.platform_status'),
          status: eb.ref('excluded.status'),
          modified_at: eb.ref('excluded.modified_at'),
          record: eb.ref('excluded.record'),
          updated_at: sql<Date>`now()`,
        }))
        .where('platform_aftersales.modified_at', '<', modifiedAt),
    )
    .returning(sql<boolean>`xmax = 0`.as('inserted'))
    .executeTakeFirst();
  if (row) return row.inserted ? 'new' : 'newer';
  const known = await db.selectFrom('platform_aftersales').select('modified_at').where('shop', '=', shop).where('platform_ticket_id', '=', ticket.platformTicketId).executeTakeFirstOrThrow();
  return known.modified_at.getTime() === modifiedAt.getTime() ? 'same' : 'stale';
}

/** A stored record whose newest version has not been applied to its ticket yet. */
export interface PendingPlatformTicket {
  shop: string;
  orderId: string;
  ticket: PlatformTicket;
  ticketId: number | null;
  /** What the last attempt did, if any. */
  outcome: string | null;
}

/** The records of `shop` still to apply (new versions, or waiting for their order), oldest change first. */
export async function pendingPlatformTickets(db: Db, shop: string, limit: number): Promise<PendingPlatformTicket[]> {
  const rows = await db
    .selectFrom('platform_aftersales')
    .select(['shop', 'order_id', 'record', 'ticket_id', 'outcome'])
    .where('shop', '=', shop)
    .where(sql<boolean>`applied_version is distinct from modified_at`)
    .orderBy('modified_at')
    .orderBy('platform_ticket_id')
    .limit(limit)
    .execute();
  return rows.map((r) => ({ shop: r.shop, orderId: r.order_id, ticket: r.record as PlatformTicket, ticketId: r.ticket_id === null ? null : Number(r.ticket_id), outcome: r.outcome }));
}

/**
 * Records what applying version `modifiedAtMs` of a record did. `done` marks that version applied
 * (a later version stored meanwhile stays pending); otherwise it stays pending and is tried again.
 */
export async function recordPlatformTicketOutcome(db: Db, shop: string, platformTicketId: string, modifiedAtMs: number, outcome: { done: boolean; text: string; ticketId?: number }): Promise<void> {
  const version = new Date(modifiedAtMs);
  await db
    .updateTable('platform_aftersales')
    .set({
      outcome: outcome.text,
      updated_at: sql<Date>`now()`,
      ...(outcome.ticketId !== undefined ? { ticket_id: outcome.ticketId } : {}),
      ...(outcome.done ? { applied_version: sql<Date>`case when modified_at = ${version} then ${version} else applied_version end` } : {}),
    })
    .where('shop', '=', shop)
    .where('platform_ticket_id', '=', platformTicketId)
    .execute();
}

/** The type, state and refund of after-sales ticket `id`, as a platform sync needs them. */
export async function ticketStateOf(db: Db, id: number): Promise<{ type: TicketType; state: TicketState; refundFen: number } | undefined> {
  const row = await db.selectFrom('aftersales_tickets').select(['type', 'state', 'refund_fen']).where('id', '=', id).executeTakeFirst();
  return row && { type: row.type, state: row.state, refundFen: Number(row.refund_fen) };
}

/**
 * Whether an order can take a ticket yet: `missing` before dedupe stored it, `unpriced` while a
 * line has no payable (pricing has not run), else `ready`.
 */
export async function orderReadiness(db: Db, orderId: string): Promise<'missing' | 'unpriced' | 'ready'> {
  const row = await db
    .selectFrom('orders')
    .leftJoin('order_lines', 'order_lines.order_id', 'orders.id')
    .select((eb) => [eb.fn.count<number>('order_lines.line_id').as('lines'), eb.fn.count<number>('order_lines.payable_fen').as('priced')])
    .where('orders.id', '=', orderId)
    .groupBy('orders.id')
    .executeTakeFirst();
  if (!row) return 'missing';
  return Number(row.lines) > 0 && Number(row.priced) === Number(row.lines) ? 'ready' : 'unpriced';
}
