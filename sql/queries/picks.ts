import { sql, type Transaction } from 'kysely';
import { stageDefinition } from '../../streams/pipeline.ts';
import type { Database, Db } from '../database.ts';
import { flagExceptions, moveOrders, recordEvents } from './orders.ts';

/** A shipment of an order the pick stage moves, with what the warehouse is to pick for it. */
export interface ShipmentToPick {
  shipmentId: string;
  orderId: string;
  warehouse: string;
  pickTaskId: string | null;
  /** Every order the shipment carries (more than one when merged). */
  members: string[];
  /** Units held for the shipment, per SKU: the pick list. */
  lines: { sku: string; qty: number }[];
}

/** The shipments of the given orders, each with its pick list (a merged shipment once per order it carries). */
export async function shipmentsToPick(db: Db, ids: readonly string[]): Promise<ShipmentToPick[]> {
  if (ids.length === 0) return [];
  const { rows } = await sql<{ shipment_id: string; order_id: string; warehouse: string; pick_task_id: string | null; members: string[]; lines: { sku: string; qty: number }[] }>`
    select s.id as shipment_id, so.order_id, s.warehouse, s.pick_task_id,
           array(select m.order_id from shipment_orders m where m.shipment_id = s.id order by m.order_id) as members,
           coalesce((select json_agg(json_build_object('sku', x.sku, 'qty', x.qty) order by x.sku)
                       from (select r.sku, sum(r.qty)::int as qty from reservations r
                              where r.shipment_id = s.id and r.status = 'held' group by r.sku) x), '[]'::json) as lines
      from shipment_orders so join shipments s on s.id = so.shipment_id
     where so.order_id = any(${[...ids]}::text[])
     order by so.order_id, s.id`.execute(db);
  return rows.map((r) => ({ shipmentId: r.shipment_id, orderId: r.order_id, warehouse: r.warehouse, pickTaskId: r.pick_task_id, members: r.members, lines: r.lines }));
}

/** A pick task the WMS opened for a shipment of an order. */
export interface OpenedPick {
  orderId: string;
  shipmentId: string;
  taskId: string;
}

export interface PicksRecorded {
  /** Orders of `moving` still routed under the lock: their shipments have pick tasks and they moved on. */
  picking: Set<string>;
  /** Orders of `moving` no longer routed (cancelled while the WMS answered, or moved on). */
  gone: string[];
  /** Orders the WMS refused, now exceptions. */
  flagged: Set<string>;
  /** Shipments whose task was opened for orders all cancelled meanwhile: marked for the pick sweep to cancel. */
  toCancel: string[];
}

/**
 * Writes what the WMS answered, in one transaction. The orders are locked first (in id order,
 * as everywhere), so an order cancelled while its pick call was out is not moved on; a task
 * opened for a shipment no live order uses any more is recorded as `cancel_requested`, for the
 * pick sweep to cancel at the WMS. Orders still routed get their tasks and move to `picking`;
 * refusals become `pick_rejected` exceptions.
 */
