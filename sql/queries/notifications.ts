import { sql } from 'kysely';
import type { Db } from '../database.ts';

/** Where each order's SMS goes. */
export async function phonesOf(db: Db, ids: readonly string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows = await db.selectFrom('orders').select(['id', 'address']).where('id', 'in', ids).execute();
  return new Map(rows.map((o) => [o.id, o.address.phone]));
}

/**
 * Records the messages sent (one row per order and kind, a repeat kept once) and moves their
 * orders from `waybilled` to `notified` with the event, in one statement. Returns the ids moved.
 */
export async function recordNotified(db: Db, kind: string, sent: readonly { orderId: string; messageId: string }[]): Promise<Set<string>> {
  if (sent.length === 0) return new Set();
  const result = await sql<{ id: string }>`
    with v as (
      select * from unnest(${sent.map((s) => s.orderId)}::text[], ${sent.map((s) => s.messageId)}::text[]) as v(id, message_id)
    ), kept as (
      insert into notifications (order_id, kind, provider_message_id)
      select id, ${kind}, message_id from v
      on conflict (order_id, kind) do nothing
    ), moved as (
      update orders o set status = 'notified', modified_at = now() from v where o.id = v.id and o.status = 'waybilled' returning o.id
    ), events as (
      insert into order_events (order_id, key, type, detail)
      select id, 'notified', 'notified', '{}'::jsonb from moved
      on conflict (order_id, key) do nothing
    )
    select id from moved`.execute(db);
  return new Set(result.rows.map((r) => r.id));
}
