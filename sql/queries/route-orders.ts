import { sql, type Transaction } from 'kysely';
import type { Database, Db } from '../database.ts';
import type { Address } from '../../streams/canonical-order.ts';

type Trx = Transaction<Database>;
type Executor = Db | Trx;

export interface PricedOrder {
  id: string;
  channel: string;
  shop: string;
  buyer: string;
  address: Address;
  paymentMethod: string;
  /** Each line's value is its payable amount (fen), or unit price times quantity before pricing set one. */
  lines: { lineId: string; sku: string; qty: number; gift: boolean; valueFen: number }[];
}

/**
 * Reads what routing needs of the orders of `ids` that are still 'priced'; with `lock`, locks
 * them (in id order, so batches cannot deadlock). Orders elsewhere are left out: a redelivery, a
 * cancel, or another worker got there first.
 */
export async function readPricedOrders(db: Executor, ids: readonly string[], lock: boolean): Promise<PricedOrder[]> {
  if (ids.length === 0) return [];
  const query = db
    .selectFrom('orders')
    .select(['id', 'channel', 'shop', 'buyer', 'address', 'payment_method'])
    .where('id', 'in', ids)
    .where('status', '=', 'priced')
    .orderBy('id');
  const rows = await (lock ? query.forUpdate() : query).execute();
  if (rows.length === 0) return [];
  const lines = await db
    .selectFrom('order_lines')
    .select(['order_id', 'line_id', 'sku', 'qty', 'gift', 'payable_fen', 'unit_price_fen'])
    // Units a refund-only after-sales ticket took out before shipment are not reserved (issue 19).
    .select(
      sql<number>`coalesce((select sum(tl.qty) from aftersales_ticket_lines tl join aftersales_tickets t on t.id = tl.ticket_id
                   where t.order_id = order_lines.order_id and tl.line_id = order_lines.line_id
                     and t.type = 'refund_only' and t.state in ('approved', 'refunded')), 0)::int`.as('refunded_qty'),
    )
    .where('order_id', 'in', rows.map((r) => r.id))
    .orderBy('order_id')
    .orderBy('line_id')
    .execute();
  const linesOf = new Map<string, typeof lines>();
  for (const line of lines) {
    if (line.qty - line.refunded_qty <= 0) continue;
    // The payable of what is left of the line, in proportion: it is what routing weighs a line by.
    const left = line.qty - line.refunded_qty;
    const payable = line.payable_fen === null ? null : Math.round((line.payable_fen * left) / line.qty);
    linesOf.set(line.order_id, [...(linesOf.get(line.order_id) ?? []), { ...line, qty: left, payable_fen: payable }]);
  }
  return rows.map((r) => ({
    id: r.id,
    channel: r.channel,
    shop: r.shop,
    buyer: r.buyer,
    address: r.address,
    paymentMethod: r.payment_method,
    lines: (linesOf.get(r.id) ?? []).map((l) => ({ lineId: l.line_id, sku: l.sku, qty: l.qty, gift: l.gift, valueFen: l.gift ? 0 : (l.payable_fen ?? l.unit_price_fen * l.qty) })),
  }));
}

/**
 * The stock available of `skus` in `warehouses`, keyed `sku|warehouse`. With `lock`, the rows are
 * locked (in one global order, so batches cannot deadlock) until the transaction ends; without,
 * it is a snapshot that `applyRoutingAtomically` checks again under its locks.
 */
export async function readStock(db: Executor, skus: readonly string[], warehouses: readonly string[], lock: boolean): Promise<Map<string, number>> {
  if (skus.length === 0) return new Map();
  const query = db
    .selectFrom('inventory')
    .select(['sku', 'warehouse', 'on_hand', 'reserved'])
    .where('sku', 'in', [...new Set(skus)])
    .where('warehouse', 'in', warehouses)
    .orderBy('sku')
    .orderBy('warehouse');
  const rows = await (lock ? query.forUpdate() : query).execute();
  return new Map(rows.map((r) => [`${r.sku}|${r.warehouse}`, r.on_hand - r.reserved]));
}

/**
 * Parcels each of `warehouses` can still ship today (China time): its daily capacity less the
 * shipments it opened since midnight. Warehouses without a capacity are left out (no limit). A
 * planning limit, read without locks: concurrent batches may together go a batch over it.
 */
export async function readParcelsLeftToday(db: Executor, warehouses: readonly string[]): Promise<Map<string, number>> {
  if (warehouses.length === 0) return new Map();
  const { rows } = await sql<{ code: string; left: number }>`
    select w.code, w.daily_capacity - (select count(*)::int from shipments s
                                        where s.warehouse = w.code
                                          and s.created_at >= date_trunc('day', now() at time zone 'Asia/Shanghai') at time zone 'Asia/Shanghai') as left
      from warehouses w
     where w.code = any(${[...warehouses]}::text[]) and w.daily_capacity > 0`.execute(db);
  return new Map(rows.map((r) => [r.code, r.left]));
}

