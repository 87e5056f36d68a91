import { sql, type Transaction } from 'kysely';
import type { CanonicalOrder } from '../../streams/canonical-order.ts';
import type { Database, Db, OrderStatus } from '../database.ts';

type Executor = Db | Transaction<Database>;

/** A state change worth recording: a row in `order_events`, at most once per (order, key). */
export interface OrderEvent {
  orderId: string;
  /** Idempotency key of the event within its order; usually the step's name. */
  key: string;
  type: string;
  detail?: Record<string, unknown>;
}

/**
 * Inserts the orders that are new, each in the status `statusOf` gives it, and returns the ids
 * that were inserted; an order already known under its (channel, external id) is left as it is.
 */
export async function insertNewOrders(
  trx: Transaction<Database>,
  orders: readonly CanonicalOrder[],
  statusOf: (order: CanonicalOrder) => OrderStatus,
): Promise<Set<string>> {
  if (orders.length === 0) return new Set();
  const inserted = await trx
    .insertInto('orders')
    .values(
      orders.map((o) => ({
        id: o.id,
        channel: o.channel,
        shop: o.shop,
        external_id: o.externalId,
        status: statusOf(o),
        channel_status: o.channelStatus,
        refund_status: o.refundStatus,
        version: o.version,
        placed_at: o.placedAt,
        paid_at: o.paidAt,
        channel_updated_at: o.updatedAt,
        buyer: o.buyer,
        address: JSON.stringify(o.address),
        payment_method: o.paymentMethod,
        goods_fen: o.amounts.goods,
        discount_fen: o.amounts.discount,
        platform_discount_fen: o.amounts.platformDiscount ?? null,
        shop_discount_fen: o.amounts.shopDiscount ?? null,
        shipping_fen: o.amounts.shipping,
        paid_fen: o.amounts.paid,
        coupons: JSON.stringify(o.coupons),
        buyer_message: o.buyerMessage,
        seller_memo: o.sellerMemo,
        invoice_title: o.invoice?.title ?? null,
        invoice_tax_no: o.invoice?.taxNo ?? null,
        raw: rawJson(o.raw),
      })),
    )
    .onConflict((oc) => oc.columns(['channel', 'external_id']).doNothing())
    .returning('id')
    .execute();
  const ids = new Set(inserted.map((r) => r.id));
  const lines = orders
    .filter((o) => ids.has(o.id))
    .flatMap((o) =>
      o.lines.map((l) => ({
        order_id: o.id,
        line_id: l.lineId,
        sku: l.sku,
        platform_sku_id: l.platformSkuId,
        title: l.title,
        qty: l.qty,
        unit_price_fen: l.unitPrice,
        payable_fen: l.payable ?? null,
        refund_status: l.refundStatus,
        gift: l.gift,
      })),
    );
  if (lines.length > 0) await trx.insertInto('order_lines').values(lines).execute();
  return ids;
}

/**
 * The raw payload as jsonb text. jsonb cannot hold NUL characters, so a payload with one is
 * written again with them replaced; the usual payload takes the fast path (no replacer).
 */
function rawJson(raw: unknown): string {
  const text = JSON.stringify(raw);
  return text.includes('\\u0000') ? JSON.stringify(raw, withoutNul) : text;
}

function withoutNul(_key: string, value: unknown): unknown {
  return typeof value === 'string' && value.includes('\0') ? value.replaceAll('\0', '\uFFFD') : value;
}

/** Records events; one already recorded under the same (order, key) is kept, not duplicated. */
export async function recordEvents(db: Executor, events: readonly OrderEvent[]): Promise<void> {
  if (events.length === 0) return;
  await db
    .insertInto('order_events')
    .values(
      events.map((e) => ({ order_id: e.orderId, key: e.key, type: e.type, detail: JSON.stringify(e.detail ?? {}) })),
    )
    .onConflict((oc) => oc.columns(['order_id', 'key']).doNothing())
    .execute();
}

