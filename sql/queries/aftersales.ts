import { sql, type Transaction } from 'kysely';
import type { Condition, TicketState, TicketType, TicketUnits } from '../../workers/aftersales/ticket-machine.ts';
import type { OriginalOrder, ReplacementOrder } from '../../workers/aftersales/replacement-order.ts';
import type { Database, Db, OrderStatus } from '../database.ts';
import { recordEvents } from './orders.ts';

type Trx = Transaction<Database>;
type Executor = Db | Trx;

/** Tickets whose units count as refunded (or being refunded): money tickets not rejected. */
const REFUNDING = (ticketTable: string) => sql<boolean>`${sql.ref(`${ticketTable}.type`)} in ('refund_only', 'return_refund') and ${sql.ref(`${ticketTable}.state`)} <> 'rejected'`;

/** An order as a new ticket sees it, with the order row locked until the transaction ends. */
export interface TicketOrder {
  id: string;
  channel: string;
  /** The shop account the order came from. */
  shop: string;
  status: OrderStatus;
  paidAt: Date | null;
  paidFen: number;
  /** What earlier tickets refund (refunded or on their way), `exceptTicket` left out. */
  refundedFen: number;
  shippingFen: number;
  /** Of `refundedFen`, the shipping fee earlier tickets refund. */
  shippingRefundedFen: number;
  hasWaybill: boolean;
  lines: { lineId: string; sku: string; qty: number; payableFen: number | null; refundedQty: number }[];
}

/**
 * Locks an order and reads what refunds need of it: its lines with their apportioned payables,
 * and the units and fen earlier tickets already refund. Locking the order serialises the tickets
 * of one order, so two cannot refund the same unit.
 */
export async function lockTicketOrder(trx: Trx, orderId: string, exceptTicket?: number): Promise<TicketOrder | undefined> {
  const order = await trx
    .selectFrom('orders')
    .select(['id', 'channel', 'shop', 'status', 'paid_at', 'paid_fen', 'shipping_fen'])
    .select((eb) =>
      eb
        .exists(
          eb
            .selectFrom('shipment_orders')
            .innerJoin('shipments', 'shipments.id', 'shipment_orders.shipment_id')
            .whereRef('shipment_orders.order_id', '=', 'orders.id')
            .where('shipments.waybill_no', 'is not', null)
            .select(sql`1`.as('one')),
        )
        .as('has_waybill'),
    )
    .where('id', '=', orderId)
    .forUpdate()
    .executeTakeFirst();
  if (!order) return undefined;
  const except = exceptTicket ?? -1;
  const [lines, refunded] = await Promise.all([
    trx
      .selectFrom('order_lines as l')
      .select(['l.line_id', 'l.sku', 'l.qty', 'l.payable_fen'])
      .select(
        sql<number>`coalesce((select sum(tl.qty) from aftersales_ticket_lines tl join aftersales_tickets t on t.id = tl.ticket_id
                     where t.order_id = l.order_id and tl.line_id = l.line_id and t.id <> ${except} and ${REFUNDING('t')}), 0)::int`.as('refunded_qty'),
      )
      .where('l.order_id', '=', orderId)
      .orderBy('l.line_id')
      .execute(),
    trx
      .selectFrom('aftersales_tickets as t')
      .select(sql<number>`coalesce(sum(t.refund_fen), 0)::bigint`.as('fen'))
      .select(sql<number>`coalesce(sum(t.shipping_refund_fen), 0)::bigint`.as('shipping'))
      .where('t.order_id', '=', orderId)
      .where('t.id', '<>', except)
      .where(REFUNDING('t'))
      .executeTakeFirstOrThrow(),
  ]);
  return {
    id: order.id,
    channel: order.channel,
    shop: order.shop,
    status: order.status,
    paidAt: order.paid_at,
    paidFen: order.paid_fen,
    refundedFen: refunded.fen,
    shippingFen: order.shipping_fen,
    shippingRefundedFen: refunded.shipping,
    hasWaybill: Boolean(order.has_waybill),
    lines: lines.map((l) => ({ lineId: l.line_id, sku: l.sku, qty: l.qty, payableFen: l.payable_fen, refundedQty: l.refunded_qty })),
  };
}