/** The open shipments (no pick task nor waybill yet, created within the window) of the given merge keys, newest first; with `lock`, locked. */
export async function readOpenShipments(db: Executor, mergeKeys: readonly string[], windowSeconds: number, lock: boolean): Promise<{ id: string; mergeKey: string; warehouse: string }[]> {
  if (mergeKeys.length === 0 || windowSeconds <= 0) return [];
  const query = db
    .selectFrom('shipments')
    .select(['id', 'merge_key', 'warehouse'])
    .where('merge_key', 'in', [...new Set(mergeKeys)])
    .where('waybill_no', 'is', null)
    // Once the WMS has its pick list the parcel is closed: a late order ships on its own.
    .where('pick_task_id', 'is', null)
    .where('created_at', '>', sql<Date>`now() - make_interval(secs => ${windowSeconds})`)
    .orderBy('created_at', 'desc');
  const rows = await (lock ? query.forUpdate() : query).execute();
  // Oldest last, so it wins when the caller keys them by merge key and warehouse.
  return rows.map((r) => ({ id: r.id, mergeKey: r.merge_key ?? '', warehouse: r.warehouse }));
}

export interface RoutingEffects {
  routed: {
    orderId: string;
    /** The first shipment's warehouse: the order's own `warehouse` column. */
    warehouse: string;
    shipments: readonly { shipmentId: string; warehouse: string; lines: readonly { lineId: string; sku: string; qty: number }[] }[];
  }[];
  backorders: { orderId: string; detail: string }[];
  /** Orders held for an operator: no carrier could deliver to their address. */
  badAddresses?: { orderId: string; detail: string }[];
  /** What routing decided for each order and why, kept with the order. */
  records?: { orderId: string; ruleVersion: number | null; outcome: string; reason: unknown }[];
  newShipments: { id: string; orderId: string; warehouse: string; mergeKey: string | null }[];
  /** Quantity per `sku|warehouse`. */
  reserve: ReadonlyMap<string, number>;
}

/** What the write found under its locks when the plan no longer held. */
export interface RoutingConflict {
  /** Orders of the plan still priced. */
  stillPriced: Set<string>;
  /** Available stock of the planned `sku|warehouse` keys, as locked. */
  stock: Map<string, number>;
  /** Joined shipments still open. */
  stillOpen: Set<string>;
}

/** Orders the plan holds as exceptions, with their type. */
function heldOrders(effects: RoutingEffects): { orderId: string; type: 'backorder' | 'bad_address'; detail: string }[] {
  return [
    ...effects.backorders.map((o) => ({ ...o, type: 'backorder' as const })),
    ...(effects.badAddresses ?? []).map((o) => ({ ...o, type: 'bad_address' as const })),
  ];
}

function reserveRows(reserve: ReadonlyMap<string, number>): { sku: string; warehouse: string; qty: number }[] {
  return [...reserve]
    .map(([key, qty]) => {
      const cut = key.lastIndexOf('|');
      return { sku: key.slice(0, cut), warehouse: key.slice(cut + 1), qty };
    })
    .sort((a, b) => (a.sku === b.sku ? a.warehouse.localeCompare(b.warehouse) : a.sku.localeCompare(b.sku)));
}

/**
 * Writes a routing plan in one statement, so no lock is held across a round trip to a busy
 * worker: the hot stock rows of a sale are locked only while Postgres runs it. The statement
 * locks, in the one global order (orders by id, then stock rows by sku and warehouse, then
 * shipments by id), the planned orders, their stock rows and the open shipments the plan joins,
 * and writes everything only if what the plan stood on still holds: every order still priced,
 * every SKU's stock still enough, every joined shipment still without a pick task or waybill. The reservation
 * rows it inserts move `inventory.reserved` (their trigger, migration 0012). Returns
 * `{ ok: true }`, or `{ ok: false, conflict }` with what it found under the locks (having
 * written nothing): plan again on that. A plan made under the caller's own locks (`db` its
 * transaction) always holds. The inventory check constraint is the last line of defence.
 */
