import { sql, type Kysely } from 'kysely';

/** Orders, their lines and events, stock and reservations, shipments and notifications. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table orders (
      id text primary key,
      channel text not null,
      external_id text not null,
      status text not null,
      channel_status text not null,
      refund_status text not null,
      version bigint not null,
      placed_at timestamptz not null,
      paid_at timestamptz,
      channel_updated_at timestamptz not null,
      buyer text not null,
      address jsonb not null,
      payment_method text not null,
      goods_fen bigint not null check (goods_fen >= 0),
      discount_fen bigint not null check (discount_fen >= 0),
      platform_discount_fen bigint,
      shop_discount_fen bigint,
      shipping_fen bigint not null check (shipping_fen >= 0),
      paid_fen bigint not null check (paid_fen >= 0),
      coupons jsonb not null default '[]',
      buyer_message text not null default '',
      seller_memo text not null default '',
      raw jsonb not null,
      warehouse text,
      exception_type text,
      exception_detail text,
      created_at timestamptz not null default now(),
      modified_at timestamptz not null default now(),
      -- one order per (channel, external order id), whatever the number of deliveries
      unique (channel, external_id)
    )`.execute(db);
  await sql`create index orders_status on orders (status)`.execute(db);

  await sql`
    create table order_lines (
      order_id text not null references orders (id),
      line_id text not null,
      sku text not null,
      platform_sku_id text not null,
      title text not null,
      qty integer not null check (qty > 0),
      unit_price_fen bigint not null check (unit_price_fen >= 0),
      payable_fen bigint check (payable_fen >= 0),
      refund_status text not null,
      gift boolean not null default false,
      primary key (order_id, line_id)
    )`.execute(db);

  await sql`
    create table order_events (
      id bigserial primary key,
      order_id text not null references orders (id),
      -- one event per key and order: a redelivered message cannot record a step twice
      key text not null,
      type text not null,
      at timestamptz not null default now(),
      detail jsonb not null default '{}',
      unique (order_id, key)
    )`.execute(db);

  await sql`
    create table warehouses (
      code text primary key,
      name text not null,
      province_code text not null,
      active boolean not null default true
    )`.execute(db);
  await sql`insert into warehouses (code, name, province_code) values ('suzhou', '苏州仓', '320000')`.execute(db);

  await sql`
    create table inventory (
      sku text not null,
      warehouse text not null references warehouses (code),
      on_hand integer not null check (on_hand >= 0),
      reserved integer not null default 0,
      updated_at timestamptz not null default now(),
      primary key (sku, warehouse),
      -- the last line of defence against overselling
      check (reserved >= 0 and reserved <= on_hand)
    )`.execute(db);

  await sql`
    create table reservations (
      order_id text not null references orders (id),
      line_id text not null,
      sku text not null,
      warehouse text not null,
      qty integer not null check (qty > 0),
      status text not null default 'held',
      created_at timestamptz not null default now(),
      primary key (order_id, line_id)
    )`.execute(db);

  await sql`
    create table shipments (
      id text primary key,
      order_id text not null references orders (id),
      warehouse text not null,
      waybill_no text,
      carrier text,
      created_at timestamptz not null default now(),
      waybilled_at timestamptz
    )`.execute(db);
  await sql`create index shipments_order on shipments (order_id)`.execute(db);

  await sql`
    create table notifications (
      order_id text not null references orders (id),
      kind text not null,
      provider_message_id text not null,
      sent_at timestamptz not null default now(),
      primary key (order_id, kind)
    )`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['notifications', 'shipments', 'reservations', 'inventory', 'warehouses', 'order_events', 'order_lines', 'orders']) {
    await sql`drop table if exists ${sql.table(table)}`.execute(db);
  }
}