export interface NewTicket {
  shop: string;
  platformTicketId: string;
  orderId: string;
  type: TicketType;
  reason: string;
  complaint: boolean;
  createdBy: string;
  /** The whole refund: the lines' and the shipping fee's. */
  refundFen: number;
  /** Of `refundFen`, the shipping fee (0 when not refunded). */
  shippingRefundFen: number;
  lines: { lineId: string; sku: string; qty: number; refundFen: number }[];
}

/** Inserts a ticket, its lines and its `created` event; undefined when (shop, platform ticket id) is taken. */
export async function insertTicket(trx: Trx, t: NewTicket): Promise<number | undefined> {
  const row = await trx
    .insertInto('aftersales_tickets')
    .values({ shop: t.shop, platform_ticket_id: t.platformTicketId, order_id: t.orderId, type: t.type, state: 'requested', reason: t.reason, complaint: t.complaint, refund_fen: t.refundFen, shipping_refund_fen: t.shippingRefundFen, created_by: t.createdBy, return_carrier: null, return_waybill: null, received_warehouse: null, condition: null, exchange_warehouse: null, exchange_carrier: null, exchange_waybill: null })
    .onConflict((oc) => oc.columns(['shop', 'platform_ticket_id']).doNothing())
    .returning('id')
    .executeTakeFirst();
  if (!row) return undefined;
  await trx.insertInto('aftersales_ticket_lines').values(t.lines.map((l) => ({ ticket_id: row.id, line_id: l.lineId, sku: l.sku, qty: l.qty, refund_fen: l.refundFen }))).execute();
  await insertTicketEvent(trx, { ticketId: row.id, type: 'created', from: null, to: 'requested', actor: t.createdBy, detail: { type: t.type, refundFen: t.refundFen, ...(t.shippingRefundFen > 0 ? { shippingRefundFen: t.shippingRefundFen } : {}), lines: t.lines } });
  return row.id;
}

/** The ticket created under (shop, platform ticket id), if any. */
export async function findTicketId(db: Executor, shop: string, platformTicketId: string): Promise<number | undefined> {
  const row = await db.selectFrom('aftersales_tickets').select('id').where('shop', '=', shop).where('platform_ticket_id', '=', platformTicketId).executeTakeFirst();
  return row?.id;
}

export async function insertTicketEvent(trx: Trx, e: { ticketId: number; type: string; from: TicketState | null; to: TicketState; actor: string; detail: Record<string, unknown> }): Promise<void> {
  await trx.insertInto('aftersales_events').values({ ticket_id: e.ticketId, type: e.type, from_state: e.from, to_state: e.to, actor: e.actor, detail: JSON.stringify(e.detail) }).execute();
}

/** A ticket with its lines, its row locked until the transaction ends. */
export async function lockTicket(trx: Trx, id: number) {
  const ticket = await trx.selectFrom('aftersales_tickets').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
  if (!ticket) return undefined;
  const lines = await trx.selectFrom('aftersales_ticket_lines').selectAll().where('ticket_id', '=', id).orderBy('line_id').execute();
  return { ...ticket, lines };
}

/** What a move writes on the ticket besides its state. */
export interface TicketChanges {
  return_carrier?: string;
  return_waybill?: string;
  received_warehouse?: string;
  condition?: Condition;
  exchange_warehouse?: string;
  exchange_carrier?: string;
  exchange_waybill?: string;
}

export async function setTicketState(trx: Trx, id: number, to: TicketState, changes: TicketChanges): Promise<void> {
  await trx.updateTable('aftersales_tickets').set({ state: to, updated_at: sql`now()`, ...changes }).where('id', '=', id).execute();
}

export async function warehouseExists(db: Executor, code: string): Promise<boolean> {
  return (await db.selectFrom('warehouses').select('code').where('code', '=', code).executeTakeFirst()) !== undefined;
}

/** Units by SKU, sorted: stock rows are locked in (sku, warehouse) order, as routing locks them. */
function bySku(units: readonly TicketUnits[]): TicketUnits[] {
  const sums = new Map<string, number>();
  for (const u of units) sums.set(u.sku, (sums.get(u.sku) ?? 0) + u.qty);
  return [...sums].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([sku, qty]) => ({ sku, qty }));
}

