import { sql, type Transaction } from 'kysely';
import type { Database } from '../database.ts';
import type { Address } from '../../streams/canonical-order.ts';
import { recordEvents } from './orders.ts';

type Trx = Transaction<Database>;

export interface PricedOrder {
  id: string;
  channel: string;
  buyer: string;
  address: Address;
  paymentMethod: string;
  lines: { lineId: string; sku: string; qty: number }[];
}

/**
 * Locks the orders of `ids` that are still 'priced' (in id order, so batches cannot deadlock)
 * and reads what routing needs of them. Orders elsewhere are left out: a redelivery, a cancel,
 * or another worker got there first.
 */
export async function lockPricedOrders(trx: Trx, ids: readonly string[]): Promise<PricedOrder[]> {
  if (ids.length === 0) return [];
  const rows = await trx
    .selectFrom('orders')
    .select(['id', 'channel', 'buyer', 'address', 'payment_method'])
    .where('id', 'in', ids)
    .where('status', '=', 'priced')
    .orderBy('id')
    .forUpdate()
    .execute();
  if (rows.length === 0) return [];
  const lines = await trx
    .selectFrom('order_lines')
    .select(['order_id', 'line_id', 'sku', 'qty'])
    .where('order_id', 'in', rows.map((r) => r.id))
    .orderBy('order_id')
    .orderBy('line_id')
    .execute();
  const linesOf = new Map<string, typeof lines>();
  for (const line of lines) linesOf.set(line.order_id, [...(linesOf.get(line.order_id) ?? []), line]);
  return rows.map((r) => ({
    id: r.id,
    channel: r.channel,
    buyer: r.buyer,
    address: r.address,
    paymentMethod: r.payment_method,
    lines: (linesOf.get(r.id) ?? []).map((l) => ({ lineId: l.line_id, sku: l.sku, qty: l.qty })),
  }));
}

/**
 * The stock available of `skus` in `warehouses`, keyed `sku|warehouse`. With `lock`, the rows are
 * locked (in one global order, so batches cannot deadlock) until the transaction ends; without,
 * it is a snapshot that `applyRouting` checks again when it reserves.
 */
export async function readStock(trx: Trx, skus: readonly string[], warehouses: readonly string[], lock: boolean): Promise<Map<string, number>> {
  if (skus.length === 0) return new Map();
  const query = trx
    .selectFrom('inventory')
    .select(['sku', 'warehouse', 'on_hand', 'reserved'])
    .where('sku', 'in', [...new Set(skus)])
    .where('warehouse', 'in', warehouses)
    .orderBy('sku')
    .orderBy('warehouse');
  const rows = await (lock ? query.forUpdate() : query).execute();
  return new Map(rows.map((r) => [`${r.sku}|${r.warehouse}`, r.on_hand - r.reserved]));
}

/** The stock moved between the snapshot a plan was made on and its reservation: plan again under locks. */
export class StockMovedError extends Error {
  readonly code = 'STOCK_MOVED';
  override name = 'StockMovedError';
}

/** Locks the open shipments (no waybill yet, created within the window) of the given merge keys, oldest first. */
export async function lockOpenShipments(trx: Trx, mergeKeys: readonly string[], windowSeconds: number): Promise<{ id: string; mergeKey: string; warehouse: string }[]> {
  if (mergeKeys.length === 0 || windowSeconds <= 0) return [];
  const rows = await trx
    .selectFrom('shipments')
    .select(['id', 'merge_key', 'warehouse'])
    .where('merge_key', 'in', [...new Set(mergeKeys)])
    .where('waybill_no', 'is', null)
    .where('created_at', '>', sql<Date>`now() - make_interval(secs => ${windowSeconds})`)
    .orderBy('created_at', 'desc')
    .forUpdate()
    .execute();
  // Oldest last, so it wins when the caller keys them by merge key and warehouse.
  return rows.map((r) => ({ id: r.id, mergeKey: r.merge_key ?? '', warehouse: r.warehouse }));
}

