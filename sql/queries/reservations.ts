import { sql, type Transaction } from 'kysely';
import type { Database } from '../database.ts';

/**
 * Gives back the stock held for `orderIds` (a cancel, a full refund), asks for the cancel of
 * their parcels' open pick tasks, and takes the orders out of shipments without a waybill, so a
 * merged parcel does not carry a cancelled order's goods.
 * Exactly once: only rows still `held` turn `released`, and their trigger (migration 0012) moves
 * `inventory.reserved` by what they held. The lock order is the one routing uses: the caller
 * holds the order rows (in id order), this statement then locks the stock rows in (sku,
 * warehouse) order before the trigger updates them, so a cancel and a routing batch never
 * deadlock. Returns the number of lines released.
 */
export async function releaseReservations(trx: Transaction<Database>, orderIds: readonly string[]): Promise<number> {
  if (orderIds.length === 0) return 0;
  const ids = [...new Set(orderIds)].sort();
  const { rows } = await sql<{ released: number }>`
    with held as (
      select distinct sku, warehouse from reservations where order_id = any(${ids}::text[]) and status = 'held'
    ), locked as (
      select i.sku from inventory i join held h on h.sku = i.sku and h.warehouse = i.warehouse
       order by i.sku, i.warehouse for update of i
    ), released as (
      update reservations r set status = 'released'
       where r.order_id = any(${ids}::text[]) and r.status = 'held' and (select count(*) from locked) >= 0
      returning 1
    )
    select count(*)::int as released from released`.execute(trx);
  // Their parcels' open pick tasks go too (the pick sweep has the WMS cancel them), unless another
  // live order ships in the same parcel.
  await sql`
    update shipments s set pick_status = 'cancel_requested'
     where s.pick_status = 'open'
       and s.id in (select so.shipment_id from shipment_orders so where so.order_id = any(${ids}::text[]))
       and not exists (select 1 from shipment_orders other join orders o on o.id = other.order_id
                        where other.shipment_id = s.id and other.order_id <> all(${ids}::text[]) and o.status <> 'cancelled')`.execute(trx);
  await trx
    .deleteFrom('shipment_orders')
    .where('order_id', 'in', ids)
    .where('shipment_id', 'in', (eb) => eb.selectFrom('shipments').select('id').where('waybill_no', 'is', null))
    .execute();
  return rows[0]?.released ?? 0;
}