/** Returned sellable units back on hand in `warehouse` (a stock row made when the SKU had none there). */
export async function restock(trx: Trx, warehouse: string, units: readonly TicketUnits[]): Promise<void> {
  for (const u of bySku(units)) {
    await trx
      .insertInto('inventory')
      .values({ sku: u.sku, warehouse, on_hand: u.qty })
      .onConflict((oc) => oc.columns(['sku', 'warehouse']).doUpdateSet({ on_hand: sql`inventory.on_hand + excluded.on_hand`, updated_at: sql`now()` }))
      .execute();
  }
}

/** Returned units unfit for sale, counted per SKU in `warehouse`. */
export async function countDamaged(trx: Trx, warehouse: string, units: readonly TicketUnits[]): Promise<void> {
  for (const u of bySku(units)) {
    await trx
      .insertInto('damaged_stock')
      .values({ sku: u.sku, warehouse, qty: u.qty })
      .onConflict((oc) => oc.columns(['sku', 'warehouse']).doUpdateSet({ qty: sql`damaged_stock.qty + excluded.qty`, updated_at: sql`now()` }))
      .execute();
  }
}

/** What an exchange's replacement copies of the order it replaces (`planReplacement`'s input). */
export async function readOriginalOrder(trx: Trx, orderId: string): Promise<OriginalOrder | undefined> {
  const order = await trx.selectFrom('orders').select(['id', 'channel', 'external_id', 'shop', 'buyer', 'address']).where('id', '=', orderId).executeTakeFirst();
  if (!order) return undefined;
  const lines = await trx.selectFrom('order_lines').select(['line_id', 'sku', 'platform_sku_id', 'title', 'unit_price_fen']).where('order_id', '=', orderId).orderBy('line_id').execute();
  return {
    id: order.id,
    channel: order.channel,
    externalId: order.external_id,
    shop: order.shop,
    buyer: order.buyer,
    address: order.address,
    lines: lines.map((l) => ({ lineId: l.line_id, sku: l.sku, platformSkuId: l.platform_sku_id, title: l.title, unitPriceFen: l.unit_price_fen })),
  };
}

/**
 * Inserts an exchange's replacement order straight into `priced` (nothing to price: it is paid by
 * the order it replaces), its lines with nothing payable, its event, and links it to the ticket.
 * Idempotent: the order's id is derived from the ticket, so a second insert finds the first and
 * changes nothing. Returns whether the order was new.
 */
export async function insertReplacementOrder(trx: Trx, ticketId: number, r: ReplacementOrder): Promise<boolean> {
  const now = new Date();
  const row = await trx
    .insertInto('orders')
    .values({
      id: r.id,
      channel: r.channel,
      shop: r.shop,
      external_id: r.externalId,
      status: 'priced',
      channel_status: 'paid',
      refund_status: 'none',
      version: 1,
      placed_at: now,
      paid_at: now,
      channel_updated_at: now,
      buyer: r.buyer,
      address: JSON.stringify(r.address),
      payment_method: 'online',
      goods_fen: r.goodsFen,
      discount_fen: r.goodsFen,
      shipping_fen: 0,
      paid_fen: 0,
      coupons: '[]',
      buyer_message: '',
      seller_memo: r.memo,
      raw: JSON.stringify({ exchange: { ticket: ticketId } }),
    })
    .onConflict((oc) => oc.column('id').doNothing())
    .returning('id')
    .executeTakeFirst();
  if (row) {
    await trx
      .insertInto('order_lines')
      .values(r.lines.map((l) => ({ order_id: r.id, line_id: l.lineId, sku: l.sku, platform_sku_id: l.platformSkuId, title: l.title, qty: l.qty, unit_price_fen: l.unitPriceFen, payable_fen: 0, refund_status: 'none', gift: false })))
      .execute();
  }
  await recordEvents(trx, [{ orderId: r.id, key: 'exchange_replacement', type: 'exchange_replacement', detail: { ticket: ticketId, memo: r.memo } }]);
  await trx.updateTable('aftersales_tickets').set({ exchange_order_id: r.id }).where('id', '=', ticketId).execute();
  return row !== undefined;
}

/** The exchange ticket `orderId` is the replacement of, and the order it replaces; undefined for any other order. */
export async function replacedByTicket(db: Executor, orderId: string): Promise<{ ticket: number; orderId: string } | undefined> {
  const row = await db.selectFrom('aftersales_tickets').select(['id', 'order_id']).where('exchange_order_id', '=', orderId).executeTakeFirst();
  return row ? { ticket: row.id, orderId: row.order_id } : undefined;
}