export interface RoutingEffects {
  routed: { orderId: string; warehouse: string; shipmentId: string; lines: readonly { lineId: string; sku: string; qty: number }[] }[];
  backorders: { orderId: string; detail: string }[];
  newShipments: { id: string; orderId: string; warehouse: string; mergeKey: string | null }[];
  /** Quantity per `sku|warehouse`. */
  reserve: ReadonlyMap<string, number>;
}

/**
 * Writes a routing plan in a handful of set-based statements: reservations per line, shipments
 * and their orders, statuses and events, and last the stock reserved per SKU and warehouse, so
 * the hot stock rows stay locked only from that statement to the commit. The reservation takes
 * stock only where enough is still available; if any row has moved since the plan's snapshot it
 * throws `StockMovedError` (the caller rolls back and plans again under locks). The inventory
 * check constraint is the last line of defence.
 */
export async function applyRouting(trx: Trx, effects: RoutingEffects): Promise<void> {
  const reservations = effects.routed.flatMap((o) => o.lines.map((l) => ({ order_id: o.orderId, line_id: l.lineId, sku: l.sku, warehouse: o.warehouse, qty: l.qty })));
  if (reservations.length > 0) await trx.insertInto('reservations').values(reservations).execute();
  if (effects.newShipments.length > 0) {
    await trx
      .insertInto('shipments')
      .values(effects.newShipments.map((s) => ({ id: s.id, order_id: s.orderId, warehouse: s.warehouse, merge_key: s.mergeKey })))
      .execute();
  }
  if (effects.routed.length > 0) {
    await trx.insertInto('shipment_orders').values(effects.routed.map((o) => ({ shipment_id: o.shipmentId, order_id: o.orderId }))).execute();
    await sql`
      update orders o set status = 'routed', warehouse = v.warehouse, modified_at = now()
        from unnest(${effects.routed.map((o) => o.orderId)}::text[], ${effects.routed.map((o) => o.warehouse)}::text[]) as v(id, warehouse)
       where o.id = v.id`.execute(trx);
  }
  if (effects.backorders.length > 0) {
    await sql`
      update orders o set status = 'exception', exception_type = 'backorder', exception_detail = v.detail, modified_at = now()
        from unnest(${effects.backorders.map((o) => o.orderId)}::text[], ${effects.backorders.map((o) => o.detail)}::text[]) as v(id, detail)
       where o.id = v.id`.execute(trx);
  }
  await recordEvents(trx, [
    ...effects.routed.map((o) => ({ orderId: o.orderId, key: 'routed', type: 'routed', detail: { warehouse: o.warehouse, shipment: o.shipmentId } })),
    ...effects.backorders.map((o) => ({ orderId: o.orderId, key: 'exception', type: 'exception', detail: { type: 'backorder', detail: o.detail } })),
  ]);
  const reserve = [...effects.reserve]
    .map(([key, qty]) => {
      const cut = key.lastIndexOf('|');
      return { sku: key.slice(0, cut), warehouse: key.slice(cut + 1), qty };
    })
    .sort((a, b) => (a.sku === b.sku ? a.warehouse.localeCompare(b.warehouse) : a.sku.localeCompare(b.sku)));
  if (reserve.length === 0) return;
  // Rows are locked in one global order first, so two batches cannot deadlock on them.
  const reserved = await sql<{ sku: string }>`
    with wanted as (
      select * from unnest(${reserve.map((r) => r.sku)}::text[], ${reserve.map((r) => r.warehouse)}::text[], ${reserve.map((r) => r.qty)}::int[]) as v(sku, warehouse, qty)
    ), locked as (
      select i.sku, i.warehouse from inventory i join wanted w using (sku, warehouse)
       order by i.sku, i.warehouse for update of i
    )
    update inventory i set reserved = i.reserved + w.qty, updated_at = now()
      from wanted w, locked l
     where i.sku = w.sku and i.warehouse = w.warehouse and l.sku = i.sku and l.warehouse = i.warehouse
       and i.on_hand - i.reserved >= w.qty
    returning i.sku`.execute(trx);
  if (reserved.rows.length !== reserve.length) throw new StockMovedError('stock moved since the routing snapshot');
}
