import { sql } from 'kysely';
import type { Db, OrderStatus } from '../database.ts';

/** An order waiting for an operator: what the console's exceptions view lists. */
export interface ExceptionOrder {
  id: string;
  channel: string;
  type: string;
  detail: string;
  /** When it became an exception (its last change). */
  since: Date;
}

/** Exception orders, most recent first (the `orders_status` index finds them). */
export async function listExceptionOrders(db: Db, limit: number): Promise<ExceptionOrder[]> {
  const rows = await db
    .selectFrom('orders')
    .select(['id', 'channel', 'exception_type', 'exception_detail', 'modified_at'])
    .where('status', '=', 'exception')
    .orderBy('modified_at', 'desc')
    .limit(limit)
    .execute();
  return rows.map((r) => ({ id: r.id, channel: r.channel, type: r.exception_type ?? 'unknown', detail: r.exception_detail ?? '', since: r.modified_at }));
}

/**
 * Puts exception orders back into the status a stage takes them from, if they are still the same
 * exception (so a second retry, or one racing another operator, moves nothing), recording an
 * `exception_retried` event. Returns the orders moved, for the caller to hand to their stage.
 */
export async function putBackExceptions(db: Db, orders: readonly { orderId: string; type: string; to: OrderStatus }[]): Promise<{ id: string; channel: string; status: OrderStatus }[]> {
  if (orders.length === 0) return [];
  const result = await sql<{ id: string; channel: string; status: OrderStatus }>`
    with v as (
      select * from unnest(${orders.map((o) => o.orderId)}::text[], ${orders.map((o) => o.type)}::text[], ${orders.map((o) => o.to)}::text[]) as v(id, type, status)
    ), moved as (
      update orders o set status = v.status, exception_type = null, exception_detail = null, modified_at = now()
        from v where o.id = v.id and o.status = 'exception' and o.exception_type = v.type
      returning o.id, o.channel, o.status, v.type
    ), events as (
      insert into order_events (order_id, key, type, detail)
      select m.id, 'exception_retried:' || now()::text, 'exception_retried', jsonb_build_object('type', m.type, 'status', m.status) from moved m
      on conflict (order_id, key) do nothing
    )
    select id, channel, status from moved`.execute(db);
  return result.rows;
}