/** The replacement order of a ticket, with its status and channel (the subject it travels on). */
export async function replacementOrderOf(db: Executor, ticketId: number): Promise<{ ticketState: TicketState; order: { id: string; channel: string; status: OrderStatus } | undefined } | undefined> {
  const row = await db
    .selectFrom('aftersales_tickets as t')
    .leftJoin('orders as o', 'o.id', 't.exchange_order_id')
    .select(['t.state', 'o.id', 'o.channel', 'o.status'])
    .where('t.id', '=', ticketId)
    .executeTakeFirst();
  if (!row) return undefined;
  return { ticketState: row.state, order: row.id === null || row.channel === null || row.status === null ? undefined : { id: row.id, channel: row.channel, status: row.status } };
}

/** A line's units a refund-only ticket takes out of an unshipped order, and what became of them. */
export interface UnitsOut {
  lineId: string;
  sku: string;
  /** Units the ticket refunds. */
  qty: number;
  /** Of those, units whose reservation was released (their parcel not yet at the WMS). */
  released: number;
  /** Of those, units held in a parcel the WMS already picks: they ship as picked. */
  atWms: number;
}

/**
 * Takes a refund-only ticket's units out of an order not yet handed to the carrier: each line's
 * held reservation in a parcel the WMS does not have yet (no pick task, no waybill) is reduced by
 * the ticket's units, or released when none are left, so the pick list and the stock no longer
 * count them. Stock rows are locked in (sku, warehouse) order before the reservations' trigger
 * updates them, as `releaseReservations` does. A line whose units are already at the WMS keeps
 * its reservation (`released` 0 for it): that parcel ships as picked. An order not routed yet has
 * nothing reserved: routing reserves only the units not refunded (`readPricedOrders`).
 */
export async function releaseTicketUnits(trx: Trx, orderId: string, lines: readonly { lineId: string; sku: string; qty: number }[]): Promise<UnitsOut[]> {
  if (lines.length === 0) return [];
  const { rows } = await sql<{ line_id: string; released: number; at_wms: number }>`
    with req as (
      select * from unnest(${lines.map((l) => l.lineId)}::text[], ${lines.map((l) => l.qty)}::int[]) as v(line_id, qty)
    ), target as (
      select r.line_id, r.sku, r.warehouse, least(r.qty, req.qty) as take
        from reservations r
        join req on req.line_id = r.line_id
        join shipments s on s.id = r.shipment_id
       where r.order_id = ${orderId} and r.status = 'held' and s.pick_task_id is null and s.waybill_no is null
    ), locked as (
      select i.sku from inventory i join target t on t.sku = i.sku and t.warehouse = i.warehouse
       order by i.sku, i.warehouse for update of i
    ), changed as (
      update reservations r
         set qty = case when r.qty > t.take then r.qty - t.take else r.qty end,
             status = case when r.qty > t.take then 'held' else 'released' end
        from target t
       where r.order_id = ${orderId} and r.line_id = t.line_id and (select count(*) from locked) >= 0
      returning r.line_id, t.take
    ), picked as (
      select r.line_id, least(r.qty, req.qty) as held
        from reservations r
        join req on req.line_id = r.line_id
        join shipments s on s.id = r.shipment_id
       where r.order_id = ${orderId} and r.status = 'held' and (s.pick_task_id is not null or s.waybill_no is not null)
    )
    select req.line_id, coalesce(c.take, 0)::int as released, coalesce(p.held, 0)::int as at_wms
      from req left join changed c on c.line_id = req.line_id left join picked p on p.line_id = req.line_id`.execute(trx);
  const byLine = new Map(rows.map((r) => [r.line_id, r]));
  return lines.map((l) => ({ lineId: l.lineId, sku: l.sku, qty: l.qty, released: byLine.get(l.lineId)?.released ?? 0, atWms: byLine.get(l.lineId)?.at_wms ?? 0 }));
}