export async function applyRoutingAtomically(db: Executor, plannedIds: readonly string[], effects: RoutingEffects): Promise<{ ok: true } | { ok: false; conflict: RoutingConflict }> {
  if (plannedIds.length === 0) return { ok: true };
  const reserve = reserveRows(effects.reserve);
  const held = heldOrders(effects);
  const fresh = new Set(effects.newShipments.map((s) => s.id));
  const shipmentsOf = effects.routed.flatMap((o) => o.shipments.map((s) => ({ orderId: o.orderId, ...s })));
  const joined = [...new Set(shipmentsOf.map((s) => s.shipmentId).filter((id) => !fresh.has(id)))];
  const lines = shipmentsOf.flatMap((s) => s.lines.map((l) => ({ orderId: s.orderId, lineId: l.lineId, sku: l.sku, warehouse: s.warehouse, qty: l.qty, shipmentId: s.shipmentId })));
  const records = effects.records ?? [];
  const result = await sql<{ ok: boolean; priced: string[]; stock: { sku: string; warehouse: string; available: number }[] | null; open: string[] }>`
    with locked_orders as (
      select o.id from orders o where o.id = any(${[...plannedIds]}::text[]) and o.status = 'priced' order by o.id for update
    ), wanted as (
      select * from unnest(${reserve.map((r) => r.sku)}::text[], ${reserve.map((r) => r.warehouse)}::text[], ${reserve.map((r) => r.qty)}::int[]) as w(sku, warehouse, qty)
    ), locked_stock as (
      select i.sku, i.warehouse, i.on_hand - i.reserved as available
        from inventory i join wanted w on w.sku = i.sku and w.warehouse = i.warehouse
       order by i.sku, i.warehouse for update of i
    ), locked_shipments as (
      select s.id from shipments s where s.id = any(${joined}::text[]) and s.waybill_no is null and s.pick_task_id is null order by s.id for update
    ), ok as (
      select (select count(*) from locked_orders) = ${plannedIds.length}
         and (select count(*) from locked_stock l join wanted w on w.sku = l.sku and w.warehouse = l.warehouse where l.available >= w.qty) = ${reserve.length}
         and (select count(*) from locked_shipments) = ${joined.length} as ok
    ), held as (
      insert into reservations (order_id, line_id, sku, warehouse, qty, shipment_id)
      select * from unnest(${lines.map((l) => l.orderId)}::text[], ${lines.map((l) => l.lineId)}::text[], ${lines.map((l) => l.sku)}::text[], ${lines.map((l) => l.warehouse)}::text[], ${lines.map((l) => l.qty)}::int[], ${lines.map((l) => l.shipmentId)}::text[])
       where (select ok from ok)
    ), opened as (
      insert into shipments (id, order_id, warehouse, merge_key)
      select * from unnest(${effects.newShipments.map((s) => s.id)}::text[], ${effects.newShipments.map((s) => s.orderId)}::text[], ${effects.newShipments.map((s) => s.warehouse)}::text[], ${effects.newShipments.map((s) => s.mergeKey)}::text[])
       where (select ok from ok)
    ), shipped as (
      insert into shipment_orders (shipment_id, order_id)
      select * from unnest(${shipmentsOf.map((s) => s.shipmentId)}::text[], ${shipmentsOf.map((s) => s.orderId)}::text[])
       where (select ok from ok)
    ), routed as (
      update orders o set status = 'routed', warehouse = v.warehouse, modified_at = now()
        from unnest(${effects.routed.map((o) => o.orderId)}::text[], ${effects.routed.map((o) => o.warehouse)}::text[]) as v(id, warehouse)
       where (select ok from ok) and o.id = v.id
    ), on_hold as (
      update orders o set status = 'exception', exception_type = v.type, exception_detail = v.detail, modified_at = now()
        from unnest(${held.map((o) => o.orderId)}::text[], ${held.map((o) => o.type)}::text[], ${held.map((o) => o.detail)}::text[]) as v(id, type, detail)
       where (select ok from ok) and o.id = v.id
    ), decided as (
      insert into order_routing (order_id, rule_version, outcome, reason)
      select * from unnest(${records.map((r) => r.orderId)}::text[], ${records.map((r) => r.ruleVersion)}::int[], ${records.map((r) => r.outcome)}::text[], ${records.map((r) => JSON.stringify(r.reason))}::jsonb[])
       where (select ok from ok)
      on conflict (order_id) do update set rule_version = excluded.rule_version, outcome = excluded.outcome, reason = excluded.reason, routed_at = now()
    ), events as (
      insert into order_events (order_id, key, type, detail)
      select * from unnest(
        ${[...effects.routed.map((o) => o.orderId), ...held.map((o) => o.orderId)]}::text[],
        ${[...effects.routed.map(() => 'routed'), ...held.map(() => 'exception')]}::text[],
        ${[...effects.routed.map(() => 'routed'), ...held.map(() => 'exception')]}::text[],
        ${[
          ...effects.routed.map((o) => JSON.stringify({ warehouse: o.warehouse, shipments: o.shipments.map((s) => s.shipmentId) })),
          ...held.map((o) => JSON.stringify({ type: o.type, detail: o.detail })),
        ]}::jsonb[])
       where (select ok from ok)
      on conflict (order_id, key) do nothing
    )
    select (select ok from ok) as ok,
           case when (select ok from ok) then '{}'::text[] else array(select id from locked_orders) end as priced,
           case when (select ok from ok) then null else (select json_agg(json_build_object('sku', sku, 'warehouse', warehouse, 'available', available)) from locked_stock) end as stock,
           case when (select ok from ok) then '{}'::text[] else array(select id from locked_shipments) end as open`.execute(db);
  const row = result.rows[0];
  if (row?.ok === true) return { ok: true };
  return {
    ok: false,
    conflict: {
      stillPriced: new Set(row?.priced ?? []),
      stock: new Map((row?.stock ?? []).map((s) => [`${s.sku}|${s.warehouse}`, s.available])),
      stillOpen: new Set(row?.open ?? []),
    },
  };
}
