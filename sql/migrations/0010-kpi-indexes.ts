import { sql, type Kysely } from 'kysely';

/**
 * Indexes the KPI queries (`sql/queries/kpis.ts`) need to stay fast on millions of orders: each
 * reads only the rows of its period (orders by placement, exceptions by when they were raised,
 * shipments by when they were waybilled) or, for stock, the held reservations it must sum.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create index if not exists orders_placed_at on orders (placed_at)`.execute(db);
  await sql`create index if not exists order_events_exception_at on order_events (at) include (order_id, detail) where type = 'exception'`.execute(db);
  await sql`create index if not exists shipments_waybilled_at on shipments (waybilled_at) where waybilled_at is not null`.execute(db);
  await sql`create index if not exists reservations_held_qty on reservations (sku, warehouse) include (qty) where status = 'held'`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const index of ['reservations_held_qty', 'shipments_waybilled_at', 'order_events_exception_at', 'orders_placed_at']) {
    await sql`drop index if exists ${sql.id(index)}`.execute(db);
  }
}
