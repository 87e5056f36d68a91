import { sql, type Kysely } from 'kysely';

/**
 * After-sales pulled from the platforms. `aftersale_cursors` is the after-sale feed's own cursor per
 * (channel, shop), apart from the order feed's (`connector_cursors`): the two listings are read
 * and fail apart. `platform_aftersales` keeps the newest version of every platform after-sale
 * record (its modified time) and which version has been applied to the ticket, so an older version
 * never overtakes a newer one and a record whose order has not arrived yet is applied later.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table aftersale_cursors (
      channel text not null,
      shop text not null,
      -- every after-sale record the platform shows as modified at or before this instant is stored
      cursor_at timestamptz not null,
      updated_at timestamptz not null default now(),
      last_success_at timestamptz,
      pulled bigint not null default 0,
      failures bigint not null default 0,
      consecutive_failures integer not null default 0,
      last_error text,
      last_error_at timestamptz,
      primary key (channel, shop)
    )`.execute(db);
  await sql`
    create table platform_aftersales (
      shop text not null,
      platform_ticket_id text not null,
      channel text not null,
      order_id text not null,
      -- the platform's own status code, and the ticket state it asks for
      platform_status text not null,
      status text not null,
      -- the record's version; only a later one replaces it
      modified_at timestamptz not null,
      -- the record as read (PlatformTicket)
      record jsonb not null,
      -- the version applied to the ticket; behind modified_at while there is work to do
      applied_version timestamptz,
      ticket_id bigint,
      -- what applying it last did (created, moved, waiting for the order, refused and why)
      outcome text,
      updated_at timestamptz not null default now(),
      primary key (shop, platform_ticket_id)
    )`.execute(db);
  await sql`create index platform_aftersales_pending on platform_aftersales (shop, modified_at) where applied_version is distinct from modified_at`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table if exists platform_aftersales`.execute(db);
  await sql`drop table if exists aftersale_cursors`.execute(db);
}
