import { sql, type Transaction } from 'kysely';
import type { Address } from '../../streams/canonical-order.ts';
import { stageDefinition } from '../../streams/pipeline.ts';
import type { Database, Db } from '../database.ts';
import { flagExceptions, moveOrders, recordEvents } from './orders.ts';

/** The status an order waits in for its waybill. */
const WAYBILL_FROM = stageDefinition('waybill').from!;

/** A shipment of an order waiting for its waybill, with where it goes. */
export interface ShipmentToNumber {
  shipmentId: string;
  orderId: string;
  warehouse: string;
  /** The warehouse's carriers, in order of preference. */
  carriers: string[];
  waybillNo: string | null;
  address: Address;
}

/** The shipments of the given orders (a merged shipment once per order it carries). */
export async function shipmentsOf(db: Db, ids: readonly string[]): Promise<ShipmentToNumber[]> {
  if (ids.length === 0) return [];
  const rows = await db
    .selectFrom('shipment_orders')
    .innerJoin('shipments', 'shipments.id', 'shipment_orders.shipment_id')
    .innerJoin('orders', 'orders.id', 'shipment_orders.order_id')
    .leftJoin('warehouses', 'warehouses.code', 'shipments.warehouse')
    .select(['shipments.id', 'shipment_orders.order_id', 'shipments.warehouse', 'warehouses.carriers', 'shipments.waybill_no', 'orders.address'])
    .where('shipment_orders.order_id', 'in', ids)
    .execute();
  return rows.map((r) => ({ shipmentId: r.id, orderId: r.order_id, warehouse: r.warehouse, carriers: r.carriers ?? [], waybillNo: r.waybill_no, address: r.address }));
}

/** A waybill number the carrier issued for a shipment of an order. */
export interface IssuedWaybill {
  orderId: string;
  shipmentId: string;
  waybillNo: string;
  carrier: string;
}

export interface WaybillsRecorded {
  /** Orders of `moving` still waiting under the lock: numbered and waybilled now. */
  waybilled: Set<string>;
  /** Orders of `moving` no longer waiting (cancelled while the carrier answered, or moved on). */
  gone: string[];
  /** Orders the carrier refused, now exceptions. */
  flagged: Set<string>;
  /** Orders of `moving` whose address changed while the carrier answered: numbered again for the new address. */
  readdressed: string[];
  /** Numbers won for shipments no live order uses, or for an address no longer theirs: to be voided with the carrier. */
  toVoid: IssuedWaybill[];
}

/**
 * Writes what the carrier answered, in one transaction. The orders are locked first, so an order
 * cancelled while its carrier call was out never gets the number; orders still routed get their
 * numbers and move to waybilled, unless their address changed meanwhile (then the number is
 * voided and asked again for the new address); refusals become `waybill_rejected` exceptions.
 */
export async function recordWaybills(
  db: Db,
  moving: readonly string[],
  issued: readonly IssuedWaybill[],
  rejected: ReadonlyMap<string, string>,
  sentAddress: ReadonlyMap<string, Address>,
): Promise<WaybillsRecorded> {
  return db.transaction().execute(async (trx) => {
    const routed = moving.length === 0 ? [] : await trx.selectFrom('orders').select(['id', 'address']).where('id', 'in', moving).where('status', '=', WAYBILL_FROM).orderBy('id').forUpdate().execute();
    // Both sides were read from the same column: unequal text means the address was rewritten.
    const changed = (r: { id: string; address: Address }): boolean => sentAddress.has(r.id) && JSON.stringify(sentAddress.get(r.id)) !== JSON.stringify(r.address);
    const readdressed = routed.filter(changed).map((r) => r.id);
    const stillRouted = new Set(routed.filter((r) => !changed(r)).map((r) => r.id));
    const keep = issued.filter((i) => stillRouted.has(i.orderId));
    if (keep.length > 0) {
      await sql`
        update shipments s set waybill_no = v.waybill_no, carrier = v.carrier, waybilled_at = now()
        from unnest(${keep.map((i) => i.shipmentId)}::text[], ${keep.map((i) => i.waybillNo)}::text[], ${keep.map((i) => i.carrier)}::text[])
          as v(id, waybill_no, carrier)
        where s.id = v.id and s.waybill_no is null`.execute(trx);
    }
    const waybilled = await moveOrders(trx, [...stillRouted].map((orderId) => ({ orderId })), WAYBILL_FROM, 'waybilled', { key: 'waybilled', type: 'waybilled' });
    const flagged = await flagExceptions(trx, [...rejected].map(([orderId, detail]) => ({ orderId, type: 'waybill_rejected', detail })), WAYBILL_FROM);
    // A number won for a cancelled order is voided only when its shipment is dead: no live
    // order shares it (a merged shipment, or another worker's copy of the order, may still use
    // the same number, which the carrier hands out per shipment).
    const kept = new Set(keep.map((i) => i.shipmentId));
    const stale = new Set(readdressed);
    const candidates = issued.filter((i) => !stillRouted.has(i.orderId) && !stale.has(i.orderId) && !kept.has(i.shipmentId));
    let toVoid: IssuedWaybill[] = [];
    if (candidates.length > 0) {
      const live = await trx
        .selectFrom('shipment_orders')
        .innerJoin('orders', 'orders.id', 'shipment_orders.order_id')
        .innerJoin('shipments', 'shipments.id', 'shipment_orders.shipment_id')
        .select('shipment_orders.shipment_id')
        .where('shipment_orders.shipment_id', 'in', candidates.map((c) => c.shipmentId))
        .where((eb) => eb.or([eb('orders.status', '!=', 'cancelled'), eb('shipments.waybill_no', 'is not', null)]))
        .execute();
      const inUse = new Set(live.map((l) => l.shipment_id));
      toVoid = candidates.filter((c) => !inUse.has(c.shipmentId));
    }
    // A number asked for an address the order no longer has is voided: its next one is for the new address.
    toVoid.push(...issued.filter((i) => stale.has(i.orderId) && !kept.has(i.shipmentId)));
    return { waybilled, gone: moving.filter((m) => !stillRouted.has(m) && !stale.has(m)), readdressed, flagged, toVoid };
  });
}

