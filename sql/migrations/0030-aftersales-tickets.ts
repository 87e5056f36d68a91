import { sql, type Kysely } from 'kysely';

/**
 * After-sales tickets (refund only, return and refund, exchange): one per (shop, platform ticket
 * id), so a ticket created twice is one ticket; the units and refund of each line it covers; every
 * state change as an event; and a damaged count per SKU and warehouse for returned goods that
 * cannot be sold again (sellable ones go back into `inventory.on_hand`). `shop` is the shop's code,
 * the order's channel until shop accounts give orders one of their own.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table aftersales_tickets (
      id bigserial primary key,
      shop text not null,
      platform_ticket_id text not null,
      order_id text not null references orders (id),
      type text not null check (type in ('refund_only', 'return_refund', 'exchange')),
      state text not null check (state in ('requested', 'approved', 'rejected', 'return_shipped', 'received', 'refunded', 'exchange_shipped')),
      reason text not null default '',
      complaint boolean not null default false,
      refund_fen bigint not null check (refund_fen >= 0),
      return_carrier text,
      return_waybill text,
      received_warehouse text references warehouses (code),
      condition text check (condition in ('sellable', 'damaged')),
      exchange_warehouse text references warehouses (code),
      exchange_carrier text,
      exchange_waybill text,
      created_by text not null,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      unique (shop, platform_ticket_id)
    )`.execute(db);
  await sql`create index aftersales_tickets_order on aftersales_tickets (order_id)`.execute(db);
  await sql`create index aftersales_tickets_open on aftersales_tickets (state, created_at)`.execute(db);
  await sql`
    create table aftersales_ticket_lines (
      ticket_id bigint not null references aftersales_tickets (id),
      line_id text not null,
      sku text not null,
      qty integer not null check (qty > 0),
      refund_fen bigint not null check (refund_fen >= 0),
      primary key (ticket_id, line_id)
    )`.execute(db);
  await sql`
    create table aftersales_events (
      id bigserial primary key,
      ticket_id bigint not null references aftersales_tickets (id),
      type text not null,
      from_state text,
      to_state text not null,
      actor text not null,
      detail jsonb not null default '{}',
      at timestamptz not null default now()
    )`.execute(db);
  await sql`create index aftersales_events_ticket on aftersales_events (ticket_id, id)`.execute(db);
  await sql`
    create table damaged_stock (
      sku text not null,
      warehouse text not null references warehouses (code),
      qty integer not null check (qty >= 0),
      updated_at timestamptz not null default now(),
      primary key (sku, warehouse)
    )`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['damaged_stock', 'aftersales_events', 'aftersales_ticket_lines', 'aftersales_tickets']) {
    await sql`drop table if exists ${sql.table(table)}`.execute(db);
  }
}