/** Marks a refunded order cancelled (its reservations are released by the caller, in the same transaction). */
export async function markOrderRefunded(trx: Trx, orderId: string): Promise<void> {
  await trx.updateTable('orders').set({ status: 'cancelled', refund_status: 'refunded', modified_at: sql`now()` }).where('id', '=', orderId).execute();
}

/** Holds a refunded order for an operator: its parcel cannot be stopped by itself. */
export async function markOrderException(trx: Trx, orderId: string, exception: { type: string; detail: string }): Promise<void> {
  await trx.updateTable('orders').set({ status: 'exception', refund_status: 'refunded', exception_type: exception.type, exception_detail: exception.detail, modified_at: sql`now()` }).where('id', '=', orderId).execute();
}

/** One ticket with its lines and events, for `aftersales show`. */
export async function loadTicketDetail(db: Db, id: number) {
  const ticket = await db.selectFrom('aftersales_tickets').selectAll().where('id', '=', id).executeTakeFirst();
  if (!ticket) return undefined;
  const [lines, events, replacement] = await Promise.all([
    db.selectFrom('aftersales_ticket_lines').select(['line_id', 'sku', 'qty', 'refund_fen']).where('ticket_id', '=', id).orderBy('line_id').execute(),
    db.selectFrom('aftersales_events').select(['type', 'from_state', 'to_state', 'actor', 'detail', 'at']).where('ticket_id', '=', id).orderBy('id').execute(),
    ticket.exchange_order_id === null ? undefined : replacementProgress(db, ticket.exchange_order_id),
  ]);
  return { ...ticket, lines, events, replacement };
}

/** Where an exchange's replacement order is: its status and its shipments (warehouse, carrier, waybill number once it has one). */
async function replacementProgress(db: Db, orderId: string) {
  const [order, shipments] = await Promise.all([
    db.selectFrom('orders').select(['id', 'status', 'exception_type']).where('id', '=', orderId).executeTakeFirstOrThrow(),
    db
      .selectFrom('shipment_orders')
      .innerJoin('shipments', 'shipments.id', 'shipment_orders.shipment_id')
      .select(['shipments.id', 'shipments.warehouse', 'shipments.carrier', 'shipments.waybill_no'])
      .where('shipment_orders.order_id', '=', orderId)
      .orderBy('shipments.id')
      .execute(),
  ]);
  return { orderId: order.id, status: order.status, exceptionType: order.exception_type, shipments };
}

/** A ticket as an order it concerns sees it: opened on `orderId`, or replacing it by `replacementOrderId`. */
export interface TicketLink {
  ticket: number;
  type: TicketType;
  state: TicketState;
  orderId: string;
  replacementOrderId: string | null;
}

/**
 * The after-sales tickets an order is part of, for `order show`: those opened on it (with the
 * replacement order of an exchange) and the exchange ticket it is the replacement of.
 */
export async function ticketLinksOfOrder(db: Db, orderId: string): Promise<TicketLink[]> {
  const rows = await db
    .selectFrom('aftersales_tickets')
    .select(['id', 'type', 'state', 'order_id', 'exchange_order_id'])
    .where((eb) => eb.or([eb('order_id', '=', orderId), eb('exchange_order_id', '=', orderId)]))
    .orderBy('id')
    .execute();
  return rows.map((r) => ({ ticket: r.id, type: r.type, state: r.state, orderId: r.order_id, replacementOrderId: r.exchange_order_id }));
}

export type TicketDetail = NonNullable<Awaited<ReturnType<typeof loadTicketDetail>>>;

/** Tickets newest first, optionally of one state or order. */
export async function listTickets(db: Db, filter: { state?: TicketState; orderId?: string; limit: number }) {
  let q = db.selectFrom('aftersales_tickets').select(['id', 'shop', 'platform_ticket_id', 'order_id', 'type', 'state', 'refund_fen', 'complaint', 'created_at', 'updated_at']);
  if (filter.state) q = q.where('state', '=', filter.state);
  if (filter.orderId) q = q.where('order_id', '=', filter.orderId);
  return q.orderBy('id', 'desc').limit(filter.limit).execute();
}

/** Damaged units per warehouse of a SKU. */
export async function damagedStock(db: Db, sku: string): Promise<{ warehouse: string; qty: number }[]> {
  return db.selectFrom('damaged_stock').select(['warehouse', 'qty']).where('sku', '=', sku).orderBy('warehouse').execute();
}