export async function recordPicks(db: Db, moving: readonly string[], opened: readonly OpenedPick[], rejected: ReadonlyMap<string, string>): Promise<PicksRecorded> {
  const { from, to } = stageDefinition('pick');
  return db.transaction().execute(async (trx) => {
    const locked = moving.length === 0 ? [] : await trx.selectFrom('orders').select('id').where('id', 'in', moving).where('status', '=', from!).orderBy('id').forUpdate().execute();
    const stillRouted = new Set(locked.map((r) => r.id));
    const keep = opened.filter((o) => stillRouted.has(o.orderId));
    if (keep.length > 0) {
      await sql`
        update shipments s set pick_task_id = v.task_id, pick_status = 'open', picked_at = now()
          from unnest(${keep.map((o) => o.shipmentId)}::text[], ${keep.map((o) => o.taskId)}::text[]) as v(id, task_id)
         where s.id = v.id and s.pick_task_id is null`.execute(trx);
    }
    const tasksOf = new Map<string, string[]>();
    for (const o of keep) tasksOf.set(o.orderId, [...(tasksOf.get(o.orderId) ?? []), o.taskId]);
    const picking = await moveOrders(trx, [...stillRouted].map((orderId) => ({ orderId, detail: { pickTasks: tasksOf.get(orderId) ?? [] } })), from!, to!, { key: 'picking', type: 'picking' });
    const flagged = await flagExceptions(trx, [...rejected].map(([orderId, detail]) => ({ orderId, type: 'pick_rejected', detail })), from!);
    const kept = new Set(keep.map((o) => o.shipmentId));
    const orphans = opened.filter((o) => !stillRouted.has(o.orderId) && !kept.has(o.shipmentId));
    let toCancel: string[] = [];
    if (orphans.length > 0) {
      // Only a shipment no live order uses: another copy of the order, or a merged order, may still ship in it.
      const { rows } = await sql<{ id: string }>`
        update shipments s set pick_task_id = v.task_id, pick_status = 'cancel_requested', picked_at = now()
          from unnest(${orphans.map((o) => o.shipmentId)}::text[], ${orphans.map((o) => o.taskId)}::text[]) as v(id, task_id)
         where s.id = v.id and s.pick_task_id is null
           and not exists (select 1 from shipment_orders so join orders o on o.id = so.order_id where so.shipment_id = s.id and o.status <> 'cancelled')
        returning s.id`.execute(trx);
      toCancel = rows.map((r) => r.id);
    }
    return { picking, gone: moving.filter((m) => !stillRouted.has(m)), flagged, toCancel };
  });
}

/**
 * Asks for the cancel of the pick tasks of an order being cancelled before its parcel left: each
 * of its shipments with an open task that no other live order shares is marked
 * `cancel_requested`, for the pick sweep to cancel at the WMS. Call it before the order's
 * reservations are released (which takes it out of shipments without a waybill). Returns
 * whether a live order shares a picked parcel of it: that parcel is picked anyway, and only an
 * operator can take the order's items out.
 */
export async function requestPickCancel(trx: Transaction<Database>, orderId: string): Promise<{ sharedParcel: boolean }> {
  const { rows } = await sql<{ shipment_id: string; shared: boolean }>`
    select s.id as shipment_id,
           exists (select 1 from shipment_orders other join orders o on o.id = other.order_id
                    where other.shipment_id = s.id and other.order_id <> ${orderId} and o.status <> 'cancelled') as shared
      from shipment_orders so join shipments s on s.id = so.shipment_id
     where so.order_id = ${orderId} and s.pick_status = 'open'`.execute(trx);
  const own = rows.filter((r) => !r.shared).map((r) => r.shipment_id);
  if (own.length > 0) await trx.updateTable('shipments').set({ pick_status: 'cancel_requested' }).where('id', 'in', own).where('pick_status', '=', 'open').execute();
  return { sharedParcel: rows.some((r) => r.shared) };
}

/** A pick task waiting to be cancelled at the WMS. */
export interface PickCancelRequest {
  shipmentId: string;
  taskId: string;
}

/** Up to `limit` shipments whose pick task is to be cancelled, oldest first. */
export async function requestedPickCancels(db: Db, limit: number): Promise<PickCancelRequest[]> {
  const rows = await db.selectFrom('shipments').select(['id', 'pick_task_id']).where('pick_status', '=', 'cancel_requested').orderBy('id').limit(limit).execute();
  return rows.map((r) => ({ shipmentId: r.id, taskId: r.pick_task_id ?? '' }));
}

/**
 * What the WMS said to a cancel: `cancelled` records it on each order the shipment was picked
 * for; `refused` (the parcel had left) makes each of those still cancelled a `cancel_after_pick`
 * exception for an operator. Orders are locked before the shipment, as everywhere.
 */
