import { sql, type Transaction } from 'kysely';
import type { Address, CanonicalOrder } from '../../streams/canonical-order.ts';
import type { Database, OrderStatus } from '../database.ts';

type Trx = Transaction<Database>;

/** The known orders among `ids`, locked until the transaction ends so no stage moves them meanwhile. */
export async function lockKnownOrders(
  trx: Trx,
  ids: readonly string[],
): Promise<Map<string, { status: OrderStatus; version: number; address: Address; hasWaybill: boolean }>> {
  if (ids.length === 0) return new Map();
  const rows = await trx
    .selectFrom('orders')
    .select(['id', 'status', 'version', 'address'])
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
    .where('id', 'in', ids)
    .orderBy('id')
    .forUpdate()
    .execute();
  return new Map(rows.map((r) => [r.id, { status: r.status, version: r.version, address: r.address, hasWaybill: Boolean(r.has_waybill) }]));
}

/**
 * Keeps the platform's newer version of an order: its status, refund state and version, and the
 * invoice the buyer asked for when the newer version carries one (a buyer may ask after paying).
 */
export async function storeVersion(trx: Trx, order: CanonicalOrder, changes: { address?: Address; status?: OrderStatus; exception?: { type: string; detail: string } }): Promise<void> {
  await trx
    .updateTable('orders')
    .set({
      version: order.version,
      channel_status: order.channelStatus,
      refund_status: order.refundStatus,
      channel_updated_at: order.updatedAt,
      modified_at: sql`now()`,
      ...(order.invoice ? { invoice_title: order.invoice.title, invoice_tax_no: order.invoice.taxNo } : {}),
      ...(changes.address ? { address: JSON.stringify(changes.address) } : {}),
      ...(changes.status ? { status: changes.status } : {}),
      ...(changes.exception ? { exception_type: changes.exception.type, exception_detail: changes.exception.detail } : {}),
    })
    .where('id', '=', order.id)
    .execute();
}

/** Counts deliveries older than the stored version. */
export async function countStale(trx: Trx, ids: readonly string[]): Promise<void> {
  for (const id of ids) {
    await trx.updateTable('orders').set({ stale_updates: sql`stale_updates + 1` }).where('id', '=', id).execute();
  }
}