/** The orders' current status, by id; ids not found are absent. */
export async function statusesOf(db: Executor, ids: readonly string[]): Promise<Map<string, OrderStatus>> {
  if (ids.length === 0) return new Map();
  const rows = await db.selectFrom('orders').select(['id', 'status']).where('id', 'in', ids).execute();
  return new Map(rows.map((r) => [r.id, r.status]));
}

/** Everything `ordersurge order show` prints about one order. */
export async function loadOrderDetail(db: Db, id: string) {
  const order = await db.selectFrom('orders').selectAll().where('id', '=', id).executeTakeFirst();
  if (!order) return undefined;
  const [lines, events, reservations, shipments, notifications, pricing, routing] = await Promise.all([
    db.selectFrom('order_lines').selectAll().where('order_id', '=', id).orderBy('line_id').execute(),
    db.selectFrom('order_events').selectAll().where('order_id', '=', id).orderBy('id').execute(),
    db.selectFrom('reservations').selectAll().where('order_id', '=', id).orderBy('line_id').execute(),
    db
      .selectFrom('shipment_orders')
      .innerJoin('shipments', 'shipments.id', 'shipment_orders.shipment_id')
      .selectAll('shipments')
      .select((eb) =>
        eb
          .selectFrom('shipment_orders as together')
          .select(sql<string[]>`array_agg(together.order_id order by together.order_id)`.as('o'))
          .whereRef('together.shipment_id', '=', 'shipments.id')
          .as('order_ids'),
      )
      .where('shipment_orders.order_id', '=', id)
      .orderBy('shipments.id')
      .execute(),
    db.selectFrom('notifications').selectAll().where('order_id', '=', id).execute(),
    db.selectFrom('order_pricing').selectAll().where('order_id', '=', id).executeTakeFirst(),
    db.selectFrom('order_routing').selectAll().where('order_id', '=', id).executeTakeFirst(),
  ]);
  return { order, lines, events, reservations, shipments, notifications, pricing, routing };
}
export type OrderDetail = NonNullable<Awaited<ReturnType<typeof loadOrderDetail>>>;

/** Orders per status, of those created since `since` (all when undefined). */
export async function countByStatus(db: Db, since?: Date): Promise<Partial<Record<OrderStatus, number>>> {
  let query = db.selectFrom('orders').select(['status', sql<number>`count(*)::int`.as('n')]).groupBy('status');
  if (since) query = query.where('created_at', '>=', since);
  const rows = await query.execute();
  return Object.fromEntries(rows.map((r) => [r.status, r.n]));
}

/**
 * Moves orders still in `from` to `to` and records `event` for each one that moved, in one
 * statement (atomic on its own, one round trip). Returns the ids that moved.
 */
export async function moveOrders(
  db: Executor,
  moves: readonly { orderId: string; detail?: Record<string, unknown> }[],
  from: OrderStatus,
  to: OrderStatus,
  event: { key: string; type: string },
): Promise<Set<string>> {
  if (moves.length === 0) return new Set();
  const result = await sql<{ id: string }>`
    with v as (
      select * from unnest(${moves.map((m) => m.orderId)}::text[], ${moves.map((m) => JSON.stringify(m.detail ?? {}))}::jsonb[]) as v(id, detail)
    ), moved as (
      update orders o set status = ${to}, modified_at = now() from v where o.id = v.id and o.status = ${from} returning o.id
    ), events as (
      insert into order_events (order_id, key, type, detail)
      select m.id, ${event.key}, ${event.type}, v.detail from moved m join v on v.id = m.id
      on conflict (order_id, key) do nothing
    )
    select id from moved`.execute(db);
  return new Set(result.rows.map((r) => r.id));
}

/**
 * Makes orders still in `from` exceptions, each with its own type and detail, and records the
 * exception event, in one statement. Returns the ids flagged.
 */