export async function recordPickCancel(db: Db, request: PickCancelRequest, outcome: { kind: 'cancelled' } | { kind: 'refused'; reason: string }): Promise<void> {
  await db.transaction().execute(async (trx) => {
    // A cancelled order has left shipment_orders; its reservation rows still name the shipment.
    const orders = await trx
      .selectFrom('orders')
      .select(['id'])
      .where('id', 'in', (eb) => eb.selectFrom('reservations').select('order_id').where('shipment_id', '=', request.shipmentId))
      .orderBy('id')
      .forUpdate()
      .execute();
    const updated = await trx
      .updateTable('shipments')
      .set({ pick_status: outcome.kind })
      .where('id', '=', request.shipmentId)
      .where('pick_status', '=', 'cancel_requested')
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) === 0) return;
    const ids = orders.map((o) => o.id);
    if (ids.length === 0) return;
    if (outcome.kind === 'cancelled') {
      await recordEvents(trx, ids.map((orderId) => ({ orderId, key: `pick_cancelled:${request.taskId}`, type: 'pick_cancelled', detail: { pickTask: request.taskId } })));
      return;
    }
    const detail = `cancelled after the pick and the WMS would not cancel ${request.taskId} (${outcome.reason}): take the parcel back by hand`;
    await trx.updateTable('orders').set({ status: 'exception', exception_type: 'cancel_after_pick', exception_detail: detail, modified_at: sql`now()` }).where('id', 'in', ids).where('status', '=', 'cancelled').execute();
    await recordEvents(trx, ids.map((orderId) => ({ orderId, key: `exception:pick:${request.taskId}`, type: 'exception', detail: { type: 'cancel_after_pick', detail } })));
  });
}

/** A parcel the WMS reports as having left the warehouse. */
export interface ShippedConfirmation {
  seq: number;
  taskId: string;
  shipmentId: string;
}

/**
 * Records parcels the WMS confirmed shipped, and how far its feed has been read, in one
 * transaction. Each shipment's held reservations turn `shipped` (their trigger takes the units
 * off on hand and out of reserved, migration 0012): exactly once, since only `held` rows change
 * and only a shipment not yet shipped is marked. Locks in the one global order: orders by id,
 * then stock rows by (sku, warehouse), then the shipments. Returns the shipments newly shipped.
 */
export async function confirmShipped(db: Db, wms: string, confirmations: readonly ShippedConfirmation[]): Promise<string[]> {
  if (confirmations.length === 0) return [];
  const shipmentIds = [...new Set(confirmations.map((c) => c.shipmentId))].sort();
  const lastSeq = Math.max(...confirmations.map((c) => c.seq));
  return db.transaction().execute(async (trx) => {
    const members = await trx.selectFrom('shipment_orders').select(['shipment_id', 'order_id']).where('shipment_id', 'in', shipmentIds).execute();
    const orderIds = [...new Set(members.map((m) => m.order_id))].sort();
    if (orderIds.length > 0) await trx.selectFrom('orders').select('id').where('id', 'in', orderIds).orderBy('id').forUpdate().execute();
    await sql`
      select 1 from inventory i
       where (i.sku, i.warehouse) in (select r.sku, r.warehouse from reservations r where r.shipment_id = any(${shipmentIds}::text[]) and r.status = 'held')
       order by i.sku, i.warehouse for update`.execute(trx);
    const { rows } = await sql<{ id: string }>`
      update shipments s set pick_status = 'shipped', shipped_at = now()
       where s.id = any(${shipmentIds}::text[]) and s.pick_status is distinct from 'shipped' and s.pick_status is distinct from 'cancelled'
      returning s.id`.execute(trx);
    const shipped = rows.map((r) => r.id).sort();
    if (shipped.length > 0) {
      await trx.updateTable('reservations').set({ status: 'shipped' }).where('shipment_id', 'in', shipped).where('status', '=', 'held').execute();
      const newly = new Set(shipped);
      const taskOf = new Map(confirmations.map((c) => [c.shipmentId, c.taskId]));
      await recordEvents(trx, members.filter((m) => newly.has(m.shipment_id)).map((m) => ({ orderId: m.order_id, key: `shipped:${m.shipment_id}`, type: 'shipped', detail: { shipment: m.shipment_id, pickTask: taskOf.get(m.shipment_id) } })));
    }
    await sql`
      insert into wms_feed_cursors (wms, seq) values (${wms}, ${lastSeq})
      on conflict (wms) do update set seq = greatest(wms_feed_cursors.seq, excluded.seq), updated_at = now()`.execute(trx);
    return shipped;
  });
}

/** How far the confirm-shipped feed of `wms` has been read (0: from its start). */
export async function wmsFeedCursor(db: Db, wms: string): Promise<number> {
  const row = await db.selectFrom('wms_feed_cursors').select('seq').where('wms', '=', wms).executeTakeFirst();
  return row?.seq ?? 0;
}
