import { sql } from 'kysely';
import type { Address } from '../../streams/canonical-order.ts';
import type { Db } from '../database.ts';
import { flagExceptions, moveOrders } from './orders.ts';

/** A shipment of a routed order, with where it goes. */
export interface ShipmentToNumber {
  shipmentId: string;
  orderId: string;
  warehouse: string;
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
    .select(['shipments.id', 'shipment_orders.order_id', 'shipments.warehouse', 'shipments.waybill_no', 'orders.address'])
    .where('shipment_orders.order_id', 'in', ids)
    .execute();
  return rows.map((r) => ({ shipmentId: r.id, orderId: r.order_id, warehouse: r.warehouse, waybillNo: r.waybill_no, address: r.address }));
}

/** A waybill number the carrier issued for a shipment of an order. */
export interface IssuedWaybill {
  orderId: string;
  shipmentId: string;
  waybillNo: string;
  carrier: string;
}

export interface WaybillsRecorded {
  /** Orders of `moving` still routed under the lock: numbered and waybilled now. */
  waybilled: Set<string>;
  /** Orders of `moving` no longer routed (cancelled while the carrier answered, or moved on). */
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
    const routed = moving.length === 0 ? [] : await trx.selectFrom('orders').select(['id', 'address']).where('id', 'in', moving).where('status', '=', 'routed').orderBy('id').forUpdate().execute();
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
    const waybilled = await moveOrders(trx, [...stillRouted].map((orderId) => ({ orderId })), 'routed', 'waybilled', { key: 'waybilled', type: 'waybilled' });
    const flagged = await flagExceptions(trx, [...rejected].map(([orderId, detail]) => ({ orderId, type: 'waybill_rejected', detail })), 'routed');
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
