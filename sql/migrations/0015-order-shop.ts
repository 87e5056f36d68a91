import { sql, type Kysely } from 'kysely';

/**
 * Every order records the shop account it came from (`orders.shop`, the account's code), so merge
 * (合单), the count check and the status view can tell two stores of one platform apart. Orders
 * stored before accounts existed belong to their channel's default account, which is named after
 * the channel; so do connector cursors kept under the old placeholder `default`. A row inserted
 * without a shop (a webhook, `submit`, a script) gets its channel's default account from a
 * trigger, so no writer has to know about accounts to stay correct.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table orders add column shop text`.execute(db);
  await sql`update orders set shop = channel where shop is null`.execute(db);
  await sql`alter table orders alter column shop set not null`.execute(db);
  await sql`
    create function orders_default_shop() returns trigger language plpgsql as $$
    begin
      if new.shop is null then new.shop := new.channel; end if;
      return new;
    end $$`.execute(db);
  await sql`create trigger orders_default_shop before insert on orders for each row execute function orders_default_shop()`.execute(db);
  // The count check reads one shop's day of orders.
  await sql`create index orders_shop_placed on orders (shop, placed_at)`.execute(db);
  await sql`update connector_cursors set shop = channel where shop = 'default'`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`update connector_cursors set shop = 'default' where shop = channel`.execute(db);
  await sql`drop index if exists orders_shop_placed`.execute(db);
  await sql`drop trigger if exists orders_default_shop on orders`.execute(db);
  await sql`drop function if exists orders_default_shop()`.execute(db);
  await sql`alter table orders drop column if exists shop`.execute(db);
}