export async function flagExceptions(db: Executor, exceptions: readonly { orderId: string; type: string; detail: string }[], from: OrderStatus): Promise<Set<string>> {
  if (exceptions.length === 0) return new Set();
  const result = await sql<{ id: string }>`
    with v as (
      select * from unnest(${exceptions.map((e) => e.orderId)}::text[], ${exceptions.map((e) => e.type)}::text[], ${exceptions.map((e) => e.detail)}::text[]) as v(id, type, detail)
    ), flagged as (
      update orders o set status = 'exception', exception_type = v.type, exception_detail = v.detail, modified_at = now()
        from v where o.id = v.id and o.status = ${from} returning o.id
    ), events as (
      insert into order_events (order_id, key, type, detail)
      select f.id, 'exception', 'exception', jsonb_build_object('type', v.type, 'detail', v.detail) from flagged f join v on v.id = f.id
      on conflict (order_id, key) do nothing
    )
    select id from flagged`.execute(db);
  return new Set(result.rows.map((r) => r.id));
}

/** Orders waiting in any of `statuses` unchanged since before `before`, oldest first: what redrive hands back to their stage. */
export async function stuckOrders(db: Db, statuses: readonly OrderStatus[], before: Date, limit: number): Promise<{ id: string; channel: string; status: OrderStatus }[]> {
  if (statuses.length === 0) return [];
  return db.selectFrom('orders').select(['id', 'channel', 'status']).where('status', 'in', statuses).where('modified_at', '<', before).orderBy('modified_at').limit(limit).execute();
}

/** External ids of `channel`'s orders placed in [startMs, endMs); an exchange's replacement order is ours, not the platform's, and left out. */
export async function externalIdsPlaced(db: Db, channel: string, startMs: number, endMs: number): Promise<string[]> {
  const rows = await db
    .selectFrom('orders')
    .select('external_id')
    .where('channel', '=', channel)
    .where('placed_at', '>=', new Date(startMs))
    .where('placed_at', '<', new Date(endMs))
    .where(notReplacement)
    .execute();
  return rows.map((r) => r.external_id);
}

/** External ids of one shop account's orders placed in [startMs, endMs), replacement orders left out. */
export async function externalIdsPlacedInShop(db: Db, shop: string, startMs: number, endMs: number): Promise<string[]> {
  const rows = await db.selectFrom('orders').select('external_id').where('shop', '=', shop).where('placed_at', '>=', new Date(startMs)).where('placed_at', '<', new Date(endMs)).where(notReplacement).execute();
  return rows.map((r) => r.external_id);
}

/** Not an exchange's replacement order (migration 0036): the platform never saw those. */
const notReplacement = sql<boolean>`not exists (select 1 from aftersales_tickets t where t.exchange_order_id = orders.id)`;

/**
 * Makes orders whose stage message was dead-lettered exceptions (`dead_letter`, the detail naming
 * the stage and the reason), if they are still in `from`, the status that stage moves them on
 * from: otherwise nothing would show them. Returns the ids flagged.
 */
export function flagDeadLettered(db: Executor, letters: readonly { orderId: string; stage: string; reason: string }[], from: OrderStatus): Promise<Set<string>> {
  return flagExceptions(db, letters.map((l) => ({ orderId: l.orderId, type: 'dead_letter', detail: `${l.stage}: ${l.reason}` })), from);
}

/**
 * Before their dead letters are replayed: orders that are `dead_letter` exceptions go back to
 * `to`, the status their stage moves them on from, so the replayed message is processed. Other
 * exceptions are left alone. Returns the ids cleared.
 */
export async function clearDeadLettered(db: Executor, orderIds: readonly string[], to: OrderStatus): Promise<Set<string>> {
  if (orderIds.length === 0) return new Set();
  const result = await sql<{ id: string }>`
    with cleared as (
      update orders o set status = ${to}, exception_type = null, exception_detail = null, modified_at = now()
       where o.id = any(${[...orderIds]}::text[]) and o.status = 'exception' and o.exception_type = 'dead_letter'
      returning o.id
    ), events as (
      insert into order_events (order_id, key, type, detail)
      select c.id, 'dead_letter_replayed:' || now()::text, 'dead_letter_replayed', jsonb_build_object('status', ${to}::text) from cleared c
      on conflict (order_id, key) do nothing
    )
    select id from cleared`.execute(db);
  return new Set(result.rows.map((r) => r.id));
}
