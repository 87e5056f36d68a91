import { sql, type Kysely } from 'kysely';

/**
 * KPI rollups and the indexes behind them (`sql/queries/kpis.ts`). A KPI over a week of a
 * million orders is a sum of at most 168 hourly rows plus two partial hours read live, so it
 * costs the same on the millionth order as on the first:
 * - `kpi_hours`: per settled hour, orders received, orders that became exceptions, orders
 *   waybilled and their summed processing time; filled once per hour, on first need;
 * - `kpi_exception_hours`: per settled hour and exception type, the orders that got it;
 * - indexes to read an hour (or a partial one) by the server's own times: orders by `created_at`,
 *   exception events by `at`, shipments by `waybilled_at`; held reservations for stock accuracy.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table kpi_hours (
      hour timestamptz primary key,
      orders integer not null,
      exceptions integer not null,
      waybilled integer not null,
      processing_seconds double precision not null,
      computed_at timestamptz not null default now()
    )`.execute(db);
  await sql`
    create table kpi_exception_hours (
      hour timestamptz not null,
      type text not null,
      orders integer not null,
      primary key (hour, type)
    )`.execute(db);
  await sql`create index if not exists orders_created_at on orders (created_at)`.execute(db);
  await sql`create index if not exists order_events_exception_at on order_events (at) include (order_id, detail) where type = 'exception'`.execute(db);
  await sql`create index if not exists shipments_waybilled_at on shipments (waybilled_at) where waybilled_at is not null`.execute(db);
  await sql`create index if not exists reservations_held_qty on reservations (sku, warehouse) include (qty) where status = 'held'`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const index of ['reservations_held_qty', 'shipments_waybilled_at', 'order_events_exception_at', 'orders_created_at']) {
    await sql`drop index if exists ${sql.id(index)}`.execute(db);
  }
  await sql`drop table if exists kpi_exception_hours`.execute(db);
  await sql`drop table if exists kpi_hours`.execute(db);
}
