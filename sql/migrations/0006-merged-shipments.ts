import { sql, type Kysely } from 'kysely';
import { ROUTE_ORDERS_BODY } from './route-orders-body.ts';

/**
 * Merge (合单): paid orders of one shop, buyer and address within a window share a shipment.
 * A shipment now has orders (`shipment_orders`); `route_orders` takes the merge window and puts an
 * order into an open shipment of its merge key when there is one.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table shipments add column merge_key text`.execute(db);
  await sql`
    create table shipment_orders (
      shipment_id text not null references shipments (id),
      order_id text not null references orders (id),
      primary key (shipment_id, order_id)
    )`.execute(db);
  await sql`create index shipment_orders_order on shipment_orders (order_id)`.execute(db);
  await sql`insert into shipment_orders (shipment_id, order_id) select id, order_id from shipments`.execute(db);
  await sql`create index shipments_open_merge on shipments (merge_key, warehouse) where waybill_no is null`.execute(db);
  await sql`drop function route_orders(jsonb)`.execute(db);
  await sql.raw(ROUTE_ORDERS_BODY).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop function if exists route_orders(jsonb, integer)`.execute(db);
  await sql`drop table if exists shipment_orders`.execute(db);
  await sql`alter table shipments drop column if exists merge_key`.execute(db);
}
