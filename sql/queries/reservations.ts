import { sql, type Transaction } from 'kysely';
import type { Database } from '../database.ts';

/**
 * Gives back the stock held for `orderIds` (a cancel, a full refund) and takes the orders out of
 * shipments without a waybill, so a merged parcel does not carry a cancelled order's goods.
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
  await trx
    .deleteFrom('shipment_orders')
    .where('order_id', 'in', ids)
    .where('shipment_id', 'in', (eb) => eb.selectFrom('shipments').select('id').where('waybill_no', 'is', null))
    .execute();
  return rows[0]?.released ?? 0;
}