/**
 * Asks for the interception of the parcels of an order cancelled after its waybill: each of its
 * numbered shipments that no other live order shares is marked `requested`, for the
 * interception sweep to have the carrier void it. Returns whether a live order shares a parcel
 * of it: such a parcel still ships, and only an operator can take the order's items out.
 */
export async function requestInterception(trx: Transaction<Database>, orderId: string): Promise<{ sharedParcel: boolean }> {
  const { rows } = await sql<{ shipment_id: string; shared: boolean }>`
    select s.id as shipment_id,
           exists (select 1 from shipment_orders other join orders o on o.id = other.order_id
                    where other.shipment_id = s.id and other.order_id <> ${orderId} and o.status <> 'cancelled') as shared
      from shipment_orders so join shipments s on s.id = so.shipment_id
     where so.order_id = ${orderId} and s.waybill_no is not null`.execute(trx);
  const own = rows.filter((r) => !r.shared).map((r) => r.shipment_id);
  if (own.length > 0) await trx.updateTable('shipments').set({ interception: 'requested' }).where('id', 'in', own).where('interception', 'is', null).execute();
  return { sharedParcel: rows.some((r) => r.shared) };
}

/** A parcel waiting for the carrier to void its waybill. */
export interface InterceptionRequest {
  shipmentId: string;
  waybillNo: string;
  /** The carrier that issued the number: its API voids it. */
  carrier: string | null;
}

/** Up to `limit` parcels whose interception was requested, oldest first. */
export async function requestedInterceptions(db: Db, limit: number): Promise<InterceptionRequest[]> {
  const rows = await db.selectFrom('shipments').select(['id', 'waybill_no', 'carrier']).where('interception', '=', 'requested').orderBy('id').limit(limit).execute();
  return rows.map((r) => ({ shipmentId: r.id, waybillNo: r.waybill_no ?? '', carrier: r.carrier }));
}

/**
 * What the carrier said to a void: `voided` records the interception on each order of the parcel;
 * `refused` (the courier has it) makes each of its cancelled orders a `cancel_after_waybill`
 * exception for an operator. Orders are locked before the shipment, as everywhere.
 */
export async function recordInterception(db: Db, request: InterceptionRequest, outcome: { kind: 'voided' } | { kind: 'refused'; reason: string }): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const orders = await trx
      .selectFrom('orders')
      .innerJoin('shipment_orders', 'shipment_orders.order_id', 'orders.id')
      .select(['orders.id', 'orders.status'])
      .where('shipment_orders.shipment_id', '=', request.shipmentId)
      .orderBy('orders.id')
      .forUpdate()
      .execute();
    const updated = await trx
      .updateTable('shipments')
      .set({ interception: outcome.kind, intercepted_at: sql`now()` })
      .where('id', '=', request.shipmentId)
      .where('interception', '=', 'requested')
      .executeTakeFirst();
    // Another process recorded it first.
    if (Number(updated.numUpdatedRows) === 0) return;
    const ids = orders.map((o) => o.id);
    if (outcome.kind === 'voided') {
      await recordEvents(trx, ids.map((orderId) => ({ orderId, key: `intercepted:${request.waybillNo}`, type: 'intercepted', detail: { waybillNo: request.waybillNo } })));
      return;
    }
    const detail = `cancelled after the waybill and the carrier would not void ${request.waybillNo} (${outcome.reason}): intercept the parcel by hand`;
    await trx.updateTable('orders').set({ status: 'exception', exception_type: 'cancel_after_waybill', exception_detail: detail, modified_at: sql`now()` }).where('id', 'in', ids).where('status', '=', 'cancelled').execute();
    await recordEvents(trx, ids.map((orderId) => ({ orderId, key: `exception:intercept:${request.waybillNo}`, type: 'exception', detail: { type: 'cancel_after_waybill', detail } })));
  });
}
