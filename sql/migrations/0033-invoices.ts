import { sql, type Kysely } from 'kysely';

/**
 * Electronic invoices (电子发票). `invoices` keeps one row per (order, kind): `blue` is the
 * invoice, `red` its red-letter reversal (冲红) after a full refund; the primary key is what makes
 * "once per order and kind" hold whatever the redelivery, next to the invoice service's own
 * idempotency key (`ORDER:blue`, `ORDER:red`). `shop_invoice_points` says per shop code (what
 * `orders.shop` holds) when its orders are invoiced: once `paid`, once `shipped` (the WMS confirmed
 * the parcel left), or `off`; a shop without a row is invoiced once paid. A table of its own
 * rather than a column of `shop_accounts`: a channel's default shop (named after the channel) has
 * no account row, and its invoicing is still set. `invoice_awaiting_shipment` lists the orders of
 * shops invoicing at shipment that reached the invoice step before their parcel left: the sweep
 * reads this short list, not every notified order. The partial index on fully refunded orders
 * lets the red-letter sweep look at refunded orders only.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table invoices (
      order_id text not null references orders (id),
      kind text not null check (kind in ('blue', 'red')),
      shop text not null,
      invoice_no text not null,
      title text not null,
      tax_no text not null default '',
      -- signed fen: a red invoice reverses its blue one, so it is the negative of it
      amount_fen bigint not null,
      requested_at timestamptz not null default now(),
      primary key (order_id, kind)
    )`.execute(db);
  await sql`
    create table shop_invoice_points (
      shop text primary key,
      point text not null check (point in ('paid', 'shipped', 'off')),
      updated_by text not null,
      updated_at timestamptz not null default now()
    )`.execute(db);
  await sql`
    create table invoice_awaiting_shipment (
      order_id text primary key references orders (id),
      since timestamptz not null default now()
    )`.execute(db);
  await sql`create index if not exists orders_fully_refunded on orders (id) where refund_status = 'refunded'`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index if exists orders_fully_refunded`.execute(db);
  await sql`drop table if exists invoice_awaiting_shipment`.execute(db);
  await sql`drop table if exists shop_invoice_points`.execute(db);
  await sql`drop table if exists invoices`.execute(db);
}
